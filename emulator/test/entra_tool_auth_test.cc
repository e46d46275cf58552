// The Entra-backed auth types end to end (mock-idp, mock-mcp's bearer mount, the emulator):
// ProjectManagedIdentity, AgenticIdentityToken and UserEntraToken. Each is judged by what the
// bearer mount's whoami saw and by mock-idp's journal (how many tokens were asked for).

#include <gtest/gtest.h>

#include "stack.h"
#include "toolauth/emulator/entra_tokens.h"

namespace toolauth::emulator {
namespace {

using testing::HttpReply;
using testing::Stack;

class EntraToolAuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stack_ = new Stack(); }
  static void TearDownTestSuite() { delete stack_; }
  void SetUp() override {
    stack_->clear_journals();
    // Fresh caller tokens: tests move the shared clock forward.
    alice_ = stack_->user_token("alice");
  }

  HttpReply run(const std::string& agent, const std::string& label, const std::string& token = {}) {
    return stack_->call(
        http::Method::post, stack_->project_url("alpha") + "/openai/v1/responses",
        token.empty() ? alice_ : token,
        {{"agent", {{"type", "agent_reference"}, {"name", agent}}},
         {"input", "who am I?"},
         {"tool_choice", {{"type", "mcp"}, {"server_label", label}, {"name", "whoami"}}}});
  }
  // whoami's answer as the bearer mount authenticated the call.
  static nlohmann::json whoami(const HttpReply& reply) {
    for (const auto& item : reply.body["output"]) {
      if (item["type"] != "mcp_call") continue;
      if (item["status"] != "completed") {
        ADD_FAILURE() << "call failed: " << item.dump();
        return nlohmann::json::object();
      }
      return nlohmann::json::parse(item["output"].get<std::string>());
    }
    ADD_FAILURE() << "no mcp_call in " << reply.text;
    return nlohmann::json::object();
  }
  static std::vector<std::string> sources() {
    std::vector<std::string> out;
    for (const auto& e : stack_->emulator_journal("tool_auth")) {
      if (e["outcome"] == "credentials") out.push_back(e["source"]);
    }
    return out;
  }
  // Token requests mock-idp issued for `client_id` (token endpoint).
  static int issued_to(const std::string& client_id) {
    int n = 0;
    for (const auto& e : stack_->idp_journal("token"))
      n += e.value("client_id", "") == client_id && e.value("outcome", "") == "issued";
    return n;
  }
  static void set_lifetime(const std::string& client_id, std::chrono::seconds lifetime) {
    stack_->on_server_thread([&] {
      stack_->idp().provider().set_access_token_lifetime(client_id, lifetime);
      return 0;
    });
  }
  // Creates a prompt agent with one MCP tool on `connection` (never needs approval).
  void create_agent(const std::string& name, const std::string& connection,
                    nlohmann::json metadata = nlohmann::json::object()) {
    auto created = stack_->call(
        http::Method::post,
        stack_->project_url("alpha") + "/agents/" + name + "/versions?api-version=v1", alice_,
        {{"metadata", metadata},
         {"definition",
          {{"kind", "prompt"},
           {"tools",
            {{{"type", "mcp"},
              {"server_label", connection},
              {"project_connection_id", connection},
              {"require_approval", "never"}}}}}}});
    ASSERT_EQ(created.status, 200) << created.text;
  }

  static Stack* stack_;
  std::string alice_;
};
Stack* EntraToolAuthTest::stack_ = nullptr;

TEST(EntraTokens, ScopesAndTokenUrls) {
  EXPECT_EQ(default_scope("api://x"), "api://x/.default");
  EXPECT_EQ(default_scope("api://x/"), "api://x/.default");
  EXPECT_EQ(default_scope("api://x/.default"), "api://x/.default");
  EXPECT_EQ(entra_token_url("https://idp/", "t1"), "https://idp/t1/oauth2/v2.0/token");
}

TEST_F(EntraToolAuthTest, ProjectManagedIdentityIsCachedUntilNearExpiry) {
  const auto mi = stack_->identity_client_id("project-alpha");
  // 600 s tokens: served until 300 s before expiry (the cache's margin).
  set_lifetime(mi, std::chrono::seconds(600));
  for (int i = 0; i < 3; ++i) {
    auto reply = run("project-mi-agent", "project-mi");
    ASSERT_EQ(reply.status, 200) << reply.text;
    auto who = whoami(reply);
    EXPECT_EQ(who["auth"], "bearer");
    EXPECT_EQ(who["oid"], stack_->identity_oid("project-alpha"));
    EXPECT_EQ(who["appid"], mi);
    EXPECT_EQ(who["idtyp"], "app");
  }
  EXPECT_EQ(stack_->idp_journal("managed_identity").size(), 1u);
  EXPECT_EQ(sources(), (std::vector<std::string>{"new", "cache", "cache"}));

  stack_->clock().advance(std::chrono::seconds(301));
  auto reply = run("project-mi-agent", "project-mi", stack_->user_token("alice"));
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(whoami(reply)["oid"], stack_->identity_oid("project-alpha"));
  EXPECT_EQ(stack_->idp_journal("managed_identity").size(), 2u);
  set_lifetime(mi, std::chrono::seconds(3600));
}

