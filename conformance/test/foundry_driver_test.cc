#include "toolauth/conformance/foundry_driver.h"

#include <gtest/gtest.h>

#include <boost/asio/this_coro.hpp>

#include "toolauth/conformance/agent_service_context.h"
#include "toolauth/conformance/agent_service_profile.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::conformance {
namespace {

using boost::asio::awaitable;

nlohmann::json response_with(nlohmann::json items) {
  return {{"id", "resp_1"}, {"status", "completed"}, {"output", std::move(items)}};
}

TEST(FoundryDriverMapTest, CompletedMcpCallIsAResultWithJsonOutput) {
  auto answer = map_response(
      200, response_with({{{"type", "mcp_list_tools"}, {"tools", nlohmann::json::array()}},
                          {{"type", "mcp_call"},
                           {"status", "completed"},
                           {"output", R"({"oid":"o-1"})"},
                           {"error", nullptr}}}));
  ASSERT_TRUE(std::holds_alternative<ToolResult>(answer));
  EXPECT_EQ(std::get<ToolResult>(answer).output["oid"], "o-1");
  EXPECT_EQ(std::get<ToolResult>(answer).raw["id"], "resp_1");
}

TEST(FoundryDriverMapTest, PlainTextOutputStaysText) {
  auto answer = map_response(
      200, response_with({{{"type", "mcp_call"}, {"status", "completed"}, {"output", "hi"}}}));
  ASSERT_TRUE(std::holds_alternative<ToolResult>(answer));
  EXPECT_EQ(std::get<ToolResult>(answer).output, "hi");
}

TEST(FoundryDriverMapTest, ConsentRequestIsConsentRequired) {
  auto answer = map_response(200, response_with({{{"type", "oauth_consent_request"},
                                                  {"id", "oauthreq_1"},
                                                  {"consent_link", "https://iut/consent/1"}}}));
  ASSERT_TRUE(std::holds_alternative<ConsentRequired>(answer));
  EXPECT_EQ(std::get<ConsentRequired>(answer).link, "https://iut/consent/1");
}

// A 401 in mid-session whose refresh needs a new consent: the failed call comes first, the
// response ends with the consent request, and the user is asked, not told of an error.
TEST(FoundryDriverMapTest, ConsentRequestAfterAFailedCallIsConsentRequired) {
  auto answer = map_response(
      200, response_with({{{"type", "mcp_call"}, {"status", "failed"}, {"error", "consent again"}},
                          {{"type", "oauth_consent_request"},
                           {"id", "oauthreq_2"},
                           {"consent_link", "https://iut/consent/2"}}}));
  ASSERT_TRUE(std::holds_alternative<ConsentRequired>(answer));
  EXPECT_EQ(std::get<ConsentRequired>(answer).link, "https://iut/consent/2");
}

TEST(FoundryDriverMapTest, FailedMcpCallIsAToolError) {
  auto answer = map_response(
      200, response_with({{{"type", "mcp_call"}, {"status", "failed"}, {"error", "denied"}}}));
  ASSERT_TRUE(std::holds_alternative<ToolError>(answer));
  EXPECT_EQ(std::get<ToolError>(answer).code, "tool_failed");
  EXPECT_EQ(std::get<ToolError>(answer).message, "denied");
  EXPECT_EQ(std::get<ToolError>(answer).status, 200);
}

TEST(FoundryDriverMapTest, ErrorObjectIsAToolErrorWithItsCode) {
  auto answer =
      map_response(403, {{"error", {{"code", "PermissionDenied"}, {"message", "other tenant"}}}});
  ASSERT_TRUE(std::holds_alternative<ToolError>(answer));
  EXPECT_EQ(std::get<ToolError>(answer).code, "PermissionDenied");
  EXPECT_EQ(std::get<ToolError>(answer).status, 403);
  auto bare = map_response(500, nullptr);
  EXPECT_EQ(std::get<ToolError>(bare).code, "http_500");
  EXPECT_EQ(std::get<ToolError>(bare).status, 500);
}

TEST(FoundryDriverMapTest, ApprovalRequestAndNoCallAreNamed) {
  auto approval =
      map_response(200, response_with({{{"type", "mcp_approval_request"}, {"id", "mcpr_1"}}}));
  EXPECT_EQ(std::get<ApprovalRequired>(approval).request_id, "mcpr_1");
  auto none = map_response(200, response_with({{{"type", "message"}}}));
  EXPECT_EQ(std::get<ToolError>(none).code, "no_tool_call");
}

TEST(FoundryDriverBodyTest, OAuthConnectionCarriesClientAndUrls) {
  auto body = arm_connection_body({{"name", "c"},
                                   {"auth_type", "OAuth2"},
                                   {"target", "https://mcp/x"},
                                   {"client_id", "id"},
                                   {"client_secret", "s"},
                                   {"authorization_url", "https://idp/a"},
                                   {"token_url", "https://idp/t"},
                                   {"scopes", {"x", "offline_access"}}});
  const auto& p = body["properties"];
  EXPECT_EQ(p["category"], "RemoteTool");
  EXPECT_EQ(p["authType"], "OAuth2");
  EXPECT_EQ(p["credentials"]["clientId"], "id");
  EXPECT_EQ(p["credentials"]["clientSecret"], "s");
  EXPECT_EQ(p["refreshUrl"], "https://idp/t");  // defaults to the token URL
  EXPECT_EQ(p["scopes"].size(), 2u);
}

TEST(FoundryDriverBodyTest, KeyConnectionCarriesItsKeysOnly) {
  auto body = arm_connection_body({{"name", "k"},
                                   {"auth_type", "CustomKeys"},
                                   {"target", "https://mcp/k"},
                                   {"credentials", {{"keys", {{"X-API-Key", "v"}}}}}});
  EXPECT_EQ(body["properties"]["credentials"]["keys"]["X-API-Key"], "v");
  EXPECT_FALSE(body["properties"].contains("tokenUrl"));
}

TEST(FoundryDriverBodyTest, AgentHasOneMcpToolOnItsConnection) {
  auto body = agent_body({{"name", "a"}, {"require_approval", "always"}},
                         {{"name", "c"}, {"target", "https://mcp/c"}});
  const auto& tool = body["definition"]["tools"][0];
  EXPECT_EQ(body["name"], "a");
  EXPECT_EQ(tool["server_label"], "c");
  EXPECT_EQ(tool["project_connection_id"], "c");
  EXPECT_EQ(tool["require_approval"], "always");
}

// The driver against the reference emulator: setup, a result, a consent link, a restart.
TEST(FoundryDriverTest, DrivesTheReferenceEmulator) {
  struct Seen {
    std::set<std::string> capabilities;
    std::vector<std::string> redirect_uris;
    std::string open_auth, key_id, open_answer;
    bool consent = false, after_restart = false, continued_unknown_fails = false;
  };
  auto seen = toolauth::testing::run_sync<Seen>([]() -> awaitable<Seen> {
    auto executor = co_await boost::asio::this_coro::executor;
    auto env = Environment::start(executor, {.reference_emulator = ReferenceEmulatorOptions{}});
    if (!env.ok()) throw std::runtime_error(env.error().message());
    Seen s;
    {
      FoundryDriver driver(executor, foundry_options(**env));
      auto hello = co_await driver.hello();
      if (!hello.ok()) throw std::runtime_error(hello.error().message());
      s.capabilities = hello->capabilities;
      auto setup = agent_service_setup(**env);
      auto answer = co_await driver.setup(*setup);
      if (!answer.ok()) throw std::runtime_error(answer.error().message());
      s.redirect_uris = answer->redirect_uris;
      IdpTokens tokens(**env);
      auto alice = co_await tokens.user_token({"alice", std::string(kFoundryScope)});
      auto result = co_await driver.invoke({.id = "1",
                                            .user = {"alice", *alice},
                                            .project = "alpha",
                                            .connection = "open",
                                            .tool = "whoami"});
      if (auto* r = std::get_if<ToolResult>(&*result)) s.open_auth = r->output.value("auth", "");
      if (result.ok()) s.open_answer = describe(*result);
      auto keyed = co_await driver.invoke({.id = "1b",
                                           .user = {"alice", *alice},
                                           .project = "alpha",
                                           .connection = "api-key",
                                           .tool = "whoami"});
      if (auto* r = std::get_if<ToolResult>(&*keyed)) s.key_id = r->output.value("key_id", "");
      auto consent = co_await driver.invoke({.id = "2",
                                             .user = {"alice", *alice},
                                             .project = "beta",
                                             .connection = "oauth-invoke",
                                             .tool = "whoami"});
      s.consent = consent.ok() && std::holds_alternative<ConsentRequired>(*consent);
      auto unknown = co_await driver.invoke({.id = "3",
                                             .user = {"alice", *alice},
                                             .project = "alpha",
                                             .connection = "open",
                                             .tool = "whoami",
                                             .continues = "no-such-invoke"});
      s.continued_unknown_fails = !unknown.ok();
      if (auto restarted = co_await driver.restart(); !restarted.ok())
        throw std::runtime_error(restarted.error().message());
      auto again = co_await driver.invoke({.id = "4",
                                           .user = {"alice", *alice},
                                           .project = "alpha",
                                           .connection = "open",
                                           .tool = "whoami"});
      s.after_restart = again.ok() && std::holds_alternative<ToolResult>(*again);
      co_await driver.bye();
    }
    (*env)->stop();
    co_return s;
  });
  EXPECT_EQ(seen.capabilities,
            (std::set<std::string>{"approvals", "clock", "reconfigure", "restart"}));
  ASSERT_EQ(seen.redirect_uris.size(), 1u);
  EXPECT_TRUE(seen.redirect_uris[0].ends_with("/oauth/callback"));
  EXPECT_EQ(seen.open_auth, "none") << seen.open_answer;
  EXPECT_EQ(seen.key_id, "primary");  // the setup's key is the mount's first
  EXPECT_TRUE(seen.consent);
  EXPECT_TRUE(seen.continued_unknown_fails);
  EXPECT_TRUE(seen.after_restart);
}

}  // namespace
}  // namespace toolauth::conformance
