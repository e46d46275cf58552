// The toolbox MCP endpoint end to end: a hosted agent's container (played by the test) calls
// it with its own agent token from mock-idp and the call id the platform minted for the
// request it serves (registered directly in the HostedCallRegistry), and mock-mcp's mounts see
// the connections' credentials. Includes the attacks on who may use the endpoint and as whom.

#include <gtest/gtest.h>

#include "stack.h"
#include "toolauth/conformance/user_agent.h"

namespace toolauth::emulator {
namespace {

using conformance::ConsentDecision;
using testing::HttpReply;
using testing::Stack;

class ToolboxMcpEndpointTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stack_ = new Stack(); }
  static void TearDownTestSuite() { delete stack_; }
  void SetUp() override {
    for (const auto& url : {stack_->emulator().url(), stack_->idp().url()})
      stack_->send({.method = http::Method::post, .url = url + "/_admin/reset"});
    stack_->clear_mcp_faults();
    stack_->clear_journals();
    alice_ = stack_->user_token("alice");
    agent_one_ = agent_token("agent-one");
  }

  // An agent identity's own token for https://ai.azure.com: the blueprint's exchange token
  // T1 (fmi_path), redeemed by the agent identity as its client assertion.
  static std::string agent_token(const std::string& identity) {
    const auto agent = stack_->identity_client_id(identity);
    const auto blueprint = stack_->identity_client_id("agent-blueprint");
    const auto url = stack_->idp().url() + "/" + Stack::kContoso + "/oauth2/v2.0/token";
    auto t1 = token_request(url, {{"grant_type", "client_credentials"},
                                  {"client_id", blueprint},
                                  {"client_secret", "blueprint-secret-b9f3dd48-974b-4a32"},
                                  {"scope", "api://AzureADTokenExchange/.default"},
                                  {"fmi_path", agent}});
    return token_request(
        url, {{"grant_type", "client_credentials"},
              {"client_id", agent},
              {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
              {"client_assertion", t1},
              {"scope", "https://ai.azure.com/.default"}});
  }
  static std::string token_request(const std::string& url, const http::Params& form) {
    http::ClientRequest request{.method = http::Method::post, .url = url};
    request.headers.set("Content-Type", "application/x-www-form-urlencoded");
    request.body = http::encode_form(form);
    auto reply = stack_->send(std::move(request));
    if (reply.status != 200) throw std::runtime_error("token request failed: " + reply.text);
    return reply.body["access_token"].get<std::string>();
  }

  static http::Headers preview() {
    http::Headers headers;
    headers.set("Foundry-Features", "Toolboxes=V1Preview");
    return headers;
  }
  // A new version of toolbox `name` in alpha holding `tools`.
  HttpReply create_version(const std::string& name, const std::vector<nlohmann::json>& tools) {
    return stack_->call(
        http::Method::post,
        stack_->project_url("alpha") + "/toolboxes/" + name + "/versions?api-version=v1", alice_,
        {{"tools", tools}}, preview());
  }
  static nlohmann::json source(const std::string& connection, nlohmann::json extra = {}) {
    nlohmann::json tool = {
        {"type", "mcp"}, {"server_label", connection}, {"project_connection_id", connection}};
    if (extra.is_object()) tool.update(extra);
    return tool;
  }

  // A JSON-RPC request to the toolbox's MCP endpoint, as the container sends it.
  HttpReply rpc(const std::string& path, const std::string& token, const std::string& method,
                nlohmann::json params = nlohmann::json::object(), const std::string& call_id = {},
                bool with_features = true) {
    http::ClientRequest request{
        .method = http::Method::post,
        .url = stack_->project_url("alpha") + "/toolboxes/" + path + "?api-version=v1",
        .body =
            nlohmann::json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}}
                .dump()};
    request.headers.set("Content-Type", "application/json");
    request.headers.set("Accept", "application/json, text/event-stream");
    if (!token.empty()) request.headers.set("Authorization", "Bearer " + token);
    if (with_features) request.headers.set("Foundry-Features", "Toolboxes=V1Preview");
    if (!call_id.empty()) request.headers.set("x-agent-foundry-call-id", call_id);
    return stack_->send(std::move(request));
  }
  HttpReply call_tool(const std::string& toolbox, const std::string& token, const std::string& name,
                      const std::string& call_id = {}) {
    return rpc(toolbox + "/mcp", token, "tools/call",
               {{"name", name}, {"arguments", nlohmann::json::object()}}, call_id);
  }

  // The platform's side of a hosted request: a call id for `agent` serving `user`.
  static std::string begin_call(const std::string& agent, const std::string& user_token,
                                const std::string& user) {
    const auto oid = stack_->user_oid(user);
    return stack_->on_server_thread([&] {
      return stack_->emulator().hosted_calls().begin(
          HostedCall{"alpha", agent, "1", CallerIdentity{Stack::kContoso, oid, user_token},
                     "resp_hosted_" + user});
    });
  }
  static void end_call(const std::string& id) {
    stack_->on_server_thread([&] {
      stack_->emulator().hosted_calls().end(id);
      return 0;
    });
  }

  // whoami's answer in a successful tools/call reply.
  static nlohmann::json whoami(const HttpReply& reply) {
    const auto& result = reply.body["result"];
    if (!result.is_object() || result.value("isError", true)) {
      ADD_FAILURE() << "tools/call failed: " << reply.text;
      return nlohmann::json::object();
    }
    return nlohmann::json::parse(result["content"][0]["text"].get<std::string>());
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

  static Stack* stack_;
  std::string alice_;
  std::string agent_one_;
};
Stack* ToolboxMcpEndpointTest::stack_ = nullptr;

