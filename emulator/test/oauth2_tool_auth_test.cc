// OAuth2 identity passthrough end to end: the consent request item, the consent link, a
// headless sign-in at mock-idp (the conformance suite's user agent), the callback, the vault,
// the continuation, refreshes (near expiry, after a 401, at the refresh URL) and a declined or
// revoked consent.

#include <gtest/gtest.h>

#include "stack.h"
#include "toolauth/conformance/user_agent.h"
#include "toolauth/emulator/consent_flow.h"

namespace toolauth::emulator {
namespace {

using conformance::ConsentDecision;
using testing::HttpReply;
using testing::Stack;

class OAuth2ToolAuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stack_ = new Stack(); }
  static void TearDownTestSuite() { delete stack_; }
  void SetUp() override {
    // A clean world for every test: no vault entry, no consent request, fresh caller tokens.
    stack_->send({.method = http::Method::post, .url = stack_->emulator().url() + "/_admin/reset"});
    // The IdP forgets consents and refresh tokens (so the consent page shows again).
    stack_->send({.method = http::Method::post, .url = stack_->idp().url() + "/_admin/reset"});
    stack_->send({.method = http::Method::delete_, .url = stack_->idp().url() + "/_admin/faults"});
    stack_->send({.method = http::Method::delete_, .url = stack_->mcp().url() + "/_admin/faults"});
    stack_->clear_journals();
    alice_ = stack_->user_token("alice");
  }

