// The emulator's deliberate defects: their names, and what each one does in a real stack.

#include "toolauth/emulator/defects.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "stack.h"
#include "toolauth/conformance/user_agent.h"
#include "toolauth/core/error.h"

namespace toolauth::emulator {
namespace {

TEST(EmulatorDefectsTest, NoneByDefault) {
  EmulatorDefects defects;
  EXPECT_FALSE(defects.any());
  EXPECT_TRUE(defects.names().empty());
  EXPECT_FALSE(defects.has(Defect::skip_state_check));
}

TEST(EmulatorDefectsTest, ParsesKnownNamesInTheirListOrder) {
  auto defects = parse_emulator_defects({"skip-state-check", "leak-key-across-connections"});
  ASSERT_TRUE(defects.ok()) << defects.error().message();
  EXPECT_TRUE(defects->has(Defect::skip_state_check));
  EXPECT_TRUE(defects->has(Defect::leak_key_across_connections));
  EXPECT_FALSE(defects->has(Defect::no_pkce));
  EXPECT_EQ(defects->names(),
            (std::vector<std::string>{"leak-key-across-connections", "skip-state-check"}));
}

TEST(EmulatorDefectsTest, EveryNameRoundTrips) {
  ASSERT_EQ(known_emulator_defects().size(), kDefectCount);
  for (std::size_t i = 0; i < kDefectCount; ++i) {
    const auto defect = static_cast<Defect>(i);
    const std::string name(to_string(defect));
    auto parsed = parse_emulator_defects({name});
    ASSERT_TRUE(parsed.ok()) << name;
    EXPECT_TRUE(parsed->has(defect)) << name;
    EXPECT_EQ(parsed->names(), std::vector<std::string>{name});
    EXPECT_EQ(known_emulator_defects()[i], name);
  }
}

TEST(EmulatorDefectsTest, AnUnknownNameIsAnErrorThatListsTheKnownOnes) {
  auto defects = parse_emulator_defects({"skip-state-check", "accept-everything"});
  ASSERT_FALSE(defects.ok());
  EXPECT_EQ(defects.error().code, core::make_error_code(core::Errc::invalid_argument));
  EXPECT_NE(defects.error().detail.find("\"accept-everything\""), std::string::npos);
  EXPECT_NE(defects.error().detail.find("no-single-flight"), std::string::npos);
}

// Each defect in a real stack (mock-idp, mock-mcp, the emulator on port 0): the same steps as
// the agent-service scenario that catches it, against the reference emulator and against the
// mutant, show the difference that scenario observes.

using conformance::ConsentDecision;
using testing::HttpReply;
using testing::Stack;

constexpr const char* kApiKey = "tak-primary-5b9d2e71c0a84f36";

// What a scenario does with one stack: invoke tools as a user, consent, read the journals.
class MutantProbe {
 public:
  explicit MutantProbe(Stack& stack) : stack_(stack) {}

