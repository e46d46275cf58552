// examples/exec-mcp-sdk-adapter (the MCP TypeScript SDK client as "the platform") driven
// through the exec driver against mock-idp and mock-mcp started in this process: hello,
// setup, first use of an OAuth2 connection -> consent link; the headless user agent signs in
// as alice and approves; the re-send -> whoami as alice; bob gets his own consent and his own
// token (after declining in project beta: a failed call); alice's next call needs no consent.
// Proves the example genuinely completes the first-use and per-user flows, so its baseline cannot
// hide a broken adapter.
//
// Built with TOOLAUTH_NODE (the interop tests' node) and TOOLAUTH_EXEC_ADAPTER (adapter.mjs).
#include <gtest/gtest.h>

#include <boost/asio/this_coro.hpp>

#include "toolauth/conformance/environment.h"
#include "toolauth/conformance/exec_driver.h"
#include "toolauth/conformance/idp_tokens.h"
#include "toolauth/conformance/user_agent.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::conformance {
namespace {

using boost::asio::awaitable;

// The test body's failures as exceptions, so the coroutine stops at the first one.
template <class T>
T must(core::Result<T> result, const std::string& what) {
  if (!result.ok()) throw std::runtime_error(what + ": " + result.error().message());
  return std::move(*result);
}

const nlohmann::json& named(const nlohmann::json& world, std::string_view section,
                            std::string_view name) {
  const auto* found = find_named(world, section, name);
  if (found == nullptr) throw std::runtime_error("no " + std::string(name) + " in the world");
  return *found;
}

// The world as the setup document gives it: no passwords, no client secrets.
nlohmann::json world_without_secrets(nlohmann::json world) {
  for (auto& user : world["users"]) user.erase("password");
  for (auto& client : world["clients"]) client.erase("client_secret");
  return world;
}

// Alpha's OAuth2 connection to mock-mcp's bearer mount through the `connector` app, beta's of
// the same name and target, and a CustomKeys connection to the api-key mount (shaped as
// `certify --print-setup` shows them).
nlohmann::json setup_connections(const Environment& env) {
  const auto& world = env.world();
  const auto& connector = named(world, "clients", "connector");
  const auto& contoso = named(world, "tenants", "contoso");
  const auto& mcp_api = named(world, "resources", "mcp-api");
  const auto& api_key = named(world, "mounts", "api-key");
  const std::string tenant_url = env.idp_url() + "/" + contoso["id"].get<std::string>();
  auto connections = nlohmann::json::array(
      {{{"name", "oauth-invoke"},
        {"project", "alpha"},
        {"auth_type", "OAuth2"},
        {"target", env.mcp_url() + "/mcp/bearer"},
        {"client_id", connector["client_id"]},
        {"client_secret", connector["client_secret"]},
        {"authorization_url", tenant_url + "/oauth2/v2.0/authorize"},
        {"token_url", tenant_url + "/oauth2/v2.0/token"},
        {"refresh_url", tenant_url + "/oauth2/v2.0/token"},
        {"scopes", {mcp_api["app_id_uri"].get<std::string>() + "/Tools.Invoke", "offline_access"}}},
       {{"name", "api-key"},
        {"project", "alpha"},
        {"auth_type", "CustomKeys"},
        {"target", env.mcp_url() + "/mcp/api-key"},
        {"credentials", {{"keys", {{api_key["header"].get<std::string>(), api_key["key"]}}}}}}});
  auto beta = connections[0];
  beta["project"] = "beta";
  connections.push_back(beta);
  return connections;
}

struct FlowSeen {
  DriverHello hello;
  std::vector<std::string> redirect_uris;
  nlohmann::json authorize;  // mock-idp's journal of alice's authorize request
  std::string alice_link, bob_link;
  UserAgentWalk alice_walk, bob_declines;
  ToolError declined;
  nlohmann::json alice_result, bob_result, alice_again, api_key_result;
  std::string evidence;
  std::vector<std::string> minted;
};

awaitable<FlowSeen> run_flow(Environment& env) {
  FlowSeen seen;
  auto executor = co_await boost::asio::this_coro::executor;
  auto driver =
      must(ExecDriver::start(executor, {.command = {TOOLAUTH_NODE, TOOLAUTH_EXEC_ADAPTER},
                                        .environment = {{"NODE_EXTRA_CA_CERTS", env.ca_file()}}}),
           "start");
  seen.hello = must(co_await driver->hello(), "hello");
  const auto connections = setup_connections(env);
  const auto& contoso = named(env.world(), "tenants", "contoso");
  seen.redirect_uris =
      must(co_await driver->setup(
               {{"world", world_without_secrets(env.world())},
                {"tenant",
                 {{"name", "contoso"}, {"id", contoso["id"]}, {"issuer", contoso["issuer"]}}},
                {"connections", connections}}),
           "setup")
          .redirect_uris;
  if (seen.redirect_uris.size() != 1) throw std::runtime_error("one redirect URI expected");

  // The suite's part: register the IUT's callback for the connection's client.
  const auto client_id = connections[0]["client_id"].get<std::string>();
  http::ClientRequest registration{
      .method = http::Method::post,
      .url = env.idp_url() + "/_admin/redirect-uris",
      .body =
          nlohmann::json{{"client_id", client_id}, {"redirect_uri", seen.redirect_uris[0]}}.dump()};
  registration.headers.set("Content-Type", "application/json");
  auto registered = co_await env.client().send(std::move(registration));
  if (!registered.ok() || registered->status != 200)
    throw std::runtime_error("redirect URI not registered");

  IdpTokens tokens(env);
  const std::string scope = "https://ai.azure.com/user_impersonation";
  const DriverUser alice{
      "alice",
      must(co_await tokens.user_token({.user = "alice", .scope = scope}), "alice's token")};
  const DriverUser bob{
      "bob", must(co_await tokens.user_token({.user = "bob", .scope = scope}), "bob's token")};
  auto whoami = [](std::string id, DriverUser user, std::optional<std::string> continues = {}) {
    return InvokeRequest{.id = std::move(id),
                         .user = std::move(user),
                         .project = "alpha",
                         .connection = "oauth-invoke",
                         .tool = "whoami",
                         .continues = std::move(continues)};
  };
  auto answer_of = [&](core::Result<DriverAnswer> answer, const std::string& what) {
    auto value = must(std::move(answer), what);
    if (auto* error = std::get_if<ToolError>(&value))
      throw std::runtime_error(what + ": " + error->code + ": " + error->message + "\n" +
                               driver->evidence().dump(1));
    return value;
  };
  auto consent_of = [&](core::Result<DriverAnswer> answer, const std::string& what) {
    auto value = answer_of(std::move(answer), what);
    if (!std::holds_alternative<ConsentRequired>(value))
      throw std::runtime_error(what + ": no consent");
    return std::get<ConsentRequired>(value).link;
  };
  auto result_of = [&](core::Result<DriverAnswer> answer, const std::string& what) {
    auto value = answer_of(std::move(answer), what);
    if (!std::holds_alternative<ToolResult>(value)) throw std::runtime_error(what + ": no result");
    return std::get<ToolResult>(value).output;
  };
  auto sign_in = [&](const std::string& user, const std::string& link,
                     ConsentDecision decision =
                         ConsentDecision::approve) -> awaitable<UserAgentWalk> {
    const auto& account = named(env.world(), "users", user);
    UserAgent browser(env.client(), {account["username"], account["password"]});
    co_return must(co_await browser.open(link, decision), user + " signs in");
  };

  // Alice: first use -> consent; she signs in and approves; the re-send -> her whoami.
  const auto before = env.idp_journal().last_seq();
  seen.alice_link = consent_of(co_await driver->invoke(whoami("1", alice)), "alice's first use");
  seen.alice_walk = co_await sign_in("alice", seen.alice_link);
  auto authorize = env.idp_journal().query(
      {.kind = "authorize", .after_seq = before, .where = {{"client_id", client_id}}});
  if (authorize.empty()) throw std::runtime_error("no authorize request journalled");
  seen.authorize = authorize.front().fields;
  seen.alice_result =
      result_of(co_await driver->invoke(whoami("2", alice, "1")), "alice's re-send");

  // Bob in project beta first: his own consent, which he declines -> a failed call.
  auto in_beta = whoami("3b", bob);
  in_beta.project = "beta";
  seen.bob_declines = co_await sign_in(
      "bob", consent_of(co_await driver->invoke(in_beta), "bob in beta"), ConsentDecision::decline);
  in_beta.id = "4b";
  in_beta.continues = "3b";
  auto declined = must(co_await driver->invoke(in_beta), "bob's re-send in beta");
  if (!std::holds_alternative<ToolError>(declined))
    throw std::runtime_error("declined: no ToolError");
  seen.declined = std::get<ToolError>(declined);

  // Bob in alpha: his own consent (never alice's token), then his whoami.
  seen.bob_link = consent_of(co_await driver->invoke(whoami("3", bob)), "bob's first use");
  co_await sign_in("bob", seen.bob_link);
  seen.bob_result = result_of(co_await driver->invoke(whoami("4", bob, "3")), "bob's re-send");

  // Alice again: her stored token, no new consent.
  seen.alice_again = result_of(co_await driver->invoke(whoami("5", alice)), "alice again");

  // A CustomKeys connection: the key as a static header.
  auto keyed = whoami("6", alice);
  keyed.connection = "api-key";
  seen.api_key_result = result_of(co_await driver->invoke(keyed), "api-key whoami");

  co_await driver->bye();
  seen.evidence = driver->evidence().dump();
  seen.minted = tokens.minted();
  co_return seen;
}

TEST(ExecMcpSdkAdapterTest, FirstUseConsentThenPerUserTokensThroughTheExecDriver) {
  auto seen = toolauth::testing::run_sync<FlowSeen>([]() -> awaitable<FlowSeen> {
    auto env =
        must(Environment::start(co_await boost::asio::this_coro::executor, {}), "environment");
    std::exception_ptr failure;
    std::optional<FlowSeen> out;
    try {
      out.emplace(co_await run_flow(*env));
    } catch (...) {
      failure = std::current_exception();
    }
    env->stop();
    if (failure) std::rethrow_exception(failure);
    co_return std::move(*out);
  });
  EXPECT_EQ(seen.hello.implementation["name"], "exec-mcp-sdk-adapter");
  EXPECT_EQ(seen.hello.capabilities, (std::set<std::string>{"reconfigure"}));
  ASSERT_EQ(seen.redirect_uris.size(), 1u);
  EXPECT_TRUE(seen.redirect_uris[0].starts_with("http://127.0.0.1:")) << seen.redirect_uris[0];

  // The authorize request the consent link led to (mock-idp's journal, not the link).
  EXPECT_EQ(seen.authorize["redirect_uri"], seen.redirect_uris[0]);
  EXPECT_EQ(seen.authorize["code_challenge_method"], "S256");
  EXPECT_EQ(seen.authorize["state_present"], true);
  EXPECT_NE(seen.authorize["scope"].get<std::string>().find("offline_access"), std::string::npos);
  EXPECT_TRUE(seen.alice_walk.signed_in);
  EXPECT_TRUE(seen.alice_walk.consent_shown);
  EXPECT_EQ(seen.alice_walk.final_status, 200);
  EXPECT_NE(seen.alice_walk.final_body.find("Signed in"), std::string::npos);

  const auto alice_oid = "1aa615a9-4b6a-4551-a061-ae14a1dbf721";
  const auto bob_oid = "8b3a1535-3f13-4b70-9856-c32a687b253b";
  EXPECT_EQ(seen.alice_result["oid"], alice_oid) << seen.alice_result;
  EXPECT_NE(seen.bob_link, seen.alice_link);
  EXPECT_TRUE(seen.bob_declines.consent_shown);
  EXPECT_NE(seen.bob_declines.final_body.find("cancelled"), std::string::npos);
  EXPECT_EQ(seen.declined.code, "consent_declined");
  EXPECT_EQ(seen.bob_result["oid"], bob_oid) << seen.bob_result;
  EXPECT_EQ(seen.alice_again["oid"], alice_oid) << seen.alice_again;
  EXPECT_EQ(seen.api_key_result["auth"], "api-key") << seen.api_key_result;

  // The adapter's stderr, as kept, holds none of the users' tokens.
  for (const auto& token : seen.minted) EXPECT_EQ(seen.evidence.find(token), std::string::npos);
}

}  // namespace
}  // namespace toolauth::conformance