  HttpReply run(const std::string& agent, const std::string& label, const std::string& token,
                const std::string& previous = {}, const std::string& project = "alpha") {
    nlohmann::json body = {
        {"agent", {{"type", "agent_reference"}, {"name", agent}}},
        {"input", "who am I?"},
        {"tool_choice", {{"type", "mcp"}, {"server_label", label}, {"name", "whoami"}}}};
    if (!previous.empty()) body["previous_response_id"] = previous;
    return stack_->call(http::Method::post, stack_->project_url(project) + "/openai/v1/responses",
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
  static nlohmann::json whoami(const HttpReply& reply) {
    auto call = item(reply, "mcp_call");
    if (call.is_null() || call["status"] != "completed") {
      ADD_FAILURE() << "no completed call in " << reply.text;
      return nlohmann::json::object();
    }
    return nlohmann::json::parse(call["output"].get<std::string>());
  }
  // The browser side: open `url` as `user`, sign in and decide; stop at `stop_at` if given.
  conformance::UserAgentWalk browse(const std::string& url, const std::string& user,
                                    ConsentDecision decision, const std::string& stop_at = {}) {
    const std::string ca = stack_->ca_file();
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
  // First use as alice, then her browser up to the emulator's callback, which is not
  // delivered: the answer's code and state, for the test to deliver (or tamper with) itself.
  struct HeldAnswer {
    HttpReply first;
    std::string code;
    std::string state;
  };
  HeldAnswer hold_consent_answer() {
    auto first = run_invoke(alice_);
    const auto link = item(first, "oauth_consent_request")["consent_link"].get<std::string>();
    auto walk = browse(link, "alice", ConsentDecision::approve, callback_url());
    return {std::move(first), walk.params.get_or("code", ""), walk.params.get_or("state", "")};
  }
  static std::string callback_url() { return stack_->emulator().url() + "/oauth/callback"; }
  static HttpReply deliver(const http::Params& answer) {
    return stack_->send(
        {.method = http::Method::get, .url = callback_url() + "?" + http::encode_form(answer)});
  }
  // First use, consent as `user`, and the continuation; returns the continuation.
  HttpReply consent_and_continue(const std::string& user, const std::string& token,
                                 const std::string& agent = "oauth-invoke-agent",
                                 const std::string& label = "oauth-invoke") {
    auto first = run(agent, label, token);
    EXPECT_EQ(first.body["status"], "incomplete") << first.text;
    auto consent = item(first, "oauth_consent_request");
    if (consent.is_null()) throw std::runtime_error("no consent request: " + first.text);
    auto walk = browse(consent["consent_link"], user, ConsentDecision::approve);
    EXPECT_EQ(walk.final_status, 200) << walk.final_body;
    return run(agent, label, token, first.body["id"]);
  }
  static std::vector<std::string> sources() {
    std::vector<std::string> out;
    for (const auto& e : stack_->emulator_journal("tool_auth")) {
      if (e["outcome"] == "credentials" || e["outcome"] == "consent") out.push_back(e["source"]);
    }
    return out;
  }
  static std::vector<nlohmann::json> token_requests(const std::string& grant_type) {
    std::vector<nlohmann::json> out;
    for (const auto& e : stack_->idp_journal("token")) {
      if (e.value("grant_type", "") == grant_type) out.push_back(e);
    }
    return out;
  }
  static std::string connector() {
    return stack_->on_server_thread([] {
      return stack_->idp().provider().directory().application_named("connector")->client_id;
    });
  }
  static void set_lifetime(std::chrono::seconds lifetime) {
    const auto id = connector();
    stack_->on_server_thread([&] {
      stack_->idp().provider().set_access_token_lifetime(id, lifetime);
      return 0;
    });
  }

  static Stack* stack_;
  std::string alice_;
};
Stack* OAuth2ToolAuthTest::stack_ = nullptr;

TEST_F(OAuth2ToolAuthTest, FirstUseAsksForConsentThenActsAsTheUser) {
  auto first = run_invoke(alice_);
  ASSERT_EQ(first.status, 200) << first.text;
  EXPECT_EQ(first.body["status"], "incomplete");
  auto consent = item(first, "oauth_consent_request");
  ASSERT_FALSE(consent.is_null()) << first.text;
  EXPECT_TRUE(consent["id"].get<std::string>().starts_with("oauthreq_"));
  EXPECT_EQ(consent["server_label"], "oauth-invoke");
  EXPECT_EQ(consent["created_by"], nlohmann::json::object());
  const auto link = consent["consent_link"].get<std::string>();
  EXPECT_TRUE(link.starts_with(stack_->emulator().url() + "/oauth/consent/")) << link;
  EXPECT_TRUE(item(first, "mcp_call").is_null());
  EXPECT_TRUE(stack_->mcp_journal().empty());  // nothing went to the MCP server

  // The link leads to the connection's authorization URL with PKCE S256 and a state.
  auto redirect = stack_->send({.method = http::Method::get, .url = link});
  ASSERT_EQ(redirect.status, 302) << redirect.text;
  const auto location = std::string(redirect.headers.get("location").value_or(""));
  const auto query = http::parse_query(location.substr(location.find('?') + 1));
  ASSERT_TRUE(query.ok());
  EXPECT_TRUE(location.starts_with(stack_->idp().url() + "/" + Stack::kContoso +
                                   "/oauth2/v2.0/authorize?"));
  EXPECT_EQ(query->get_or("client_id", ""), connector());
  EXPECT_EQ(query->get_or("redirect_uri", ""), stack_->emulator().url() + "/oauth/callback");
  EXPECT_EQ(query->get_or("response_type", ""), "code");
  EXPECT_EQ(query->get_or("code_challenge_method", ""), "S256");
  EXPECT_EQ(query->get_or("code_challenge", "").size(), 43u);
  EXPECT_GE(query->get_or("state", "").size(), 32u);
  EXPECT_EQ(query->get_or("scope", ""),
            "api://d561cab7-7e4d-473d-b44d-04cb5f0f2c02/Tools.Invoke offline_access");

  auto walk = browse(location, "alice", ConsentDecision::approve);
  EXPECT_EQ(walk.final_status, 200) << walk.final_body;
  EXPECT_TRUE(walk.consent_shown);
  EXPECT_NE(walk.final_body.find("You can close this window"), std::string::npos);

  auto second = run_invoke(alice_, first.body["id"]);
  ASSERT_EQ(second.status, 200) << second.text;
  EXPECT_EQ(second.body["status"], "completed") << second.text;
  auto who = whoami(second);
  EXPECT_EQ(who["oid"], stack_->user_oid("alice"));
  EXPECT_EQ(who["scp"], nlohmann::json({"Tools.Invoke"})) << who.dump();
  EXPECT_EQ(sources(), (std::vector<std::string>{"consent", "cache"}));
  // No secret anywhere the caller or an operator can read.
  for (const auto& text : {second.text, stack_->emulator_journal("tool_auth").dump(),
                           stack_->emulator_journal("consent").dump()}) {
    EXPECT_EQ(text.find("eyJ"), std::string::npos);
    EXPECT_EQ(text.find("connector-secret"), std::string::npos);
  }
}

TEST_F(OAuth2ToolAuthTest, AReusedConsentLinkIsRefused) {
  auto first = run_invoke(alice_);
  const auto link = item(first, "oauth_consent_request")["consent_link"].get<std::string>();
  ASSERT_EQ(stack_->send({.method = http::Method::get, .url = link}).status, 302);
  auto again = stack_->send({.method = http::Method::get, .url = link});
  EXPECT_EQ(again.status, 400);
  EXPECT_NE(again.text.find("used already"), std::string::npos);
}

TEST_F(OAuth2ToolAuthTest, AnExpiredConsentLinkIsRefused) {
  auto first = run_invoke(alice_);
  const auto link = item(first, "oauth_consent_request")["consent_link"].get<std::string>();
  stack_->clock().advance(ConsentFlow::kLinkLifetime + std::chrono::seconds(1));
  auto late = stack_->send({.method = http::Method::get, .url = link});
  EXPECT_EQ(late.status, 400);
  EXPECT_NE(late.text.find("expired"), std::string::npos);
}

TEST_F(OAuth2ToolAuthTest, ATamperedOrReplayedStateStoresNothing) {
  auto [first, code, state] = hold_consent_answer();
  ASSERT_FALSE(code.empty());
  ASSERT_FALSE(state.empty());

  auto tampered = deliver({{"code", code}, {"state", state + "x"}});
  EXPECT_EQ(tampered.status, 400);
  EXPECT_NE(tampered.text.find("does not belong"), std::string::npos);
  EXPECT_TRUE(token_requests("authorization_code").empty());  // no code exchange
  auto still = run_invoke(alice_, first.body["id"]);
  EXPECT_EQ(still.body["status"], "incomplete");  // nothing was stored

  EXPECT_EQ(deliver({{"code", code}, {"state", state}}).status, 200);
  auto replayed = deliver({{"code", code}, {"state", state}});
  EXPECT_EQ(replayed.status, 400);
  EXPECT_NE(replayed.text.find("used already"), std::string::npos);
  EXPECT_EQ(token_requests("authorization_code").size(), 1u);
}

TEST_F(OAuth2ToolAuthTest, MixUpAnswerNamingAnotherIssuerStoresNothing) {
  auto [first, code, state] = hold_consent_answer();
  ASSERT_FALSE(code.empty());

  // RFC 9207: the answer says another authorization server issued it.
  auto mixed_up =
      deliver({{"code", code}, {"state", state}, {"iss", "https://attacker.example/common/v2.0"}});
  EXPECT_EQ(mixed_up.status, 400);
  EXPECT_NE(mixed_up.text.find("<p>The sign-in answer comes from another authorization server "
                               "than the one this consent request went to. Nothing was "
                               "stored.</p>"),
            std::string::npos)
      << mixed_up.text;
  EXPECT_TRUE(token_requests("authorization_code").empty());  // the code was not exchanged
  auto still = run_invoke(alice_, first.body["id"]);
  EXPECT_EQ(still.body["status"], "incomplete");
  // The request is spent: the same answer without the foreign iss is refused too.
  auto again = deliver({{"code", code}, {"state", state}});
  EXPECT_EQ(again.status, 400);
  EXPECT_NE(again.text.find("used already"), std::string::npos);
}

TEST_F(OAuth2ToolAuthTest, AnAnswerNamingItsOwnIssuerIsAccepted) {
  auto [first, code, state] = hold_consent_answer();
  auto answer =
      deliver({{"code", code},
               {"state", state},
               {"iss", stack_->idp().url() + "/" + std::string(Stack::kContoso) + "/v2.0"}});
  EXPECT_EQ(answer.status, 200) << answer.text;
  EXPECT_EQ(run_invoke(alice_, first.body["id"]).body["status"], "completed");
}

TEST_F(OAuth2ToolAuthTest, AForgedConsentLinkIsRefused) {
  auto forged = stack_->send({.method = http::Method::get,
                              .url = stack_->emulator().url() + "/oauth/consent/oauthreq_0000"});
  EXPECT_EQ(forged.status, 400);
  EXPECT_NE(forged.text.find("not known"), std::string::npos);
}

TEST_F(OAuth2ToolAuthTest, ACallbackWithoutStateIsRefused) {
  auto reply = stack_->send(
      {.method = http::Method::get, .url = stack_->emulator().url() + "/oauth/callback?code=x"});
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.text.find("no state"), std::string::npos);
  EXPECT_TRUE(token_requests("authorization_code").empty());
}

TEST_F(OAuth2ToolAuthTest, AForwardedConsentLinkCannotPlantAnotherUsersTokens) {
  // Bob's consent link, opened by alice: alice's tokens must never act for bob.
  const auto bob = stack_->user_token("bob");
  auto first = run_invoke(bob);
  const auto link = item(first, "oauth_consent_request")["consent_link"].get<std::string>();
  auto walk = browse(link, "alice", ConsentDecision::approve);
  EXPECT_EQ(walk.final_status, 400) << walk.final_body;
  EXPECT_NE(walk.final_body.find("another user"), std::string::npos);
  auto again = run_invoke(bob, first.body["id"]);
  EXPECT_EQ(again.body["status"], "incomplete");
  EXPECT_TRUE(item(again, "mcp_call").is_null());
}

TEST_F(OAuth2ToolAuthTest, ConcurrentCallsShareOneRefresh) {
  set_lifetime(std::chrono::seconds(600));
  consent_and_continue("alice", alice_);
  stack_->clock().advance(std::chrono::seconds(301));
  const auto token = stack_->user_token("alice");
  HttpReply one, two;
  std::thread a([&] { one = run_invoke(token); });
  std::thread b([&] { two = run_invoke(token); });
  a.join();
  b.join();
  EXPECT_EQ(whoami(one)["oid"], stack_->user_oid("alice"));
  EXPECT_EQ(whoami(two)["oid"], stack_->user_oid("alice"));
  // One refresh: the second call waited for it instead of sending the refresh token again.
  EXPECT_EQ(token_requests("refresh_token").size(), 1u);
  set_lifetime(std::chrono::seconds(3600));
}

TEST_F(OAuth2ToolAuthTest, ADeclinedConsentFailsTheContinuationThenAsksAgain) {
  auto first = run_invoke(alice_);
  const auto link = item(first, "oauth_consent_request")["consent_link"].get<std::string>();
  auto walk = browse(link, "alice", ConsentDecision::decline);
  EXPECT_EQ(walk.final_status, 200) << walk.final_body;
  EXPECT_NE(walk.final_body.find("declined"), std::string::npos);

  auto continued = run_invoke(alice_, first.body["id"]);
  ASSERT_EQ(continued.status, 200) << continued.text;
  auto call = item(continued, "mcp_call");
  ASSERT_FALSE(call.is_null()) << continued.text;
  EXPECT_EQ(call["status"], "failed");
  EXPECT_EQ(call["error"], "consent_declined");
  EXPECT_TRUE(item(continued, "oauth_consent_request").is_null());

  auto fresh = run_invoke(alice_);
  EXPECT_EQ(fresh.body["status"], "incomplete");
  EXPECT_FALSE(item(fresh, "oauth_consent_request").is_null());
}

TEST_F(OAuth2ToolAuthTest, EachUserConsentsForThemselves) {
  auto alice = consent_and_continue("alice", alice_);
  EXPECT_EQ(whoami(alice)["oid"], stack_->user_oid("alice"));
  auto bob = run_invoke(stack_->user_token("bob"));
  EXPECT_EQ(bob.body["status"], "incomplete");
  EXPECT_FALSE(item(bob, "oauth_consent_request").is_null());
}

TEST_F(OAuth2ToolAuthTest, ConsentIsPerConnectionAndPerProject) {
  consent_and_continue("alice", alice_);
  // The same MCP server through another connection, and the same-named connection of beta.
  auto read = run("oauth-read-agent", "oauth-read", alice_);
  EXPECT_EQ(read.body["status"], "incomplete");
  auto beta = run("oauth-invoke-agent", "oauth-invoke", alice_, {}, "beta");
  EXPECT_EQ(beta.body["status"], "incomplete");
}

TEST_F(OAuth2ToolAuthTest, ConsentSurvivesARestartSealed) {
  consent_and_continue("alice", alice_);
  // At rest the vault holds no readable token.
  auto exported = stack_->send(
      {.method = http::Method::get, .url = stack_->emulator().url() + "/_admin/state"});
  EXPECT_EQ(exported.status, 200);
  EXPECT_EQ(exported.text.find("eyJ"), std::string::npos);

  stack_->restart_emulator();
  auto reply = run_invoke(alice_);
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["status"], "completed") << reply.text;
  EXPECT_EQ(whoami(reply)["oid"], stack_->user_oid("alice"));
}

TEST_F(OAuth2ToolAuthTest, NearExpiryTheTokenIsRefreshed) {
  set_lifetime(std::chrono::seconds(600));
  auto continued = consent_and_continue("alice", alice_);
  EXPECT_EQ(whoami(continued)["oid"], stack_->user_oid("alice"));
  stack_->clock().advance(std::chrono::seconds(301));
  auto later = run_invoke(stack_->user_token("alice"));
  EXPECT_EQ(whoami(later)["oid"], stack_->user_oid("alice"));
  EXPECT_EQ(sources(), (std::vector<std::string>{"consent", "cache", "refresh"}));
  EXPECT_EQ(token_requests("refresh_token").size(), 1u);
  set_lifetime(std::chrono::seconds(3600));
}

TEST_F(OAuth2ToolAuthTest, A401FromTheMcpServerRefreshesOnce) {
  consent_and_continue("alice", alice_);
  stack_->clear_journals();
  stack_->mcp_fault({{"match", {{"endpoint", "mcp"}, {"mount", "bearer"}}},
                     {"action", {{"status", 401}}},
                     {"count", 1}});
  auto reply = run_invoke(alice_);
  EXPECT_EQ(whoami(reply)["oid"], stack_->user_oid("alice"));
  EXPECT_EQ(sources(), (std::vector<std::string>{"cache", "refresh"}));
  EXPECT_EQ(token_requests("refresh_token").size(), 1u);
}

TEST_F(OAuth2ToolAuthTest, A401AtToolsCallInMidSessionRefreshesOnceAndCallsAgain) {
  consent_and_continue("alice", alice_);
  stack_->clear_journals();
  // The session opens fine; the server then refuses the tool call itself.
  stack_->mcp_fault({{"match", {{"endpoint", "mcp"}, {"mount", "bearer"}, {"tool", "whoami"}}},
                     {"action", {{"status", 401}}},
                     {"count", 1}});
  auto reply = run_invoke(alice_);
  EXPECT_EQ(item(reply, "mcp_call")["status"], "completed") << reply.text;
  EXPECT_EQ(whoami(reply)["oid"], stack_->user_oid("alice"));
  EXPECT_EQ(sources(), (std::vector<std::string>{"cache", "refresh"}));
  EXPECT_EQ(token_requests("refresh_token").size(), 1u);
}

TEST_F(OAuth2ToolAuthTest, AServerThatKeepsRefusingGetsOneRefreshNotALoop) {
  consent_and_continue("alice", alice_);
  stack_->clear_journals();
  stack_->mcp_fault({{"match", {{"endpoint", "mcp"}, {"mount", "bearer"}, {"tool", "whoami"}}},
                     {"action", {{"status", 401}}},
                     {"count", 5}});
  auto reply = run_invoke(alice_);
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(item(reply, "mcp_call")["status"], "failed") << reply.text;
  EXPECT_EQ(token_requests("refresh_token").size(), 1u);
  stack_->clear_mcp_faults();
}

TEST_F(OAuth2ToolAuthTest, TheAdminPlaneListsVaultEntriesWithoutTokensAndRevokesThem) {
  auto continued = consent_and_continue("alice", alice_);
  const auto vault_url = stack_->emulator().url() + "/_admin/vault";
  auto listed = stack_->send({.method = http::Method::get, .url = vault_url});
  ASSERT_EQ(listed.status, 200) << listed.text;
  ASSERT_EQ(listed.body["entries"].size(), 1u) << listed.text;
  const auto& entry = listed.body["entries"][0];
  EXPECT_EQ(entry["user"], stack_->user_oid("alice"));
  EXPECT_TRUE(entry["key"].get<std::string>().starts_with("alpha/oauth-invoke/")) << entry;
  EXPECT_TRUE(entry["has_refresh_token"].get<bool>());
  EXPECT_EQ(listed.text.find("eyJ"), std::string::npos) << "a JWT in the listing";

  auto neither = stack_->send({.method = http::Method::delete_, .url = vault_url});
  EXPECT_EQ(neither.status, 400) << neither.text;
  auto both = stack_->send({.method = http::Method::delete_,
                            .url = vault_url + "?key=x&user=" + entry["user"].get<std::string>()});
  EXPECT_EQ(both.status, 400) << both.text;
  auto unknown = stack_->send({.method = http::Method::delete_, .url = vault_url + "?key=nope"});
  EXPECT_EQ(unknown.status, 404) << unknown.text;

  auto revoked = stack_->send({.method = http::Method::delete_,
                               .url = vault_url + "?user=" + entry["user"].get<std::string>()});
  ASSERT_EQ(revoked.status, 200) << revoked.text;
  EXPECT_EQ(revoked.body["revoked"], 1);
  // With the entry gone the next call asks for consent again.
  auto after = run_invoke(alice_);
  EXPECT_EQ(after.body["status"], "incomplete") << after.text;
  EXPECT_FALSE(item(after, "oauth_consent_request").is_null()) << after.text;
}

TEST_F(OAuth2ToolAuthTest, InvalidGrantOnRefreshAsksForConsentAgain) {
  set_lifetime(std::chrono::seconds(600));
  consent_and_continue("alice", alice_);
  stack_->idp_fault({{"match", {{"endpoint", "token"}, {"grant_type", "refresh_token"}}},
                     {"action", {{"status", 400}, {"error", "invalid_grant"}}},
                     {"count", 1}});
  stack_->clock().advance(std::chrono::seconds(301));
  auto reply = run_invoke(stack_->user_token("alice"));
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["status"], "incomplete");
  EXPECT_FALSE(item(reply, "oauth_consent_request").is_null()) << reply.text;
  EXPECT_TRUE(item(reply, "mcp_call").is_null());
  set_lifetime(std::chrono::seconds(3600));
}