TEST_F(ToolboxMcpEndpointTest, InitializeNegotiatesAVersionWithoutASession) {
  ASSERT_EQ(create_version("tb", {source("open")}).status, 200);
  auto reply = rpc("tb/mcp", agent_one_, "initialize",
                   {{"protocolVersion", "2025-06-18"},
                    {"capabilities", nlohmann::json::object()},
                    {"clientInfo", {{"name", "test"}, {"version", "1"}}}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["result"]["protocolVersion"], "2025-06-18");
  EXPECT_EQ(reply.body["result"]["capabilities"]["tools"]["listChanged"], false);
  EXPECT_FALSE(reply.headers.get("mcp-session-id").has_value());
  auto newest = rpc("tb/mcp", agent_one_, "initialize", {{"protocolVersion", "2099-01-01"}});
  EXPECT_EQ(newest.body["result"]["protocolVersion"], "2025-11-25");
}

TEST_F(ToolboxMcpEndpointTest, ListsNamespacedToolsWithTheirApprovalConfiguration) {
  ASSERT_EQ(create_version("tb", {source("api-key", {{"require_approval", "never"}}),
                                  source("open", {{"allowed_tools", {"whoami", "echo"}},
                                                  {"require_approval", {{"never", {"echo"}}}}})})
                .status,
            200);
  auto reply = rpc("tb/mcp", agent_one_, "tools/list");
  ASSERT_EQ(reply.status, 200) << reply.text;
  std::map<std::string, std::string> approvals;
  for (const auto& tool : reply.body["result"]["tools"]) {
    approvals[tool["name"]] = tool["_meta"]["tool_configuration"]["require_approval"];
    EXPECT_TRUE(tool["inputSchema"].is_object()) << tool.dump();
  }
  EXPECT_EQ(approvals.at("api-key___whoami"), "never");
  EXPECT_EQ(approvals.at("open___whoami"), "always");  // Foundry's default
  EXPECT_EQ(approvals.at("open___echo"), "never");
  for (const auto& [name, approval] : approvals) {
    // allowed_tools: only whoami and echo of the open source.
    if (name.starts_with("open___")) EXPECT_TRUE(name == "open___whoami" || name == "open___echo");
  }
}

TEST_F(ToolboxMcpEndpointTest, CallsAKeyConnectionsToolWithItsKey) {
  ASSERT_EQ(create_version("tb", {source("api-key")}).status, 200);
  auto reply = call_tool("tb", agent_one_, "api-key___whoami");
  ASSERT_EQ(reply.status, 200) << reply.text;
  auto who = whoami(reply);
  EXPECT_EQ(who["auth"], "api-key") << who.dump();
  // The key stays inside: neither the answer nor the emulator's journal carries it.
  EXPECT_EQ(reply.text.find("tak-primary-5b9d2e71c0a84f36"), std::string::npos);
  EXPECT_EQ(stack_->emulator_journal("toolbox_call").dump().find("tak-primary"), std::string::npos);
  auto calls = stack_->emulator_journal("toolbox_call");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["outcome"], "called");
  EXPECT_TRUE(calls[0]["caller"].is_null());  // no call id: the agent acted alone
}

