// The runtime API (an emulator extension) end to end: mock-idp, mock-mcp and the emulator with
// the runtime API on, in process over real loopback HTTPS. A hosted agent's container is played
// by the test (its agent token from mock-idp, a call id registered in the HostedCallRegistry)
// or is the real test container. Includes the attacks, each with its exact error.
#include "toolauth/emulator/runtime_api.h"

#include <gtest/gtest.h>

#include "stack.h"
#include "toolauth/conformance/user_agent.h"
#include "toolauth/jose/jwt.h"

namespace toolauth::emulator {
namespace {

using conformance::ConsentDecision;
using testing::HttpReply;
using testing::Stack;

std::string runtime_token_request(Stack& stack, const std::string& url, const http::Params& form) {
  http::ClientRequest request{.method = http::Method::post, .url = url};
  request.headers.set("Content-Type", "application/x-www-form-urlencoded");
  request.body = http::encode_form(form);
  auto reply = stack.send(std::move(request));
  if (reply.status != 200) throw std::runtime_error("token request failed: " + reply.text);
  return reply.body["access_token"].get<std::string>();
}

// An agent identity's own token for https://ai.azure.com: the blueprint's T1 (fmi_path),
// redeemed by the agent identity as its client assertion.
std::string runtime_agent_token(Stack& stack, const std::string& identity) {
  const auto agent = stack.identity_client_id(identity);
  const auto url = stack.idp().url() + "/" + Stack::kContoso + "/oauth2/v2.0/token";
  auto t1 = runtime_token_request(stack, url,
                                  {{"grant_type", "client_credentials"},
                                   {"client_id", stack.identity_client_id("agent-blueprint")},
                                   {"client_secret", "blueprint-secret-b9f3dd48-974b-4a32"},
                                   {"scope", "api://AzureADTokenExchange/.default"},
                                   {"fmi_path", agent}});
  return runtime_token_request(
      stack, url,
      {{"grant_type", "client_credentials"},
       {"client_id", agent},
       {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
       {"client_assertion", t1},
       {"scope", "https://ai.azure.com/.default"}});
}

nlohmann::json claims_of(const std::string& token) {
  auto jwt = jose::decode_jwt(token);
  if (!jwt.ok()) throw std::runtime_error("not a JWT");
  return jwt->payload;
}

class RuntimeApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new Stack({}, McpCallErrorFormat::string, /*runtime_api=*/true);
  }
  static void TearDownTestSuite() { delete stack_; }
  void SetUp() override {
    for (const auto& url : {stack_->emulator().url(), stack_->idp().url()})
      stack_->send({.method = http::Method::post, .url = url + "/_admin/reset"});
    stack_->clear_journals();
    alice_ = stack_->user_token("alice");
    agent_one_ = runtime_agent_token(*stack_, "agent-one");
  }

  // A runtime API request as a container sends it.
  static HttpReply runtime(Stack& stack, const std::string& path, const std::string& token,
                           const std::string& call_id, const nlohmann::json& body = nullptr,
                           bool with_features = true, const std::string& api_version = "v1") {
    http::Headers headers;
    if (with_features) headers.set("Foundry-Features", "RuntimeApi=V1Preview");
    if (!call_id.empty()) headers.set("x-agent-foundry-call-id", call_id);
    return stack.call(
        http::Method::post,
        stack.project_url("alpha") + "/runtime/" + path + "?api-version=" + api_version, token,
        body, std::move(headers));
  }
  HttpReply runtime(const std::string& path, const std::string& call_id,
                    const nlohmann::json& body = nullptr) {
    return runtime(*stack_, path, agent_one_, call_id, body);
  }