TEST_F(OAuth2ToolAuthTest, ALostRefreshAnswerAsksForConsentAndNeverResendsTheToken) {
  set_lifetime(std::chrono::seconds(600));
  consent_and_continue("alice", alice_);
  // mock-idp carries the refresh out (the token is rotated) and loses the answer with the
  // connection: the emulator cannot know whether the old token is spent, so it must be.
  stack_->idp_fault({{"match", {{"endpoint", "token"}, {"grant_type", "refresh_token"}}},
                     {"action", {{"drop", true}, {"after_handling", true}}},
                     {"count", 1}});
  stack_->clock().advance(std::chrono::seconds(301));
  auto reply = run_invoke(stack_->user_token("alice"));
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["status"], "incomplete");
  EXPECT_FALSE(item(reply, "oauth_consent_request").is_null()) << reply.text;
  // Sent once: neither the HTTP client's retry nor the vault presented it a second time.
  const auto refreshes = token_requests("refresh_token");
  ASSERT_EQ(refreshes.size(), 1u);
  EXPECT_TRUE(refreshes[0].value("fault_after_handling", false));
  for (const auto& e : stack_->idp_journal("token")) EXPECT_FALSE(e.contains("reuse_detected"));
  set_lifetime(std::chrono::seconds(3600));
}