TEST_F(ToolboxMcpEndpointTest, OAuth2ConsentRoundTripThroughTheToolbox) {
  ASSERT_EQ(create_version("tb", {source("oauth-invoke")}).status, 200);
  const auto call = begin_call("oauth-invoke-agent", alice_, "alice");

  // tools/list: the aggregate form with the consent link.
  auto listed = rpc("tb/mcp", agent_one_, "tools/list", nlohmann::json::object(), call);
  ASSERT_EQ(listed.status, 200) << listed.text;
  EXPECT_EQ(listed.body["error"]["code"], -32006) << listed.text;
  const auto message = listed.body["error"]["message"].get<std::string>();
  const std::string head =
      "tools/list failed for 1 tool source(s), succeeded for 0 tool source(s) ";
  ASSERT_TRUE(message.starts_with(head)) << message;
  auto errors = nlohmann::json::parse(message.substr(head.size()))["errors"];
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["name"], "oauth-invoke");
  EXPECT_EQ(errors[0]["type"], "mcp");
  EXPECT_EQ(errors[0]["error"]["code"], "CONSENT_REQUIRED");
  EXPECT_TRUE(errors[0]["error"]["message"].get<std::string>().starts_with(
      stack_->emulator().url() + "/oauth/consent/"));

  // tools/call: -32006 whose message is the consent link; nothing reached the MCP server.
  auto first = call_tool("tb", agent_one_, "oauth-invoke___whoami", call);
  ASSERT_EQ(first.status, 200) << first.text;
  ASSERT_EQ(first.body["error"]["code"], -32006) << first.text;
  const auto link = first.body["error"]["message"].get<std::string>();
  EXPECT_TRUE(link.starts_with(stack_->emulator().url() + "/oauth/consent/")) << link;
  EXPECT_TRUE(stack_->mcp_journal().empty());

  approve(link, "alice");
  auto again = call_tool("tb", agent_one_, "oauth-invoke___whoami", call);
  ASSERT_EQ(again.status, 200) << again.text;
  EXPECT_EQ(whoami(again)["oid"], stack_->user_oid("alice"));  // the user, not the agent
  auto listed_again = rpc("tb/mcp", agent_one_, "tools/list", nlohmann::json::object(), call);
  EXPECT_TRUE(listed_again.body["result"]["tools"].is_array()) << listed_again.text;

  // Bob's request has its own consent: alice's tokens are not his.
  const auto bob_call = begin_call("oauth-invoke-agent", stack_->user_token("bob"), "bob");
  auto bob = call_tool("tb", agent_one_, "oauth-invoke___whoami", bob_call);
  EXPECT_EQ(bob.body["error"]["code"], -32006) << bob.text;
}

TEST_F(ToolboxMcpEndpointTest, AMidSession401IsRefreshedAndRetriedOnce) {
  ASSERT_EQ(create_version("tb", {source("oauth-invoke")}).status, 200);
  const auto call = begin_call("oauth-invoke-agent", alice_, "alice");
  auto first = call_tool("tb", agent_one_, "oauth-invoke___whoami", call);
  approve(first.body["error"]["message"], "alice");
  stack_->mcp_fault({{"match", {{"endpoint", "mcp"}, {"mount", "bearer"}, {"tool", "whoami"}}},
                     {"action", {{"status", 401}}},
                     {"count", 1}});
  auto reply = call_tool("tb", agent_one_, "oauth-invoke___whoami", call);
  EXPECT_EQ(whoami(reply)["oid"], stack_->user_oid("alice"));
  std::vector<std::string> outcomes;
  for (const auto& e : stack_->emulator_journal("tool_auth")) outcomes.push_back(e["outcome"]);
  EXPECT_NE(std::find(outcomes.begin(), outcomes.end(), "refused"), outcomes.end());
  std::vector<std::string> sources;
  for (const auto& e : stack_->emulator_journal("tool_auth")) {
    if (e["outcome"] == "credentials") sources.push_back(e["source"]);
  }
  EXPECT_NE(std::find(sources.begin(), sources.end(), "refresh"), sources.end());
}

TEST_F(ToolboxMcpEndpointTest, WithoutACallIdTheAgentActsAsItsOwnIdentity) {
  ASSERT_EQ(create_version("tb", {source("agent-identity")}).status, 200);
  auto one = call_tool("tb", agent_one_, "agent-identity___whoami");
  EXPECT_EQ(whoami(one)["oid"], stack_->identity_oid("agent-one"));
  auto two = call_tool("tb", agent_token("agent-two"), "agent-identity___whoami");
  EXPECT_EQ(whoami(two)["oid"], stack_->identity_oid("agent-two"));
}

TEST_F(ToolboxMcpEndpointTest, AgenticConnectionsActAsTheAgentEvenWithAUser) {
  ASSERT_EQ(create_version("tb", {source("agent-identity")}).status, 200);
  const auto call = begin_call("plain-agent", alice_, "alice");
  auto reply = call_tool("tb", agent_one_, "agent-identity___whoami", call);
  auto who = whoami(reply);
  EXPECT_EQ(who["oid"], stack_->identity_oid("agent-one"));
  EXPECT_EQ(who["idtyp"], "app");
}