  // The platform's side of a hosted request: a call id for `agent` serving `user`.
  static std::string begin_call(const std::string& agent, const std::string& user_token,
                                const std::string& user, bool app_only = false) {
    const auto oid = stack_->user_oid(user);
    return stack_->on_server_thread([&] {
      HostedCall call;
      call.project = "alpha";
      call.agent = agent;
      call.agent_version = "1";
      call.user = CallerIdentity{Stack::kContoso, oid, user_token};
      call.response_id = "resp_runtime_" + user;
      call.app_only = app_only;
      return stack_->emulator().hosted_calls().begin(std::move(call));
    });
  }
  static void end_call(const std::string& id) {
    stack_->on_server_thread([&] {
      stack_->emulator().hosted_calls().end(id);
      return 0;
    });
  }
  static void approve(const std::string& link, const std::string& user) {
    const std::string ca = stack_->ca_file();
    auto walk = toolauth::testing::run_sync<core::Result<conformance::UserAgentWalk>>(
        [&]() -> boost::asio::awaitable<core::Result<conformance::UserAgentWalk>> {
          http::Client client(co_await boost::asio::this_coro::executor, {.ca_file = ca});
          conformance::UserAgent agent(client,
                                       {user + "@contoso.onmicrosoft.com", user + "-Passw0rd!"});
          co_return co_await agent.open(link, ConsentDecision::approve, "");
        });
    ASSERT_TRUE(walk.ok()) << walk.error().message();
    EXPECT_EQ(walk->final_status, 200) << walk->final_body;
  }
  static void expect_error(const HttpReply& reply, int status, const std::string& code) {
    EXPECT_EQ(reply.status, status) << reply.text;
    EXPECT_EQ(reply.error_code(), code) << reply.text;
  }

  static Stack* stack_;
  std::string alice_;
  std::string agent_one_;
};
Stack* RuntimeApiTest::stack_ = nullptr;

TEST(RuntimeApiOffTest, RuntimeApiOffAnswers404LikeAnUnknownRoute) {
  Stack off;
  const auto agent = runtime_agent_token(off, "agent-one");
  for (const std::string path : {"connections/oauth-invoke/token",
                                 "responses/current/consent_request", "obo_token", "nothing"}) {
    http::Headers headers;
    headers.set("Foundry-Features", "RuntimeApi=V1Preview");
    auto reply = off.call(http::Method::post,
                          off.project_url("alpha") + "/runtime/" + path + "?api-version=v1", agent,
                          nlohmann::json::object(), headers);
    EXPECT_EQ(reply.status, 404) << path;
    EXPECT_EQ(reply.error_code(), "NotFound") << reply.text;
  }
  auto get = off.call(http::Method::get, off.project_url("alpha") + "/runtime/obo_token", "");
  EXPECT_EQ(get.status, 404);
  EXPECT_EQ(get.error_code(), "NotFound");
}

TEST_F(RuntimeApiTest, UnknownPathOrMethodWhenOn) {
  expect_error(runtime("connections/oauth-invoke/secrets", ""), 404, "NotFound");
  expect_error(runtime("connections/oauth-invoke/token/more", ""), 404, "NotFound");
  auto get = stack_->call(
      http::Method::get,
      stack_->project_url("alpha") + "/runtime/connections/oauth-invoke/token?api-version=v1",
      agent_one_);
  expect_error(get, 405, "MethodNotAllowed");
  EXPECT_EQ(get.headers.get("allow").value_or(""), "POST");
}

TEST_F(RuntimeApiTest, MissingFoundryFeaturesIs403PreviewFeatureRequired) {
  const auto call = begin_call("runtime-agent", alice_, "alice");
  auto reply = runtime(*stack_, "connections/oauth-invoke/token", agent_one_, call, nullptr,
                       /*with_features=*/false);
  expect_error(reply, 403, "preview_feature_required");
  EXPECT_NE(reply.text.find("RuntimeApi=V1Preview"), std::string::npos);
}

TEST_F(RuntimeApiTest, OnlyApiVersionV1) {
  const auto call = begin_call("runtime-agent", alice_, "alice");
  auto preview = runtime(*stack_, "connections/oauth-invoke/token", agent_one_, call, nullptr, true,
                         "2025-11-15-preview");
  expect_error(preview, 400, "UnsupportedApiVersion");
  auto other =
      runtime(*stack_, "connections/oauth-invoke/token", agent_one_, call, nullptr, true, "v2");
  expect_error(other, 400, "UnsupportedApiVersion");
}

TEST_F(RuntimeApiTest, NoTokenIs401) {
  const auto call = begin_call("runtime-agent", alice_, "alice");
  auto reply = runtime(*stack_, "connections/oauth-invoke/token", "", call);
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.inner_code(), "MissingToken");
}