  HttpReply run(const std::string& agent, const std::string& label, const std::string& token,
                const std::string& previous = {}, const std::string& project = "alpha") {
    nlohmann::json body = {
        {"agent", {{"type", "agent_reference"}, {"name", agent}}},
        {"input", "who am I?"},
        {"tool_choice", {{"type", "mcp"}, {"server_label", label}, {"name", "whoami"}}}};
    if (!previous.empty()) body["previous_response_id"] = previous;
    return stack_.call(http::Method::post, stack_.project_url(project) + "/openai/v1/responses",
                       token, body);
  }
  HttpReply run_invoke(const std::string& token, const std::string& previous = {}) {
    return run("oauth-invoke-agent", "oauth-invoke", token, previous);
  }
  static nlohmann::json item(const HttpReply& reply, std::string_view type) {
    for (const auto& i : reply.body["output"]) {
      if (i["type"] == type) return i;
    }
    return nullptr;
  }
  static std::string call_status(const HttpReply& reply) {
    auto call = item(reply, "mcp_call");
    return call.is_null() ? std::string("none") : call["status"].get<std::string>();
  }
  // whoami's answer: the principal the MCP server authenticated (empty when the call failed).
  static nlohmann::json whoami(const HttpReply& reply) {
    auto call = item(reply, "mcp_call");
    if (call.is_null() || call["status"] != "completed") return nlohmann::json::object();
    return nlohmann::json::parse(call["output"].get<std::string>());
  }
  conformance::UserAgentWalk browse(const std::string& url, const std::string& user,
                                    ConsentDecision decision, const std::string& stop_at = {}) {
    const std::string ca = stack_.ca_file();
    auto walk = toolauth::testing::run_sync<core::Result<conformance::UserAgentWalk>>(
        [&]() -> boost::asio::awaitable<core::Result<conformance::UserAgentWalk>> {
          http::Client client(co_await boost::asio::this_coro::executor, {.ca_file = ca});
          conformance::UserAgent agent(client,
                                       {user + "@contoso.onmicrosoft.com", user + "-Passw0rd!"});
          co_return co_await agent.open(url, decision, stop_at);
        });
    if (!walk.ok()) throw std::runtime_error(walk.error().message());
    return *walk;
  }
  // First use, consent as `user`, and the continuation; returns the continuation.
  HttpReply consent_and_continue(const std::string& user, const std::string& token,
                                 const std::string& agent = "oauth-invoke-agent",
                                 const std::string& label = "oauth-invoke") {
    auto first = run(agent, label, token);
    auto consent = item(first, "oauth_consent_request");
    if (consent.is_null()) throw std::runtime_error("no consent request: " + first.text);
    auto walk = browse(consent["consent_link"], user, ConsentDecision::approve);
    if (walk.final_status != 200) throw std::runtime_error("consent failed: " + walk.final_body);
    return run(agent, label, token, first.body["id"]);
  }
  std::vector<nlohmann::json> token_requests(const std::string& grant_type) const {
    std::vector<nlohmann::json> out;
    for (const auto& e : stack_.idp_journal("token")) {
      if (e.value("grant_type", "") == grant_type) out.push_back(e);
    }
    return out;
  }
  // Lowercased names of the headers that reached mock-mcp's `mount`.
  std::set<std::string> headers_at(const std::string& mount) const {
    std::set<std::string> names;
    for (const auto& e : stack_.mcp_journal()) {
      if (e.value("mount", "") != mount) continue;
      for (const auto& [name, value] : e["headers"].items()) {
        std::string lower = name;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        names.insert(lower);
      }
    }
    return names;
  }
  void set_connector_lifetime(std::chrono::seconds lifetime) {
    stack_.on_server_thread([&] {
      auto& provider = stack_.idp().provider();
      provider.set_access_token_lifetime(
          provider.directory().application_named("connector")->client_id, lifetime);
      return 0;
    });
  }

 private:
  Stack& stack_;
};

// The reference emulator and one mutant, each in its own stack.
class DefectTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { reference_ = new Stack(); }
  static void TearDownTestSuite() { delete reference_; }
  void SetUp() override {
    // The shared reference stack starts every test clean.
    auto& r = *reference_;
    r.send({.method = http::Method::post, .url = r.emulator().url() + "/_admin/reset"});
    r.send({.method = http::Method::post, .url = r.idp().url() + "/_admin/reset"});
    r.send({.method = http::Method::delete_, .url = r.idp().url() + "/_admin/faults"});
    r.clear_mcp_faults();
    r.clear_journals();
  }
  static Stack& reference() { return *reference_; }