TEST_F(ToolboxMcpEndpointTest, UserConnectionsWithoutACallIdFailClearly) {
  ASSERT_EQ(create_version("tb", {source("oauth-invoke"), source("open")}).status, 200);
  auto call = call_tool("tb", agent_one_, "oauth-invoke___whoami");
  ASSERT_EQ(call.status, 200) << call.text;
  EXPECT_EQ(call.body["error"]["code"], -32000);
  EXPECT_EQ(call.body["error"]["message"],
            "the connection 'oauth-invoke' (OAuth2) acts as the signed-in user: call the toolbox "
            "with the x-agent-foundry-call-id of the request being served");
  auto listed = rpc("tb/mcp", agent_one_, "tools/list");
  EXPECT_EQ(listed.body["error"]["code"], -32007) << listed.text;
  const auto message = listed.body["error"]["message"].get<std::string>();
  EXPECT_TRUE(message.starts_with(
      "tools/list failed for 1 tool source(s), succeeded for 1 tool source(s) "))
      << message;
  EXPECT_NE(message.find("\"USER_CONTEXT_REQUIRED\""), std::string::npos) << message;
  EXPECT_EQ(message.find("/oauth/consent/"), std::string::npos);  // no consent for nobody
}

TEST_F(ToolboxMcpEndpointTest, VersionedEndpointsAndThePinnedDefault) {
  ASSERT_EQ(create_version("tb", {source("open")}).status, 200);
  ASSERT_EQ(create_version("tb", {source("api-key")}).status, 200);
  auto names = [this](const std::string& path) {
    std::set<std::string> out;
    const auto reply = rpc(path, agent_one_, "tools/list");
    for (const auto& tool : reply.body["result"]["tools"]) {
      const auto name = tool["name"].get<std::string>();
      out.insert(name.substr(0, name.find("___")));
    }
    return out;
  };
  EXPECT_EQ(names("tb/mcp"), std::set<std::string>{"api-key"});  // the latest
  EXPECT_EQ(names("tb/versions/1/mcp"), std::set<std::string>{"open"});
  auto pinned = stack_->call(http::Method::patch,
                             stack_->project_url("alpha") + "/toolboxes/tb?api-version=v1", alice_,
                             {{"default_version", "1"}}, preview());
  ASSERT_EQ(pinned.status, 200) << pinned.text;
  EXPECT_EQ(names("tb/mcp"), std::set<std::string>{"open"});
  auto missing = rpc("tb/versions/9/mcp", agent_one_, "tools/list");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.inner_code(), "ToolboxVersionNotFound");
  auto unknown = rpc("nope/mcp", agent_one_, "tools/list");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.inner_code(), "ToolboxNotFound");
}

TEST_F(ToolboxMcpEndpointTest, UnknownToolAndMethodAreJsonRpcErrors) {
  ASSERT_EQ(create_version("tb", {source("open", {{"allowed_tools", {"whoami"}}})}).status, 200);
  auto unknown = call_tool("tb", agent_one_, "open___echo");  // not allowed
  EXPECT_EQ(unknown.body["error"]["code"], -32602) << unknown.text;
  auto other = call_tool("tb", agent_one_, "nope___whoami");
  EXPECT_EQ(other.body["error"]["code"], -32602) << other.text;
  auto method = rpc("tb/mcp", agent_one_, "resources/list");
  EXPECT_EQ(method.body["error"]["code"], -32601) << method.text;
}