TEST_F(RuntimeApiTest, UserTokenInsteadOfAgentTokenIs403AgentTokenRequired) {
  const auto call = begin_call("runtime-agent", alice_, "alice");
  auto reply = runtime(*stack_, "connections/oauth-invoke/token", alice_, call);
  expect_error(reply, 403, "AgentTokenRequired");
  EXPECT_EQ(reply.inner_code(), "AgentTokenRequired");
}

TEST_F(RuntimeApiTest, UnknownCallIdIs403CallIdUnknown) {
  expect_error(runtime("connections/oauth-invoke/token", std::string(32, 'a')), 403,
               "CallIdUnknown");
}

TEST_F(RuntimeApiTest, EndedCallIdIs403CallIdUnknown) {
  const auto call = begin_call("runtime-agent", alice_, "alice");
  end_call(call);
  expect_error(runtime("connections/oauth-invoke/token", call), 403, "CallIdUnknown");
}

TEST_F(RuntimeApiTest, AnotherAgentsCallIdIs403CallIdNotYours) {
  // agent-identity-agent acts as agent-two; agent-one presents its call id.
  const auto call = begin_call("agent-identity-agent", alice_, "alice");
  expect_error(runtime("connections/oauth-invoke/token", call), 403, "CallIdNotYours");
}

TEST_F(RuntimeApiTest, MissingCallIdIs400CallIdRequired) {
  expect_error(runtime("connections/oauth-invoke/token", ""), 400, "CallIdRequired");
}

TEST_F(RuntimeApiTest, AppOnlyCallIs400UserRequired) {
  const auto call = begin_call("runtime-agent", alice_, "alice", /*app_only=*/true);
  expect_error(runtime("connections/oauth-invoke/token", call), 400, "UserRequired");
}

TEST_F(RuntimeApiTest, ConnectionMustBeAnOAuth2ConnectionOfTheProject) {
  const auto call = begin_call("runtime-agent", alice_, "alice");
  expect_error(runtime("connections/no-such/token", call), 404, "ConnectionNotFound");
  expect_error(runtime("connections/api-key/token", call), 400, "UnsupportedAuthType");
  expect_error(runtime("connections/oauth-invoke/token", call, "[1]"), 400, "InvalidRequest");
}

TEST_F(RuntimeApiTest, DelegatedTokenBeforeConsentIsConsentRequiredThenTheUsersToken) {
  const auto call = begin_call("runtime-agent", alice_, "alice");
  auto first = runtime("connections/oauth-invoke/token", call, nlohmann::json::object());
  ASSERT_EQ(first.status, 200) << first.text;
  EXPECT_EQ(first.body["consent_required"], true);
  EXPECT_EQ(first.body["server_label"], "oauth-invoke");
  EXPECT_FALSE(first.body.contains("access_token"));
  const auto link = first.body["consent_link"].get<std::string>();
  EXPECT_TRUE(link.starts_with(stack_->emulator().url() + "/oauth/consent/oauthreq_")) << link;

  approve(link, "alice");
  auto second = runtime("connections/oauth-invoke/token", call);
  ASSERT_EQ(second.status, 200) << second.text;
  EXPECT_EQ(second.body["token_type"], "Bearer");
  EXPECT_FALSE(second.body.contains("consent_required"));
  EXPECT_EQ(second.headers.get("cache-control").value_or(""), "no-store");
  const auto token = second.body["access_token"].get<std::string>();
  const auto claims = claims_of(token);
  EXPECT_EQ(claims["oid"], stack_->user_oid("alice"));
  EXPECT_LE(
      std::abs(second.body["expires_on"].get<std::int64_t>() - claims["exp"].get<std::int64_t>()),
      2);
  EXPECT_NE(second.body["scope"].get<std::string>().find("Tools.Invoke"), std::string::npos);
  // The token never reaches the journal.
  auto journal = stack_->emulator_journal("runtime_api");
  ASSERT_EQ(journal.size(), 2u);
  EXPECT_EQ(journal[0]["outcome"], "consent_required");
  EXPECT_EQ(journal[1]["outcome"], "cache");
  EXPECT_EQ(journal.dump().find(token), std::string::npos);

  // Bob's call does not get Alice's token: he must consent himself.
  const auto bob_call = begin_call("runtime-agent", stack_->user_token("bob"), "bob");
  auto bob = runtime("connections/oauth-invoke/token", bob_call);
  ASSERT_EQ(bob.status, 200) << bob.text;
  EXPECT_EQ(bob.body["consent_required"], true);
}