TEST_F(EntraToolAuthTest, ARefusedCachedTokenIsDroppedAndFetchedAgain) {
  ASSERT_EQ(run("project-mi-agent", "project-mi").status, 200);  // cached now
  stack_->clear_journals();
  stack_->mcp_fault({{"match", {{"endpoint", "mcp"}, {"mount", "bearer"}}},
                     {"action", {{"status", 401}}},
                     {"count", 1}});
  auto reply = run("project-mi-agent", "project-mi");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(whoami(reply)["oid"], stack_->identity_oid("project-alpha"));
  EXPECT_EQ(sources(), (std::vector<std::string>{"cache", "new"}));
  EXPECT_EQ(stack_->idp_journal("managed_identity").size(), 1u);
}

TEST_F(EntraToolAuthTest, EachAgentActsAsItsOwnAgentIdentity) {
  // agent-identity-agent has its own identity (agent-two); an agent without one acts as the
  // project's (agent-one).
  create_agent("plain-agent", "agent-identity");
  auto two = run("agent-identity-agent", "agent-identity");
  auto one = run("plain-agent", "agent-identity");
  ASSERT_EQ(two.status, 200) << two.text;
  ASSERT_EQ(one.status, 200) << one.text;
  auto who_two = whoami(two);
  auto who_one = whoami(one);
  EXPECT_EQ(who_two["oid"], stack_->identity_oid("agent-two"));
  EXPECT_EQ(who_one["oid"], stack_->identity_oid("agent-one"));
  EXPECT_NE(who_two["oid"], who_one["oid"]);
  for (const auto& who : {who_one, who_two}) {
    EXPECT_EQ(who["idtyp"], "app");
    EXPECT_FALSE(who.contains("scp")) << who.dump();  // never a user token
    EXPECT_FALSE(who.contains("preferred_username")) << who.dump();
  }
  EXPECT_NE(who_two["oid"], stack_->user_oid("alice"));
}

TEST_F(EntraToolAuthTest, AgentIdentityTokensAreCached) {
  const auto two = stack_->identity_client_id("agent-two");
  ASSERT_EQ(run("agent-identity-agent", "agent-identity").status, 200);
  stack_->clear_journals();
  for (int i = 0; i < 3; ++i) {
    auto reply = run("agent-identity-agent", "agent-identity");
    ASSERT_EQ(reply.status, 200) << reply.text;
    EXPECT_EQ(whoami(reply)["oid"], stack_->identity_oid("agent-two"));
  }
  EXPECT_EQ(issued_to(two), 0);
  EXPECT_EQ(sources(), (std::vector<std::string>{"cache", "cache", "cache"}));
}

TEST_F(EntraToolAuthTest, AnAgentCannotClaimAnotherAgentsIdentityThroughMetadata) {
  create_agent("impostor", "agent-identity",
               {{"agent_identity_client_id", stack_->identity_client_id("agent-two")}});
  auto reply = run("impostor", "agent-identity");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(whoami(reply)["oid"], stack_->identity_oid("agent-one"));
}

TEST_F(EntraToolAuthTest, UserEntraTokenActsAsTheCallerOnBehalfOf) {
  auto as_alice = run("user-entra-agent", "user-entra");
  ASSERT_EQ(as_alice.status, 200) << as_alice.text;
  auto alice = whoami(as_alice);
  EXPECT_EQ(alice["oid"], stack_->user_oid("alice"));
  EXPECT_EQ(alice["scp"], nlohmann::json({"Tools.Read", "Tools.Invoke"})) << alice.dump();
  EXPECT_EQ(alice["idtyp"], "user");
  EXPECT_EQ(alice["azp"], stack_->emulator().world().client.client_id);  // the foundry app

  auto as_bob = run("user-entra-agent", "user-entra", stack_->user_token("bob"));
  ASSERT_EQ(as_bob.status, 200) << as_bob.text;
  EXPECT_EQ(whoami(as_bob)["oid"], stack_->user_oid("bob"));

  int obo = 0;
  for (const auto& e : stack_->idp_journal("token")) {
    if (e.value("grant_type", "") != "urn:ietf:params:oauth:grant-type:jwt-bearer") continue;
    ++obo;
    EXPECT_EQ(e["client"], "foundry") << e.dump();
  }
  EXPECT_EQ(obo, 2);
  // One user's token never serves another: a second call of alice's is a cache hit.
  ASSERT_EQ(run("user-entra-agent", "user-entra").status, 200);
  EXPECT_EQ(sources(), (std::vector<std::string>{"new", "new", "cache"}));
}

TEST_F(EntraToolAuthTest, NoTokenEverReachesAJournalOrAnOutput) {
  auto reply = run("user-entra-agent", "user-entra");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.text.find("eyJ"), std::string::npos);
  EXPECT_EQ(stack_->emulator_journal("tool_auth").dump().find("eyJ"), std::string::npos);
  EXPECT_EQ(stack_->emulator_journal("mcp_call").dump().find("eyJ"), std::string::npos);
}

}  // namespace
}  // namespace toolauth::emulator