TEST_F(ToolboxMcpEndpointTest, TransportRules) {
  ASSERT_EQ(create_version("tb", {source("open")}).status, 200);
  const auto url = stack_->project_url("alpha") + "/toolboxes/tb/mcp?api-version=v1";
  auto base = [&](std::string body, std::string type) {
    http::ClientRequest request{.method = http::Method::post, .url = url, .body = std::move(body)};
    request.headers.set("Content-Type", type);
    request.headers.set("Authorization", "Bearer " + agent_one_);
    request.headers.set("Foundry-Features", "Toolboxes=V1Preview");
    return request;
  };
  auto notification = stack_->send(
      base(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", "application/json"));
  EXPECT_EQ(notification.status, 202);
  auto garbage = stack_->send(base("{not json", "application/json"));
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(garbage.body["error"]["code"], -32700) << garbage.text;
  auto form = stack_->send(base("a=b", "application/x-www-form-urlencoded"));
  EXPECT_EQ(form.status, 415);
  auto get = stack_->send({.method = http::Method::get, .url = url});
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(std::string(get.headers.get("allow").value_or("")), "POST");
}

// ---- attacks ----

TEST_F(ToolboxMcpEndpointTest, NoTokenIsRefused) {
  ASSERT_EQ(create_version("tb", {source("open")}).status, 200);
  auto reply = rpc("tb/mcp", "", "tools/list");
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.inner_code(), "MissingToken");
  EXPECT_TRUE(reply.headers.get("www-authenticate").has_value());
}

TEST_F(ToolboxMcpEndpointTest, UsersTokenInsteadOfAnAgentTokenIsRefused) {
  ASSERT_EQ(create_version("tb", {source("oauth-invoke")}).status, 200);
  // The user's own token, even with a live call id of hers, is not the agent's.
  const auto call = begin_call("oauth-invoke-agent", alice_, "alice");
  auto reply = call_tool("tb", alice_, "oauth-invoke___whoami", call);
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.error_code(), "PermissionDenied");
  EXPECT_EQ(reply.inner_code(), "AgentTokenRequired");
  EXPECT_TRUE(stack_->mcp_journal().empty());
}

TEST_F(ToolboxMcpEndpointTest, AppTokenThatIsNoAgentIdentityIsRefused) {
  ASSERT_EQ(create_version("tb", {source("open")}).status, 200);
  // The emulator's own confidential client: app-only, but not an agent of the project.
  auto app = token_request(stack_->idp().url() + "/" + Stack::kContoso + "/oauth2/v2.0/token",
                           {{"grant_type", "client_credentials"},
                            {"client_id", "1b0b5a92-ca9f-4dae-85e1-fb5bb643edf4"},
                            {"client_secret", "foundry-secret-5da24106-869b-4c3d"},
                            {"scope", "https://ai.azure.com/.default"}});
  auto reply = rpc("tb/mcp", app, "tools/list");
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.inner_code(), "NotAnAgentIdentity");
}

TEST_F(ToolboxMcpEndpointTest, TokenForAnotherAudienceIsRefused) {
  ASSERT_EQ(create_version("tb", {source("open")}).status, 200);
  auto other = stack_->mint("contoso", "alice", "api://d561cab7-7e4d-473d-b44d-04cb5f0f2c02");
  auto reply = rpc("tb/mcp", other, "tools/list");
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.inner_code(), "InvalidAudience");
}

TEST_F(ToolboxMcpEndpointTest, AnotherAgentsCallIdIsRefused) {
  ASSERT_EQ(create_version("tb", {source("oauth-invoke")}).status, 200);
  // agent-identity-agent acts as agent-two; agent-one's container presents its call id.
  const auto call = begin_call("agent-identity-agent", alice_, "alice");
  auto reply = call_tool("tb", agent_one_, "oauth-invoke___whoami", call);
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.inner_code(), "CallIdNotYours");
  EXPECT_EQ(reply.body["error"]["message"],
            "The x-agent-foundry-call-id belongs to another agent's request.");
  // Its rightful agent may use it.
  auto rightful = call_tool("tb", agent_token("agent-two"), "oauth-invoke___whoami", call);
  EXPECT_EQ(rightful.status, 200) << rightful.text;
  EXPECT_EQ(rightful.body["error"]["code"], -32006) << rightful.text;
}

TEST_F(ToolboxMcpEndpointTest, EndedCallIdIsRefused) {
  ASSERT_EQ(create_version("tb", {source("oauth-invoke")}).status, 200);
  const auto call = begin_call("oauth-invoke-agent", alice_, "alice");
  end_call(call);
  auto reply = call_tool("tb", agent_one_, "oauth-invoke___whoami", call);
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.inner_code(), "CallIdUnknown");
  EXPECT_EQ(reply.body["error"]["message"],
            "The x-agent-foundry-call-id is unknown, or the request it belongs to has ended.");
  auto made_up = call_tool("tb", agent_one_, "oauth-invoke___whoami", "0123456789abcdef");
  EXPECT_EQ(made_up.inner_code(), "CallIdUnknown");
}

TEST_F(ToolboxMcpEndpointTest, MissingFoundryFeaturesIsRefused) {
  ASSERT_EQ(create_version("tb", {source("open")}).status, 200);
  auto reply = rpc("tb/mcp", agent_one_, "tools/list", nlohmann::json::object(), "", false);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.inner_code(), "PreviewFeatureRequired");
  EXPECT_EQ(reply.body["error"]["message"],
            "This operation is in preview: send the header 'Foundry-Features: "
            "Toolboxes=V1Preview' to opt in.");
}

}  // namespace
}  // namespace toolauth::emulator