TEST_F(RuntimeApiTest, ConsentRequestAttachesAnItemToTheCallUntilTheUserConsented) {
  const auto call = begin_call("runtime-agent", alice_, "alice");
  auto reply = runtime("responses/current/consent_request", call, {{"connection", "oauth-invoke"}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  const auto& item = reply.body;
  EXPECT_EQ(item["type"], "oauth_consent_request");
  EXPECT_TRUE(item["id"].get<std::string>().starts_with("oacr_"));
  EXPECT_EQ(item["id"].get<std::string>().size(), 55u);
  EXPECT_EQ(item["created_by"], nlohmann::json::object());
  EXPECT_EQ(item["server_label"], "oauth-invoke");
  const auto link = item["consent_link"].get<std::string>();
  EXPECT_TRUE(link.starts_with(stack_->emulator().url() + "/oauth/consent/oauthreq_")) << link;
  auto labelled = runtime("responses/current/consent_request", call,
                          {{"connection", "oauth-invoke"}, {"server_label", "my-tools"}});
  EXPECT_EQ(labelled.body["server_label"], "my-tools");
  const auto items = stack_->on_server_thread(
      [&] { return stack_->emulator().hosted_calls().find(call)->consent_items; });
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0], item);

  // The link starts the normal consent flow for the call's user; afterwards there is nothing
  // to ask, and the token is there.
  approve(link, "alice");
  auto again = runtime("responses/current/consent_request", call, {{"connection", "oauth-invoke"}});
  expect_error(again, 409, "AlreadyConsented");
  auto token = runtime("connections/oauth-invoke/token", call);
  ASSERT_EQ(token.status, 200) << token.text;
  EXPECT_EQ(claims_of(token.body["access_token"])["oid"], stack_->user_oid("alice"));
}

TEST_F(RuntimeApiTest, ConsentRequestNeedsAnOAuth2ConnectionAndAUser) {
  const auto call = begin_call("runtime-agent", alice_, "alice");
  expect_error(runtime("responses/current/consent_request", call), 400, "InvalidRequest");
  expect_error(runtime("responses/current/consent_request", call, {{"connection", 7}}), 400,
               "InvalidRequest");
  expect_error(runtime("responses/current/consent_request", call,
                       {{"connection", "oauth-invoke"}, {"server_label", ""}}),
               400, "InvalidRequest");
  expect_error(runtime("responses/current/consent_request", call, {{"connection", "nope"}}), 404,
               "ConnectionNotFound");
  expect_error(runtime("responses/current/consent_request", call, {{"connection", "api-key"}}), 400,
               "UnsupportedAuthType");
  const auto app_call = begin_call("runtime-agent", alice_, "alice", /*app_only=*/true);
  expect_error(
      runtime("responses/current/consent_request", app_call, {{"connection", "oauth-invoke"}}), 400,
      "UserRequired");
}

// The container itself (the test container, a real process) asks for the consent item while it
// serves alice's request; the caller gets it in the response, which is incomplete.
class RuntimeApiHostedTest : public RuntimeApiTest {
 protected:
  void create_hosted(const std::string& name) {
    http::Headers preview;
    preview.set("Foundry-Features", "HostedAgents=V1Preview");
    nlohmann::json definition = {
        {"kind", "hosted"},
        {"container_protocol_versions", {{{"protocol", "responses"}, {"version", "2.0.0"}}}},
        {"container_configuration", {{"command", TOOLAUTH_HOSTED_TEST_CONTAINER}}}};
    auto created =
        stack_->call(http::Method::post, stack_->project_url("alpha") + "/agents?api-version=v1",
                     alice_, {{"name", name}, {"definition", definition}}, preview);
    ASSERT_EQ(created.status, 200) << created.text;
  }
  HttpReply respond(const std::string& agent, nlohmann::json body) {
    body["agent"] = {{"type", "agent_reference"}, {"name", agent}};
    return stack_->call(http::Method::post, stack_->project_url("alpha") + "/openai/v1/responses",
                        alice_, body);
  }
};