TEST_F(OAuth2ToolAuthTest, RefreshesGoToTheRefreshUrlNotTheTokenUrl) {
  // A connection whose refresh URL names the tenant by domain, its token URL by id.
  const auto idp = stack_->idp().url();
  const std::string domain = "contoso.onmicrosoft.com";
  const std::string token_url = idp + "/" + Stack::kContoso + "/oauth2/v2.0/token";
  const std::string refresh_url = idp + "/" + domain + "/oauth2/v2.0/token";
  auto put = stack_->call(
      http::Method::put,
      stack_->emulator().url() +
          "/subscriptions/3994693e-a3ae-4e68-9323-451b4a95902a/resourceGroups/toolauth/providers/"
          "Microsoft.CognitiveServices/accounts/toolauth/projects/alpha/connections/"
          "oauth-refresh?api-version=2025-04-01-preview",
      alice_,
      {{"properties",
        {{"category", "RemoteTool"},
         {"authType", "OAuth2"},
         {"target", stack_->mcp().url() + "/mcp/bearer"},
         {"credentials",
          {{"clientId", connector()}, {"clientSecret", "connector-secret-76e2507b-c7b1-4aa8"}}},
         {"authorizationUrl", idp + "/" + Stack::kContoso + "/oauth2/v2.0/authorize"},
         {"tokenUrl", token_url},
         {"refreshUrl", refresh_url},
         {"scopes", {"api://d561cab7-7e4d-473d-b44d-04cb5f0f2c02/Tools.Invoke"}}}}});
  ASSERT_EQ(put.status, 201) << put.text;
  auto agent = stack_->call(
      http::Method::post,
      stack_->project_url("alpha") + "/agents/refresh-agent/versions?api-version=v1", alice_,
      {{"definition",
        {{"kind", "prompt"},
         {"tools",
          {{{"type", "mcp"},
            {"server_label", "oauth-refresh"},
            {"project_connection_id", "oauth-refresh"},
            {"require_approval", "never"}}}}}}});
  ASSERT_EQ(agent.status, 200) << agent.text;

  set_lifetime(std::chrono::seconds(600));
  consent_and_continue("alice", alice_, "refresh-agent", "oauth-refresh");
  stack_->clock().advance(std::chrono::seconds(301));
  auto later = run("refresh-agent", "oauth-refresh", stack_->user_token("alice"));
  EXPECT_EQ(whoami(later)["oid"], stack_->user_oid("alice"));
  set_lifetime(std::chrono::seconds(3600));

  auto codes = token_requests("authorization_code");
  auto refreshes = token_requests("refresh_token");
  ASSERT_EQ(codes.size(), 1u);
  ASSERT_EQ(refreshes.size(), 1u);
  EXPECT_EQ(codes[0]["tenant"], Stack::kContoso);
  EXPECT_EQ(refreshes[0]["tenant"], domain);
}

}  // namespace
}  // namespace toolauth::emulator