  static Stack* reference_;
};
Stack* DefectTest::reference_ = nullptr;

TEST_F(DefectTest, LeakKeyAcrossConnections) {
  Stack mutant({"leak-key-across-connections"});
  for (Stack* stack : {&reference(), &mutant}) {
    MutantProbe probe(*stack);
    auto reply = probe.run("open-agent", "open", stack->user_token("alice"));
    EXPECT_EQ(MutantProbe::call_status(reply), "completed") << reply.text;
  }
  // The open server never gets a key from the reference; the mutant sends it both.
  EXPECT_FALSE(MutantProbe(reference()).headers_at("open").contains("x-api-key"));
  const auto leaked = MutantProbe(mutant).headers_at("open");
  EXPECT_TRUE(leaked.contains("x-api-key"));
  EXPECT_TRUE(leaked.contains("x-functions-key"));
}

TEST_F(DefectTest, WrongKeyHeader) {
  Stack mutant({"wrong-key-header"});
  MutantProbe right(reference()), wrong(mutant);
  auto good = right.run("functions-key-agent", "functions-key", reference().user_token("alice"));
  EXPECT_EQ(MutantProbe::call_status(good), "completed") << good.text;
  EXPECT_TRUE(right.headers_at("functions").contains("x-functions-key"));

  auto bad = wrong.run("functions-key-agent", "functions-key", mutant.user_token("alice"));
  EXPECT_EQ(MutantProbe::call_status(bad), "failed") << bad.text;
  const auto sent = wrong.headers_at("functions");
  EXPECT_FALSE(sent.contains("x-functions-key"));
  EXPECT_TRUE(sent.contains("x-api-key"));
  // A key whose header is X-API-Key already still works.
  auto api_key = wrong.run("api-key-agent", "api-key", mutant.user_token("alice"));
  EXPECT_EQ(MutantProbe::call_status(api_key), "completed") << api_key.text;
}

TEST_F(DefectTest, KeyInOutput) {
  Stack mutant({"key-in-output"});
  auto clean =
      MutantProbe(reference()).run("api-key-agent", "api-key", reference().user_token("alice"));
  EXPECT_EQ(MutantProbe::whoami(clean)["key_id"], "primary") << clean.text;
  EXPECT_EQ(clean.text.find(kApiKey), std::string::npos);

  auto leaky = MutantProbe(mutant).run("api-key-agent", "api-key", mutant.user_token("alice"));
  EXPECT_EQ(MutantProbe::whoami(leaky)["key_id"], "primary") << leaky.text;
  EXPECT_NE(MutantProbe::item(leaky, "mcp_call")["output"].get<std::string>().find(kApiKey),
            std::string::npos);
}

TEST_F(DefectTest, StaleKey) {
  Stack mutant({"stale-key"});
  std::map<Stack*, std::vector<std::string>> key_ids;
  for (Stack* stack : {&reference(), &mutant}) {
    MutantProbe probe(*stack);
    const auto token = stack->user_token("alice");
    key_ids[stack].push_back(
        MutantProbe::whoami(probe.run("api-key-agent", "api-key", token))["key_id"]);
    // The key is rotated to the secondary one through the control plane.
    auto put = stack->call(
        http::Method::put,
        stack->emulator().url() +
            "/subscriptions/3994693e-a3ae-4e68-9323-451b4a95902a/resourceGroups/toolauth/"
            "providers/Microsoft.CognitiveServices/accounts/toolauth/projects/alpha/connections/"
            "api-key?api-version=2025-04-01-preview",
        token,
        {{"properties",
          {{"category", "RemoteTool"},
           {"authType", "CustomKeys"},
           {"target", stack->mcp().url() + "/mcp/api-key"},
           {"credentials", {{"keys", {{"X-API-Key", "tak-secondary-9e41a7d3b2c6f058"}}}}}}}});
    ASSERT_EQ(put.status, 200) << put.text;
    key_ids[stack].push_back(
        MutantProbe::whoami(probe.run("api-key-agent", "api-key", token))["key_id"]);
  }
  EXPECT_EQ(key_ids[&reference()], (std::vector<std::string>{"primary", "secondary"}));
  EXPECT_EQ(key_ids[&mutant], (std::vector<std::string>{"primary", "primary"}));
}

TEST_F(DefectTest, MiIgnoreAudience) {
  Stack mutant({"mi-ignore-audience"});
  const std::string audience = "api://d561cab7-7e4d-473d-b44d-04cb5f0f2c02";
  auto right = MutantProbe::whoami(
      MutantProbe(reference())
          .run("project-mi-agent", "project-mi", reference().user_token("alice")));
  EXPECT_EQ(right["aud"], audience) << right.dump();
  EXPECT_EQ(right["oid"], reference().identity_oid("project-alpha"));
  auto wrong = MutantProbe::whoami(
      MutantProbe(mutant).run("project-mi-agent", "project-mi", mutant.user_token("alice")));
  EXPECT_EQ(wrong["oid"], mutant.identity_oid("project-alpha")) << wrong.dump();
  EXPECT_NE(wrong["aud"], audience) << wrong.dump();
}

TEST_F(DefectTest, MiNoCache) {
  Stack mutant({"mi-no-cache"});
  for (Stack* stack : {&reference(), &mutant}) {
    MutantProbe probe(*stack);
    const auto token = stack->user_token("alice");
    for (int i = 0; i < 3; ++i) {
      auto reply = probe.run("project-mi-agent", "project-mi", token);
      EXPECT_EQ(MutantProbe::call_status(reply), "completed") << reply.text;
    }
  }
  EXPECT_EQ(reference().idp_journal("managed_identity").size(), 1u);
  EXPECT_EQ(mutant.idp_journal("managed_identity").size(), 3u);
}

TEST_F(DefectTest, UserTokenAsAgent) {
  Stack mutant({"user-token-as-agent"});
  auto agent = MutantProbe::whoami(
      MutantProbe(reference())
          .run("agent-identity-agent", "agent-identity", reference().user_token("alice")));
  EXPECT_EQ(agent["oid"], reference().identity_oid("agent-two")) << agent.dump();
  EXPECT_EQ(agent["idtyp"], "app");
  auto user = MutantProbe::whoami(MutantProbe(mutant).run("agent-identity-agent", "agent-identity",
                                                          mutant.user_token("alice")));
  EXPECT_EQ(user["oid"], mutant.user_oid("alice")) << user.dump();
  EXPECT_EQ(user["idtyp"], "user");
}

TEST_F(DefectTest, SharedAgentIdentity) {
  Stack mutant({"shared-agent-identity"});
  auto own = MutantProbe::whoami(
      MutantProbe(reference())
          .run("agent-identity-agent", "agent-identity", reference().user_token("alice")));
  EXPECT_EQ(own["oid"], reference().identity_oid("agent-two")) << own.dump();
  auto shared = MutantProbe::whoami(MutantProbe(mutant).run(
      "agent-identity-agent", "agent-identity", mutant.user_token("alice")));
  EXPECT_EQ(shared["oid"], mutant.identity_oid("agent-one")) << shared.dump();
  EXPECT_EQ(shared["idtyp"], "app");  // still an agent identity, but the project's
}

TEST_F(DefectTest, NoPkce) {
  Stack mutant({"no-pkce"});
  std::map<Stack*, http::Params> authorize;
  std::map<Stack*, int> consent_status;
  for (Stack* stack : {&reference(), &mutant}) {
    MutantProbe probe(*stack);
    auto first = probe.run_invoke(stack->user_token("alice"));
    const auto link =
        MutantProbe::item(first, "oauth_consent_request")["consent_link"].get<std::string>();
    auto redirect = stack->send({.method = http::Method::get, .url = link});
    ASSERT_EQ(redirect.status, 302) << redirect.text;
    const auto location = std::string(redirect.headers.get("location").value_or(""));
    auto query = http::parse_query(location.substr(location.find('?') + 1));
    ASSERT_TRUE(query.ok());
    authorize[stack] = *query;
    consent_status[stack] = probe.browse(location, "alice", ConsentDecision::approve).final_status;
  }
  EXPECT_EQ(authorize[&reference()].get_or("code_challenge_method", ""), "S256");
  EXPECT_EQ(authorize[&reference()].get_or("code_challenge", "").size(), 43u);
  EXPECT_EQ(consent_status[&reference()], 200);
  EXPECT_FALSE(authorize[&mutant].has("code_challenge"));
  EXPECT_FALSE(authorize[&mutant].has("code_challenge_method"));
  EXPECT_FALSE(authorize[&mutant].get_or("state", "").empty());
  // mock-idp insists on PKCE: the mutant's consent never completes.
  EXPECT_EQ(consent_status[&mutant], 400);
}

TEST_F(DefectTest, ConsentNotPerUser) {
  Stack mutant({"consent-not-per-user"});
  for (Stack* stack : {&reference(), &mutant}) {
    MutantProbe probe(*stack);
    probe.consent_and_continue("alice", stack->user_token("alice"));
  }
  auto own = MutantProbe(reference()).run_invoke(reference().user_token("bob"));
  EXPECT_EQ(own.body["status"], "incomplete") << own.text;
  auto borrowed = MutantProbe(mutant).run_invoke(mutant.user_token("bob"));
  EXPECT_EQ(MutantProbe::whoami(borrowed)["oid"], mutant.user_oid("alice")) << borrowed.text;
}

TEST_F(DefectTest, ConsentNotPerConnection) {
  Stack mutant({"consent-not-per-connection"});
  std::map<Stack*, HttpReply> read;
  for (Stack* stack : {&reference(), &mutant}) {
    MutantProbe probe(*stack);
    const auto token = stack->user_token("alice");
    probe.consent_and_continue("alice", token);
    read[stack] = probe.run("oauth-read-agent", "oauth-read", token);
  }
  EXPECT_EQ(read[&reference()].body["status"], "incomplete") << read[&reference()].text;
  EXPECT_EQ(MutantProbe::call_status(read[&mutant]), "completed") << read[&mutant].text;
}

TEST_F(DefectTest, ConsentNotPerProject) {
  Stack mutant({"consent-not-per-project"});
  std::map<Stack*, HttpReply> beta;
  for (Stack* stack : {&reference(), &mutant}) {
    MutantProbe probe(*stack);
    const auto token = stack->user_token("alice");
    probe.consent_and_continue("alice", token);
    beta[stack] = probe.run("oauth-invoke-agent", "oauth-invoke", token, {}, "beta");
  }
  EXPECT_EQ(beta[&reference()].body["status"], "incomplete") << beta[&reference()].text;
  EXPECT_EQ(MutantProbe::call_status(beta[&mutant]), "completed") << beta[&mutant].text;
}

TEST_F(DefectTest, SkipStateCheck) {
  Stack mutant({"skip-state-check"});
  std::map<Stack*, int> tampered_status;
  std::map<Stack*, std::string> continued;
  for (Stack* stack : {&reference(), &mutant}) {
    MutantProbe probe(*stack);
    const auto token = stack->user_token("alice");
    auto first = probe.run_invoke(token);
    const auto link =
        MutantProbe::item(first, "oauth_consent_request")["consent_link"].get<std::string>();
    const auto callback = stack->emulator().url() + "/oauth/callback";
    auto walk = probe.browse(link, "alice", ConsentDecision::approve, callback);
    const auto code = walk.params.get_or("code", "");
    const auto state = walk.params.get_or("state", "");
    auto tampered = stack->send(
        {.method = http::Method::get,
         .url = callback + "?" + http::encode_form({{"code", code}, {"state", state + "x"}})});
    tampered_status[stack] = tampered.status;
    continued[stack] = probe.run_invoke(token, first.body["id"]).body["status"];
  }
  EXPECT_EQ(tampered_status[&reference()], 400);
  EXPECT_EQ(continued[&reference()], "incomplete");  // nothing stored
  EXPECT_EQ(tampered_status[&mutant], 200);
  EXPECT_EQ(continued[&mutant], "completed");  // the tampered answer stored a token
}

TEST_F(DefectTest, ReusableConsentLink) {
  Stack mutant({"reusable-consent-link"});
  std::map<Stack*, int> again;
  for (Stack* stack : {&reference(), &mutant}) {
    MutantProbe probe(*stack);
    auto first = probe.run_invoke(stack->user_token("alice"));
    const auto link =
        MutantProbe::item(first, "oauth_consent_request")["consent_link"].get<std::string>();
    EXPECT_EQ(probe.browse(link, "alice", ConsentDecision::approve).final_status, 200);
    again[stack] = stack->send({.method = http::Method::get, .url = link}).status;
  }
  EXPECT_EQ(again[&reference()], 400);
  EXPECT_EQ(again[&mutant], 302);  // on to the IdP once more
}

TEST_F(DefectTest, Declined500) {
  Stack mutant({"declined-500"});
  std::map<Stack*, HttpReply> continued;
  for (Stack* stack : {&reference(), &mutant}) {
    MutantProbe probe(*stack);
    const auto token = stack->user_token("alice");
    auto first = probe.run_invoke(token);
    const auto link =
        MutantProbe::item(first, "oauth_consent_request")["consent_link"].get<std::string>();
    EXPECT_EQ(probe.browse(link, "alice", ConsentDecision::decline).final_status, 200);
    continued[stack] = probe.run_invoke(token, first.body["id"]);
  }
  EXPECT_EQ(continued[&reference()].status, 200);
  EXPECT_EQ(MutantProbe::item(continued[&reference()], "mcp_call")["error"], "consent_declined");
  EXPECT_EQ(continued[&mutant].status, 500) << continued[&mutant].text;
}

TEST_F(DefectTest, NoRefresh) {
  Stack mutant({"no-refresh"});
  std::map<Stack*, HttpReply> later;
  for (Stack* stack : {&reference(), &mutant}) {
    MutantProbe probe(*stack);
    probe.set_connector_lifetime(std::chrono::seconds(600));
    probe.consent_and_continue("alice", stack->user_token("alice"));
    stack->clock().advance(std::chrono::seconds(301));
    later[stack] = probe.run_invoke(stack->user_token("alice"));
    probe.set_connector_lifetime(std::chrono::seconds(3600));
  }
  EXPECT_EQ(MutantProbe::call_status(later[&reference()]), "completed");
  EXPECT_EQ(MutantProbe(reference()).token_requests("refresh_token").size(), 1u);
  EXPECT_EQ(later[&mutant].body["status"], "incomplete");  // a new consent instead
  EXPECT_FALSE(MutantProbe::item(later[&mutant], "oauth_consent_request").is_null());
  EXPECT_TRUE(MutantProbe(mutant).token_requests("refresh_token").empty());
}

TEST_F(DefectTest, ReuseRefreshToken) {
  Stack mutant({"reuse-refresh-token"});
  for (Stack* stack : {&reference(), &mutant}) {
    MutantProbe probe(*stack);
    probe.set_connector_lifetime(std::chrono::seconds(600));
    probe.consent_and_continue("alice", stack->user_token("alice"));
    for (int i = 0; i < 2; ++i) {
      stack->clock().advance(std::chrono::seconds(301));
      probe.run_invoke(stack->user_token("alice"));
    }
    probe.set_connector_lifetime(std::chrono::seconds(3600));
  }
  // Which refresh token each refresh presented (mock-idp's use hash).
  auto uses = [](Stack& stack) {
    std::vector<std::string> out;
    for (const auto& e : MutantProbe(stack).token_requests("refresh_token"))
      out.push_back(e.value("use", ""));
    return out;
  };
  const auto right = uses(reference());
  ASSERT_EQ(right.size(), 2u);
  EXPECT_NE(right[0], right[1]);  // the rotated one
  const auto wrong = uses(mutant);
  ASSERT_EQ(wrong.size(), 2u);
  EXPECT_EQ(wrong[0], wrong[1]);  // the first one again
}

TEST_F(DefectTest, NoSingleFlight) {
  Stack mutant({"no-single-flight"});
  for (Stack* stack : {&reference(), &mutant}) {
    MutantProbe probe(*stack);
    probe.set_connector_lifetime(std::chrono::seconds(600));
    probe.consent_and_continue("alice", stack->user_token("alice"));
    stack->clock().advance(std::chrono::seconds(301));
    const auto token = stack->user_token("alice");
    // The first refresh is held at mock-idp, so the second call finds the token expired while
    // it is in flight however slowly the threads start (else a mutant can look single-flight).
    stack->idp_fault({{"match", {{"endpoint", "token"}, {"grant_type", "refresh_token"}}},
                      {"action", {{"latency_ms", 1500}}},
                      {"count", 1}});
    std::thread a([&] { MutantProbe(*stack).run_invoke(token); });
    std::thread b([&] { MutantProbe(*stack).run_invoke(token); });
    a.join();
    b.join();
    probe.set_connector_lifetime(std::chrono::seconds(3600));
  }
  EXPECT_EQ(MutantProbe(reference()).token_requests("refresh_token").size(), 1u);
  EXPECT_EQ(MutantProbe(mutant).token_requests("refresh_token").size(), 2u);
}

TEST_F(DefectTest, RetryLoopOn401) {
  Stack mutant({"retry-loop-on-401"});
  std::map<Stack*, HttpReply> refused;
  for (Stack* stack : {&reference(), &mutant}) {
    MutantProbe probe(*stack);
    const auto token = stack->user_token("alice");
    probe.consent_and_continue("alice", token);
    stack->clear_journals();
    stack->mcp_fault({{"match", {{"endpoint", "mcp"}, {"mount", "bearer"}, {"tool", "whoami"}}},
                      {"action", {{"status", 401}}},
                      {"count", 20}});
    refused[stack] = probe.run_invoke(token);
  }
  EXPECT_EQ(MutantProbe::call_status(refused[&reference()]), "failed");
  EXPECT_EQ(MutantProbe(reference()).token_requests("refresh_token").size(), 1u);
  EXPECT_EQ(MutantProbe::call_status(refused[&mutant]), "failed");
  EXPECT_GT(MutantProbe(mutant).token_requests("refresh_token").size(), 1u);
}

TEST_F(DefectTest, TokenInOutput) {
  Stack mutant({"token-in-output"});
  auto clean =
      MutantProbe(reference()).consent_and_continue("alice", reference().user_token("alice"));
  EXPECT_EQ(MutantProbe::call_status(clean), "completed");
  EXPECT_EQ(clean.text.find("eyJ"), std::string::npos);
  auto leaky = MutantProbe(mutant).consent_and_continue("alice", mutant.user_token("alice"));
  EXPECT_EQ(MutantProbe::whoami(leaky)["oid"], mutant.user_oid("alice"));
  EXPECT_NE(MutantProbe::item(leaky, "mcp_call")["output"].get<std::string>().find("Bearer eyJ"),
            std::string::npos);
}

TEST_F(DefectTest, AcceptCrossTenant) {
  Stack mutant({"accept-cross-tenant"});
  std::map<Stack*, HttpReply> carol;
  for (Stack* stack : {&reference(), &mutant}) {
    const auto token = stack->mint("fabrikam", "carol", "https://ai.azure.com");
    carol[stack] = MutantProbe(*stack).run_invoke(token);
  }
  EXPECT_EQ(carol[&reference()].status, 403);
  EXPECT_EQ(carol[&reference()].inner_code(), "TenantMismatch");
  EXPECT_EQ(carol[&mutant].status, 200) << carol[&mutant].text;
  EXPECT_FALSE(MutantProbe::item(carol[&mutant], "oauth_consent_request").is_null());
}

TEST_F(DefectTest, VaultInMemory) {
  Stack mutant({"vault-in-memory"});
  std::map<Stack*, HttpReply> after;
  for (Stack* stack : {&reference(), &mutant}) {
    MutantProbe probe(*stack);
    const auto token = stack->user_token("alice");
    auto continued = probe.consent_and_continue("alice", token);
    EXPECT_EQ(MutantProbe::call_status(continued), "completed");
    stack->restart_emulator();
    after[stack] = probe.run_invoke(token);
  }
  EXPECT_EQ(MutantProbe::call_status(after[&reference()]), "completed");
  EXPECT_EQ(after[&mutant].body["status"], "incomplete");  // consent forgotten
}

TEST_F(DefectTest, OboWrongScope) {
  Stack mutant({"obo-wrong-scope"});
  auto right = MutantProbe(reference())
                   .run("user-entra-agent", "user-entra", reference().user_token("alice"));
  auto who = MutantProbe::whoami(right);
  EXPECT_EQ(who["oid"], reference().user_oid("alice")) << right.text;
  EXPECT_EQ(who["scp"], nlohmann::json({"Tools.Read", "Tools.Invoke"}));
  auto wrong =
      MutantProbe(mutant).run("user-entra-agent", "user-entra", mutant.user_token("alice"));
  EXPECT_EQ(MutantProbe::call_status(wrong), "failed") << wrong.text;
}

TEST_F(DefectTest, ApprovalSkipsConsent) {
  Stack mutant({"approval-skips-consent"});
  std::map<Stack*, HttpReply> approved;
  for (Stack* stack : {&reference(), &mutant}) {
    const auto token = stack->user_token("alice");
    auto created = stack->call(
        http::Method::post,
        stack->project_url("alpha") + "/agents/oauth-approval-agent/versions?api-version=v1", token,
        {{"definition",
          {{"kind", "prompt"},
           {"tools",
            {{{"type", "mcp"},
              {"server_label", "oauth-invoke"},
              {"project_connection_id", "oauth-invoke"},
              {"require_approval", "always"}}}}}}});
    ASSERT_EQ(created.status, 200) << created.text;
    // Listing the tools needs the user's consent first; then the call needs the approval.
    MutantProbe probe(*stack);
    auto asked = probe.consent_and_continue("alice", token, "oauth-approval-agent", "oauth-invoke");
    auto request = MutantProbe::item(asked, "mcp_approval_request");
    ASSERT_FALSE(request.is_null()) << asked.text;
    approved[stack] =
        stack->call(http::Method::post, stack->project_url("alpha") + "/openai/v1/responses", token,
                    {{"agent", {{"type", "agent_reference"}, {"name", "oauth-approval-agent"}}},
                     {"previous_response_id", asked.body["id"]},
                     {"input",
                      {{{"type", "mcp_approval_response"},
                        {"approval_request_id", request["id"]},
                        {"approve", true}}}}});
  }
  // The reference calls as the user; the mutant's approved call goes out without the user's
  // token, and the MCP server refuses it.
  EXPECT_EQ(MutantProbe::whoami(approved[&reference()])["oid"], reference().user_oid("alice"))
      << approved[&reference()].text;
  EXPECT_EQ(MutantProbe::call_status(approved[&mutant]), "failed") << approved[&mutant].text;
  int refused = 0;
  for (const auto& e : mutant.mcp_journal())
    refused += e.value("mount", "") == "bearer" && e.value("status", 0) == 401;
  EXPECT_GT(refused, 0);
}

// hosted-agent/headers/no-caller-credentials: the headers the test container received.
TEST_F(DefectTest, ForwardAuthorization) {
  Stack mutant({"forward-authorization"});
  std::map<Stack*, nlohmann::json> seen;
  for (Stack* stack : {&reference(), &mutant}) {
    const auto token = stack->user_token("alice");
    http::Headers preview;
    preview.set("Foundry-Features", "HostedAgents=V1Preview");
    auto created = stack->call(
        http::Method::post, stack->project_url("alpha") + "/agents?api-version=v1", token,
        {{"name", "headers-agent"},
         {"definition",
          {{"kind", "hosted"},
           {"container_protocol_versions", {{{"protocol", "responses"}, {"version", "2.0.0"}}}},
           {"container_configuration", {{"command", TOOLAUTH_HOSTED_TEST_CONTAINER}}}}}},
        preview);
    ASSERT_EQ(created.status, 200) << created.text;
    http::Headers cookie;
    cookie.set("Cookie", "session=caller-cookie");
    auto reply = stack->call(
        http::Method::post, stack->project_url("alpha") + "/openai/v1/responses", token,
        {{"input", "hi"}, {"agent", {{"type", "agent_reference"}, {"name", "headers-agent"}}}},
        cookie);
    ASSERT_EQ(reply.status, 200) << reply.text;
    seen[stack] = reply.body["seen"]["headers"];
  }
  EXPECT_FALSE(seen[&reference()].contains("authorization"));
  EXPECT_FALSE(seen[&reference()].contains("cookie"));
  EXPECT_TRUE(seen[&mutant].contains("authorization"));
  EXPECT_EQ(seen[&mutant].value("cookie", ""), "session=caller-cookie");
}

TEST_F(DefectTest, TheMutantAnnouncesItself) {
  Stack mutant({"no-pkce", "skip-state-check"});
  auto ready = mutant.on_server_thread([&] { return mutant.emulator().ready_document(); });
  EXPECT_EQ(ready["defects"], nlohmann::json({"no-pkce", "skip-state-check"}));
  auto health = mutant.send(
      {.method = http::Method::get, .url = mutant.emulator().url() + "/_admin/healthz"});
  EXPECT_EQ(health.headers.get("x-toolauth-defects"), "no-pkce,skip-state-check");
  auto clean = reference().on_server_thread([] { return reference().emulator().ready_document(); });
  EXPECT_EQ(clean["defects"], nlohmann::json::array());
  auto plain = reference().send(
      {.method = http::Method::get, .url = reference().emulator().url() + "/_admin/healthz"});
  EXPECT_FALSE(plain.headers.get("x-toolauth-defects").has_value());
}

TEST(EmulatorDefectsStartTest, AnUnknownDefectFailsTheStart) {
  boost::asio::io_context io;
  core::SystemClock clock;
  EmulatorServerOptions options;
  options.port = 0;
  options.http_port = std::nullopt;
  options.defects = {"accept-everything"};
  auto started = EmulatorServer::start(io.get_executor(), clock, options);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, core::make_error_code(core::Errc::invalid_argument));
  EXPECT_NE(started.error().detail.find("accept-everything"), std::string::npos);
}

}  // namespace
}  // namespace toolauth::emulator