TEST_F(RuntimeApiHostedTest, ConsentItemReachesTheCallerInTheJsonResponseWhichIsIncomplete) {
  create_hosted("runtime-hosted-json");
  auto reply = respond("runtime-hosted-json", {{"input", "consent:oauth-invoke"}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  const auto& runtime_answer = reply.body["seen"]["runtime"];
  ASSERT_EQ(runtime_answer["status"], 200) << runtime_answer.dump();
  EXPECT_EQ(reply.body["status"], "incomplete");
  const auto& output = reply.body["output"];
  ASSERT_EQ(output.size(), 2u) << reply.text;
  EXPECT_EQ(output[0]["type"], "message");
  EXPECT_EQ(output[1], runtime_answer["body"]);
  EXPECT_EQ(output[1]["type"], "oauth_consent_request");
  // Following the link consents for alice, the caller of the request.
  approve(output[1]["consent_link"], "alice");
  auto later = respond("runtime-hosted-json", {{"input", "consent:oauth-invoke"}});
  EXPECT_EQ(later.body["seen"]["runtime"]["status"], 409) << later.text;
  EXPECT_EQ(later.body["status"], "completed");
}

TEST_F(RuntimeApiHostedTest, ConsentItemReachesTheCallerInTheStreamWhichEndsIncomplete) {
  create_hosted("runtime-hosted-sse");
  auto reply = respond("runtime-hosted-sse", {{"input", "consent:oauth-invoke"}, {"stream", true}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  ASSERT_EQ(reply.events.size(), 4u) << reply.text;
  EXPECT_EQ(reply.events[0].event, "response.created");
  EXPECT_EQ(reply.events[1].event, "response.output_item.added");
  EXPECT_EQ(reply.events[2].event, "response.output_item.done");
  EXPECT_EQ(reply.events[3].event, "response.incomplete");
  const auto added = nlohmann::json::parse(reply.events[1].data);
  EXPECT_EQ(added["item"]["type"], "oauth_consent_request");
  EXPECT_EQ(added["output_index"], 1);
  const auto done = nlohmann::json::parse(reply.events[2].data);
  EXPECT_EQ(done["item"], added["item"]);
  const auto terminal = nlohmann::json::parse(reply.events[3].data);
  EXPECT_EQ(terminal["type"], "response.incomplete");
  EXPECT_EQ(terminal["response"]["status"], "incomplete");
  EXPECT_EQ(terminal["response"]["output"][1], added["item"]);
}

// On obo-agent's allow-list: the MCP API.
constexpr const char* kMcpApiScope = "api://d561cab7-7e4d-473d-b44d-04cb5f0f2c02/.default";
// Allowed too, but nobody consented to it for the agent identity.
constexpr const char* kGraphScope = "https://graph.microsoft.com/User.Read";

class RuntimeOboTest : public RuntimeApiTest {
 protected:
  static void create_obo_agent(Stack& stack, const std::string& token, const std::string& name,
                               nlohmann::json metadata) {
    auto created = stack.call(
        http::Method::post, stack.project_url("alpha") + "/agents?api-version=v1", token,
        {{"name", name},
         {"metadata", std::move(metadata)},
         {"definition", {{"kind", "prompt"}, {"model", "gpt-4o"}, {"instructions", "obo"}}}});
    if (created.status != 200) throw std::runtime_error("agent: " + created.text);
  }
  void SetUp() override {
    RuntimeApiTest::SetUp();
    create_obo_agent(*stack_, alice_, "obo-agent",
                     {{"toolauth.obo_allowed_scopes",
                       std::string("api://other/.default ") + kMcpApiScope + " " + kGraphScope}});
  }
};

TEST_F(RuntimeOboTest, OboTokenCarriesTheUsersOidAndTheRequestedAudience) {
  stack_->clear_journals();  // SetUp's own token requests
  const auto call = begin_call("obo-agent", alice_, "alice");
  auto reply = runtime("obo_token", call, {{"scope", kMcpApiScope}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["token_type"], "Bearer");
  EXPECT_EQ(reply.headers.get("cache-control").value_or(""), "no-store");
  const auto token = reply.body["access_token"].get<std::string>();
  const auto claims = claims_of(token);
  EXPECT_EQ(claims["oid"], stack_->user_oid("alice"));
  EXPECT_EQ(claims["aud"], "d561cab7-7e4d-473d-b44d-04cb5f0f2c02");   // the MCP API (v2 token)
  EXPECT_EQ(claims["azp"], stack_->identity_client_id("agent-one"));  // the agent acts for her
  EXPECT_EQ(claims["xms_par_app_azp"], stack_->identity_client_id("agent-blueprint"));
  EXPECT_LE(
      std::abs(reply.body["expires_on"].get<std::int64_t>() - claims["exp"].get<std::int64_t>()),
      2);
  EXPECT_NE(reply.body["scope"].get<std::string>().find("Tools.Invoke"), std::string::npos);

  // mock-idp saw the agent identity redeem T1 as its client assertion on behalf of alice, whose
  // token for the blueprint the emulator's own app got from her Foundry token.
  const auto agent_one = stack_->identity_client_id("agent-one");
  const auto foundry = stack_->emulator().world().client.client_id;
  bool t1 = false, user_for_blueprint = false, agent_obo = false;
  for (const auto& e : stack_->idp_journal("token")) {
    if (e.value("outcome", "") != "issued") continue;
    if (e.value("grant_type", "") == "client_credentials" && e.value("fmi_path", "") == agent_one)
      t1 = e["client_id"] == stack_->identity_client_id("agent-blueprint");
    if (e.value("grant_type", "") != "urn:ietf:params:oauth:grant-type:jwt-bearer") continue;
    if (e["client_id"] == foundry && e.value("resource", "") == "agent-blueprint-api")
      user_for_blueprint = e.value("user", "") == "alice";
    if (e["client_id"] == agent_one) {
      agent_obo = true;
      EXPECT_EQ(e["client"], "agent-one");
      EXPECT_EQ(e["client_auth"], 2);           // an assertion: agent identities hold no secret
      EXPECT_EQ(e["subject_client"], foundry);  // Tc: the token foundry got for the blueprint
      EXPECT_EQ(e["user"], "alice");
      EXPECT_EQ(e["resource"], "mcp-api");
    }
  }
  EXPECT_TRUE(t1);
  EXPECT_TRUE(user_for_blueprint);
  EXPECT_TRUE(agent_obo);
  // No token in the emulator's journal.
  EXPECT_EQ(stack_->emulator_journal("runtime_api").dump().find(token), std::string::npos);
}

TEST_F(RuntimeOboTest, OboScopeOutsideTheAllowListIs403ScopeNotAllowed) {
  const auto call = begin_call("obo-agent", alice_, "alice");
  expect_error(runtime("obo_token", call, {{"scope", "https://graph.microsoft.com/.default"}}), 403,
               "ScopeNotAllowed");
  // Exact match only: a prefix, another case or another permission is not listed.
  expect_error(runtime("obo_token", call, {{"scope", "api://other"}}), 400, "InvalidScope");
  expect_error(runtime("obo_token", call,
                       {{"scope", "API://d561cab7-7e4d-473d-b44d-04cb5f0f2c02/.default"}}),
               400, "InvalidScope");
  expect_error(runtime("obo_token", call,
                       {{"scope", "api://d561cab7-7e4d-473d-b44d-04cb5f0f2c02/Tools.Invoke"}}),
               403, "ScopeNotAllowed");
  // An agent without the metadata key may get none.
  const auto other = begin_call("runtime-agent", alice_, "alice");
  expect_error(runtime("obo_token", other, {{"scope", kMcpApiScope}}), 403, "ScopeNotAllowed");
  int exchanges = 0;
  for (const auto& e : stack_->idp_journal("token"))
    exchanges += e.value("grant_type", "") == "urn:ietf:params:oauth:grant-type:jwt-bearer";
  EXPECT_EQ(exchanges, 0);  // refused before anything was asked of the IdP
}

TEST_F(RuntimeOboTest, MalformedOboRequestIs400) {
  const auto call = begin_call("obo-agent", alice_, "alice");
  expect_error(runtime("obo_token", call), 400, "InvalidRequest");
  for (const std::string& scope : std::vector<std::string>{
           "", "offline_access", "api:///.default", "api://x/",
           std::string(kMcpApiScope) + " openid", "api://x/\x01y", "ftp://x/.default"}) {
    expect_error(runtime("obo_token", call, {{"scope", scope}}), 400, "InvalidScope");
  }
}

TEST_F(RuntimeOboTest, AppOnlyCallIs400UserRequired) {
  const auto call = begin_call("obo-agent", alice_, "alice", /*app_only=*/true);
  expect_error(runtime("obo_token", call, {{"scope", kMcpApiScope}}), 400, "UserRequired");
}

TEST_F(RuntimeOboTest, IdpRefusalIs400WithTheAadstsCode) {
  // Allowed by the agent, but the user never consented to the agent identity using Graph.
  const auto call = begin_call("obo-agent", alice_, "alice");
  auto reply = runtime("obo_token", call, {{"scope", kGraphScope}});
  expect_error(reply, 400, "TokenRequestFailed");
  EXPECT_NE(reply.text.find("65001"), std::string::npos) << reply.text;
  EXPECT_EQ(reply.text.find(alice_), std::string::npos);
}

// The defect is real: with obo-any-audience the allow-list is not consulted.
TEST(RuntimeOboDefectTest, OboAnyAudienceDefectLetsAnUnlistedScopeThrough) {
  Stack mutant({"obo-any-audience"}, McpCallErrorFormat::string, /*runtime_api=*/true);
  const auto alice = mutant.user_token("alice");
  const auto oid = mutant.user_oid("alice");
  const auto call = mutant.on_server_thread([&] {
    HostedCall c;
    c.project = "alpha";
    c.agent = "runtime-agent";  // no allow-list at all
    c.agent_version = "1";
    c.user = CallerIdentity{Stack::kContoso, oid, alice};
    c.response_id = "resp_mutant";
    return mutant.emulator().hosted_calls().begin(std::move(c));
  });
  http::Headers headers;
  headers.set("Foundry-Features", "RuntimeApi=V1Preview");
  headers.set("x-agent-foundry-call-id", call);
  auto reply = mutant.call(
      http::Method::post, mutant.project_url("alpha") + "/runtime/obo_token?api-version=v1",
      runtime_agent_token(mutant, "agent-one"), {{"scope", kMcpApiScope}}, headers);
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(claims_of(reply.body["access_token"])["oid"], mutant.user_oid("alice"));
}

TEST(RuntimeOboScopeTest, ValidScopes) {
  EXPECT_TRUE(valid_obo_scope("api://d561cab7-7e4d-473d-b44d-04cb5f0f2c02/.default"));
  EXPECT_TRUE(valid_obo_scope("https://graph.microsoft.com/User.Read"));
  EXPECT_TRUE(valid_obo_scope("api://contoso.com/tools/.default"));
  EXPECT_FALSE(valid_obo_scope(""));
  EXPECT_FALSE(valid_obo_scope("User.Read"));
  EXPECT_FALSE(valid_obo_scope("api://x"));
  EXPECT_FALSE(valid_obo_scope("api:///.default"));
  EXPECT_FALSE(valid_obo_scope("api://x/.default offline_access"));
  EXPECT_FALSE(valid_obo_scope("http://x/.default"));
  EXPECT_FALSE(valid_obo_scope("api://x/" + std::string(600, 'a')));
}

TEST(RuntimeOboScopeTest, AllowListIsExactAndSpaceSeparated) {
  const nlohmann::json metadata = {{"toolauth.obo_allowed_scopes", "api://a/.default  api://b/x"}};
  EXPECT_TRUE(obo_scope_allowed(metadata, "api://a/.default"));
  EXPECT_TRUE(obo_scope_allowed(metadata, "api://b/x"));
  EXPECT_FALSE(obo_scope_allowed(metadata, "api://A/.default"));
  EXPECT_FALSE(obo_scope_allowed(metadata, "api://b/"));
  EXPECT_FALSE(obo_scope_allowed(metadata, ""));
  EXPECT_FALSE(obo_scope_allowed({{"toolauth.obo_allowed_scopes", 5}}, "api://a/.default"));
  EXPECT_FALSE(obo_scope_allowed(nlohmann::json::object(), "api://a/.default"));
  EXPECT_FALSE(obo_scope_allowed(nullptr, "api://a/.default"));
}

}  // namespace
}  // namespace toolauth::emulator
