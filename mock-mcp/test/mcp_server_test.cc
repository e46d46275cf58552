// The assembled MCP server's admin plane over real HTTPS: readiness, mounts added and removed
// at runtime, revocation by jti, the journal, reset, the shared clock, faults (among them the
// 401 the conformance suite injects to make a client refresh its token) and state
// export/import. Time moves only through the admin plane, never by sleeping.

#include "toolauth/mcp/mcp_server.h"

#include <gtest/gtest.h>

#include <chrono>

#include "jwks_server.h"
#include "test_support.h"
#include "toolauth/jose/hash.h"

namespace toolauth::mcp {
namespace {

using testing::JwksServer;
using testing::McpReply;
using testing::McpServerThread;
using testing::McpTestClient;

constexpr const char* kIssuer = "https://idp.test/tenant/v2.0";
constexpr const char* kAudience = "api://mcp-admin-test";
constexpr const char* kRuntimeKey = "runtime-key-0123456789abcdef";

struct AdminReply {
  int status = 0;
  http::Headers headers;
  std::string text;
  nlohmann::json body;  // null when the body is not JSON
};

class McpServerTest : public ::testing::Test {
 protected:
  McpServerTest() : jwks_(clock_), forge_(jwks_.key(), clock_) {}

  AdminReply admin(http::Method method, const std::string& path,
                   const nlohmann::json& body = nullptr) {
    return testing::run_sync<AdminReply>([&]() -> boost::asio::awaitable<AdminReply> {
      http::Client client(co_await boost::asio::this_coro::executor,
                          {.ca_file = server_.ca_file()});
      http::ClientRequest request{.method = method, .url = server_.server().url() + path};
      if (!body.is_null()) {
        request.body = body.dump();
        request.headers.set("Content-Type", "application/json");
      }
      auto response = co_await client.send(std::move(request));
      if (!response.ok()) throw std::runtime_error(response.error().message());
      AdminReply reply{response->status, response->headers, response->body};
      reply.body = nlohmann::json::parse(reply.text, nullptr, /*allow_exceptions=*/false);
      if (reply.body.is_discarded()) reply.body = nullptr;
      co_return reply;
    });
  }
  nlohmann::json journal(const std::string& query) {
    auto reply = admin(http::Method::get, "/_admin/journal?" + query);
    EXPECT_EQ(reply.status, 200) << reply.text;
    return reply.body["entries"];
  }
  void add_fault(const nlohmann::json& rule) {
    auto reply = admin(http::Method::post, "/_admin/faults", rule);
    ASSERT_EQ(reply.status, 201) << reply.text;
  }

  McpTestClient client(std::string_view mount) {
    return McpTestClient(server_.url(mount), server_.ca_file());
  }
  // A mount keyed by kRuntimeKey in X-Runtime-Key, as a test adds it at runtime.
  nlohmann::json api_key_mount(std::string name) {
    return {{"name", std::move(name)},
            {"auth",
             {{"kind", "api-key"},
              {"headers", {"X-Runtime-Key"}},
              {"keys", {{{"id", "runtime"}, {"value", kRuntimeKey}}}}}}};
  }
  McpTestClient keyed(std::string_view mount) {
    auto c = client(mount);
    c.extra_headers.add("X-Runtime-Key", kRuntimeKey);
    return c;
  }
  // A bearer mount trusting the test's JWKS.
  nlohmann::json bearer_mount(std::string name = "tokens") {
    return {{"name", std::move(name)},
            {"auth",
             {{"kind", "bearer"},
              {"issuers", {kIssuer}},
              {"audiences", {kAudience}},
              {"jwks_url", jwks_.url()},
              {"authorization_servers", {kIssuer}},
              {"scopes_supported", {std::string(kAudience) + "/Tools.Invoke"}},
              {"required_scopes", {"Tools.Invoke"}},
              {"leeway_seconds", 0}}}};
  }
  std::string token(const std::string& jti, std::chrono::seconds lifetime = std::chrono::hours(1)) {
    const auto now = clock_.unix_seconds();
    return *forge_.valid({{"iss", kIssuer},
                          {"aud", kAudience},
                          {"sub", "alice-sub"},
                          {"oid", "alice-oid"},
                          {"tid", "tenant-1"},
                          {"ver", "2.0"},
                          {"scp", "Tools.Invoke"},
                          {"idtyp", "user"},
                          {"jti", jti},
                          {"iat", now},
                          {"nbf", now},
                          {"exp", now + lifetime.count()},
                          {"preferred_username", "alice@contoso"}});
  }
  McpTestClient bearer(const std::string& token, std::string_view mount = "tokens") {
    auto c = client(mount);
    c.extra_headers.add("Authorization", "Bearer " + token);
    return c;
  }
  void add_mount(const nlohmann::json& definition) {
    auto reply = admin(http::Method::post, "/_admin/mounts", definition);
    ASSERT_EQ(reply.status, 201) << reply.text;
  }
  static void expect_admin_error(const AdminReply& reply, int status, std::string_view error) {
    EXPECT_EQ(reply.status, status) << reply.text;
    EXPECT_EQ(reply.body.value("error", ""), error) << reply.text;
  }
  static std::string echoed(const McpReply& reply) {
    const auto message = reply.message();
    if (!message.contains("result")) return "(no result: " + reply.body + ")";
    return message["result"]["content"][0].value("text", "");
  }
  static std::string challenge(const McpReply& reply) {
    return std::string(reply.headers.get("www-authenticate").value_or(""));
  }

  core::SystemClock clock_;
  JwksServer jwks_;
  jose::TokenForge forge_;
  McpServerThread server_{clock_};
};

TEST_F(McpServerTest, ReadyAndHealthy) {
  const auto ready = admin(http::Method::get, "/_admin/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, nlohmann::json({{"status", "ready"}, {"component", "mcp"}}));
  EXPECT_EQ(admin(http::Method::get, "/_admin/healthz").status, 200);
}

TEST_F(McpServerTest, MountAddedAtRuntimeServesWithItsOwnPolicyAndIsListed) {
  auto added = admin(http::Method::post, "/_admin/mounts", api_key_mount("extra"));
  ASSERT_EQ(added.status, 201) << added.text;
  EXPECT_EQ(added.body["url"], server_.url("extra"));
  EXPECT_EQ(added.body["auth"], "api-key");

  auto c = keyed("extra");
  ASSERT_EQ(c.initialize().status, 200);
  EXPECT_EQ(echoed(c.call("echo", {{"message", "hi"}})), "hi");
  auto anonymous = client("extra");
  EXPECT_EQ(anonymous.initialize().status, 401);

  const auto mounts = admin(http::Method::get, "/_admin/mounts").body["mounts"];
  auto listed = std::find_if(mounts.begin(), mounts.end(),
                             [](const nlohmann::json& m) { return m["name"] == "extra"; });
  ASSERT_NE(listed, mounts.end()) << mounts.dump();
  EXPECT_EQ((*listed)["sessions"], 1);
  EXPECT_EQ(journal("kind=admin&action=add_mount&mount=extra").size(), 1u);
}

TEST_F(McpServerTest, BadMountDefinitionsAreRefused) {
  expect_admin_error(admin(http::Method::post, "/_admin/mounts", api_key_mount("open")), 409,
                     "mount_exists");
  auto nameless = api_key_mount("x");
  nameless.erase("name");
  expect_admin_error(admin(http::Method::post, "/_admin/mounts", nameless), 400, "invalid_mount");
  auto short_key = api_key_mount("short");
  short_key["auth"]["keys"][0]["value"] = "short";
  expect_admin_error(admin(http::Method::post, "/_admin/mounts", short_key), 400, "invalid_mount");
  auto none_alg = bearer_mount("none-alg");
  none_alg["auth"]["algorithms"] = {"none"};
  expect_admin_error(admin(http::Method::post, "/_admin/mounts", none_alg), 400, "invalid_mount");
  auto unknown_key = api_key_mount("unknown");
  unknown_key["backdoor"] = true;
  expect_admin_error(admin(http::Method::post, "/_admin/mounts", unknown_key), 400,
                     "invalid_mount");
  expect_admin_error(admin(http::Method::post, "/_admin/mounts", "not an object"), 400,
                     "invalid_mount");
  EXPECT_EQ(client("short").initialize().status, 404);
}

TEST_F(McpServerTest, RemovedMountEndsItsSessionsAndAnswers404) {
  add_mount(api_key_mount("extra"));
  auto c = keyed("extra");
  ASSERT_EQ(c.initialize().status, 200);

  EXPECT_EQ(admin(http::Method::delete_, "/_admin/mounts/extra").status, 204);
  const auto gone = c.call("echo", {{"message", "hi"}});
  EXPECT_EQ(gone.status, 404) << gone.body;
  EXPECT_EQ(nlohmann::json::parse(gone.body)["error"]["code"], -32000);
  expect_admin_error(admin(http::Method::delete_, "/_admin/mounts/extra"), 404, "not_found");
  EXPECT_EQ(journal("kind=admin&action=remove_mount&mount=extra").size(), 1u);

  // A fixture mount can be removed too; reset brings it back.
  EXPECT_EQ(admin(http::Method::delete_, "/_admin/mounts/open").status, 204);
  EXPECT_EQ(client("open").initialize().status, 404);
  ASSERT_EQ(admin(http::Method::post, "/_admin/reset").status, 200);
  EXPECT_EQ(client("open").initialize().status, 200);
}

TEST_F(McpServerTest, RevokedJtiIsRefusedEvenWhenTheTokenWasCached) {
  add_mount(bearer_mount());
  auto c = bearer(token("jti-revoked"));
  ASSERT_EQ(c.initialize().status, 200);
  ASSERT_EQ(echoed(c.call("echo", {{"message", "before"}})), "before");  // now cached

  auto revoked = admin(http::Method::post, "/_admin/revoke", {{"jti", "jti-revoked"}});
  ASSERT_EQ(revoked.status, 200) << revoked.text;
  const auto refused = c.call("echo", {{"message", "after"}});
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_NE(challenge(refused).find("error=\"invalid_token\""), std::string::npos)
      << challenge(refused);
  EXPECT_EQ(journal("kind=mcp&mount=tokens&reason=revoked").size(), 1u);

  // Another token of the same user is not affected.
  auto other = bearer(token("jti-other"));
  EXPECT_EQ(other.initialize().status, 200);
}

TEST_F(McpServerTest, RevokeRequestMustNameExactlyOneJti) {
  for (const auto& body : {nlohmann::json::object(), nlohmann::json{{"jti", 7}},
                           nlohmann::json{{"jti", "a"}, {"extra", 1}}}) {
    expect_admin_error(admin(http::Method::post, "/_admin/revoke", body), 400, "invalid_request");
  }
}

TEST_F(McpServerTest, JournalIsQueryableByMountToolAndOutcomeAndHoldsNoSecret) {
  add_mount(api_key_mount("extra"));
  add_mount(bearer_mount());
  const auto bearer_token = token("jti-journal");
  auto keyed_client = keyed("extra");
  ASSERT_EQ(keyed_client.initialize().status, 200);
  keyed_client.call("echo", {{"message", "one"}});
  keyed_client.call("whoami");
  auto bearer_client = bearer(bearer_token);
  ASSERT_EQ(bearer_client.initialize().status, 200);
  bearer_client.call("echo", {{"message", "two"}});
  auto wrong = client("extra");
  wrong.extra_headers.add("X-Runtime-Key", "wrong-key-0123456789abcdef");
  EXPECT_EQ(wrong.initialize().status, 401);

  EXPECT_EQ(journal("kind=mcp&tool=echo").size(), 2u);
  EXPECT_EQ(journal("kind=mcp&mount=extra&tool=whoami").size(), 1u);
  const auto denied = journal("kind=mcp&mount=extra&outcome=denied");
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_EQ(denied[0]["reason"], "wrong_key");
  EXPECT_EQ(denied[0]["status"], 401);
  const auto bearer_calls = journal("kind=mcp&mount=tokens&principal.oid=alice-oid");
  EXPECT_EQ(bearer_calls.size(), 3u) << bearer_calls.dump();  // initialize, initialized, echo

  const auto all = admin(http::Method::get, "/_admin/journal").text;
  EXPECT_EQ(all.find(kRuntimeKey), std::string::npos);
  EXPECT_EQ(all.find("wrong-key-0123456789abcdef"), std::string::npos);
  EXPECT_EQ(all.find(bearer_token), std::string::npos);
  EXPECT_EQ(all.find(keyed_client.session_id), std::string::npos);
}

// The journal's wire form, member for member, for a served call, a refused one and a faulted
// one: the conformance suite reads this evidence, so how entries are kept must not change it.
// Header quirks included: a repeated name keeps its last value, a credential under a harmless
// name is redacted by shape, and bytes that are not UTF-8 become U+FFFD.
TEST_F(McpServerTest, JournalEntriesHoldEveryFieldInTheirWireForm) {
  add_mount(bearer_mount());
  const auto bearer_token = token("jti-wire");
  auto c = bearer(bearer_token);
  ASSERT_EQ(c.initialize().status, 200);
  c.extra_headers.add("X-Trace", "Bearer abc.def");
  c.extra_headers.add("X-Dup", "first");
  c.extra_headers.add("X-Dup", "second");
  c.extra_headers.add("X-Bytes", "caf\xe9");
  ASSERT_EQ(echoed(c.call("echo", {{"message", "wire"}})), "wire");
  add_fault({{"match", {{"endpoint", "mcp"}, {"mount", "tokens"}}},
             {"action", {{"status", 429}, {"retry_after", 3}}},
             {"count", 1}});
  EXPECT_EQ(c.call("whoami").status, 429);
  auto stranger = client("tokens");
  stranger.extra_headers.add("Authorization", "Bearer not-a-jwt");
  EXPECT_EQ(stranger.initialize().status, 401);

  auto all = journal("kind=mcp");  // initialize, initialized, then the three above
  ASSERT_EQ(all.size(), 5u) << all.dump();
  nlohmann::json entries = {all[2], all[3], all[4]};
  const auto host = server_.server().url().substr(std::string("https://").size());
  for (auto& entry : entries) {
    EXPECT_EQ(entry["headers"].value("Host", ""), host);
    entry.erase("at");
    entry.erase("seq");
    entry["headers"].erase("Host");
  }
  const std::string session = jose::short_hash(c.session_id);
  const nlohmann::json principal = {{"auth", "bearer"},
                                    {"aud", kAudience},
                                    {"idtyp", "user"},
                                    {"iss", kIssuer},
                                    {"jti_hash", jose::short_hash("jti-wire")},
                                    {"oid", "alice-oid"},
                                    {"preferred_username", "alice@contoso"},
                                    {"scp", {"Tools.Invoke"}},
                                    {"sub", "alice-sub"},
                                    {"tid", "tenant-1"},
                                    {"ver", "2.0"}};
  const nlohmann::json call_headers = {{"Accept", "application/json, text/event-stream"},
                                       {"Authorization", "[redacted]"},
                                       {"Content-Type", "application/json"},
                                       {"MCP-Protocol-Version", "2025-11-25"},
                                       {"User-Agent", "toolauth"},
                                       {"X-Trace", "Bearer [redacted]"},
                                       {"X-Dup", "second"},
                                       {"X-Bytes", "caf\xef\xbf\xbd"}};
  nlohmann::json served = {
      {"kind", "mcp"},      {"mount", "tokens"},      {"http_method", "POST"},
      {"status", 200},      {"auth", "bearer"},       {"outcome", "allowed"},
      {"reason", "token"},  {"principal", principal}, {"headers", call_headers},
      {"session", session}, {"rpc", {"tools/call"}},  {"tool", "echo"}};
  nlohmann::json faulted = served;
  faulted["status"] = 429;
  faulted["rpc"] = {"tools/call"};
  faulted["tool"] = "whoami";
  faulted["fault"] = true;
  nlohmann::json refused = {{"kind", "mcp"},
                            {"mount", "tokens"},
                            {"http_method", "POST"},
                            {"status", 401},
                            {"auth", "bearer"},
                            {"outcome", "denied"},
                            {"reason", "malformed"},
                            {"principal", {{"auth", "none"}}},
                            {"headers",
                             {{"Accept", "application/json, text/event-stream"},
                              {"Authorization", "[redacted]"},
                              {"Content-Type", "application/json"},
                              {"User-Agent", "toolauth"}}}};
  for (auto* expected : {&served, &faulted, &refused}) {
    // Content-Length is the body's, which the test does not pin.
    (*expected)["headers"]["Content-Length"] = nullptr;
  }
  for (auto& entry : entries) {
    if (entry["headers"].contains("Content-Length")) entry["headers"]["Content-Length"] = nullptr;
  }
  EXPECT_EQ(entries[0], served) << entries[0].dump(2);
  EXPECT_EQ(entries[1], faulted) << entries[1].dump(2);
  EXPECT_EQ(entries[2], refused) << entries[2].dump(2);
}

TEST_F(McpServerTest, ResetForgetsRuntimeMountsNotesRevocationsFaultsAndJournal) {
  add_mount(api_key_mount("extra"));
  add_mount(bearer_mount());
  auto c = keyed("extra");
  ASSERT_EQ(c.initialize().status, 200);
  ASSERT_EQ(c.call("notes_add", {{"text", "remember me"}}).status, 200);
  ASSERT_EQ(admin(http::Method::post, "/_admin/revoke", {{"jti", "jti-reset"}}).status, 200);
  add_fault({{"match", {{"endpoint", "mcp"}, {"mount", "open"}}}, {"action", {{"status", 500}}}});

  ASSERT_EQ(admin(http::Method::post, "/_admin/reset").status, 200);
  EXPECT_EQ(keyed("extra").initialize().status, 404);
  EXPECT_EQ(admin(http::Method::get, "/_admin/faults").body["rules"].size(), 0u);
  EXPECT_EQ(client("open").initialize().status, 200);
  EXPECT_TRUE(journal("kind=admin").empty());

  // The revocation is gone with the reset: a re-added mount accepts that token again.
  add_mount(bearer_mount());
  EXPECT_EQ(bearer(token("jti-reset")).initialize().status, 200);
  add_mount(api_key_mount("extra"));
  auto again = keyed("extra");
  ASSERT_EQ(again.initialize().status, 200);
  EXPECT_TRUE(again.call("notes_list").message()["result"]["structuredContent"]["notes"].empty());
}

TEST_F(McpServerTest, ClockAdvanceExpiresTokensAndIdleSessions) {
  add_mount(bearer_mount());
  auto c = bearer(token("jti-clock", std::chrono::minutes(10)));
  ASSERT_EQ(c.initialize().status, 200);
  ASSERT_EQ(echoed(c.call("echo", {{"message", "fresh"}})), "fresh");

  auto moved = admin(http::Method::post, "/_admin/clock", {{"advance_seconds", 601}});
  ASSERT_EQ(moved.status, 200) << moved.text;
  EXPECT_GE(moved.body["offset_seconds"].get<double>(), 601.0);
  const auto expired = c.call("echo", {{"message", "stale"}});
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(challenge(expired).find("error=\"invalid_token\""), std::string::npos);
  EXPECT_EQ(journal("kind=mcp&mount=tokens&reason=expired").size(), 1u);

  // Sessions idle for longer than an hour are gone.
  auto open = client("open");
  ASSERT_EQ(open.initialize().status, 200);
  ASSERT_EQ(admin(http::Method::post, "/_admin/clock", {{"advance_seconds", 3601}}).status, 200);
  EXPECT_EQ(open.call("echo", {{"message", "late"}}).status, 404);
}

// The conformance suite forces a token refresh with a one-shot 401: the client sees a proper
// Bearer challenge, and the very next request with the same token is served again.
TEST_F(McpServerTest, InjectedOneShot401ChallengesLikeAnInvalidTokenThenServesAgain) {
  add_mount(bearer_mount());
  auto c = bearer(token("jti-401"));
  ASSERT_EQ(c.initialize().status, 200);
  add_fault({{"id", "force-refresh"},
             {"match", {{"endpoint", "mcp"}, {"mount", "tokens"}, {"tool", "echo"}}},
             {"action", {{"status", 401}, {"error_description", "token revoked upstream"}}},
             {"count", 1}});
  EXPECT_EQ(c.call("whoami").status, 200);  // another tool: untouched

  const auto refused = c.call("echo", {{"message", "x"}});
  EXPECT_EQ(refused.status, 401) << refused.body;
  const auto value = challenge(refused);
  EXPECT_TRUE(value.starts_with("Bearer resource_metadata=\"" + server_.server().url() +
                                "/.well-known/oauth-protected-resource/mcp/tokens\""))
      << value;
  EXPECT_NE(value.find("scope=\"api://mcp-admin-test/Tools.Invoke\""), std::string::npos);
  EXPECT_NE(value.find("error=\"invalid_token\""), std::string::npos) << value;
  EXPECT_NE(value.find("error_description=\"token revoked upstream\""), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(refused.body)["error"], "invalid_token");

  EXPECT_EQ(echoed(c.call("echo", {{"message", "served"}})), "served");
  const auto rules = admin(http::Method::get, "/_admin/faults").body["rules"];
  EXPECT_EQ(rules[0]["hits"], 1);
  EXPECT_EQ(rules[0]["remaining"], 0);
  const auto faulted = journal("kind=mcp&mount=tokens&fault=true");
  ASSERT_EQ(faulted.size(), 1u);
  EXPECT_EQ(faulted[0]["status"], 401);
  EXPECT_EQ(faulted[0].value("tool", ""), "echo");
}

TEST_F(McpServerTest, Injected403IsAnInsufficientScopeChallenge) {
  add_mount(bearer_mount());
  auto c = bearer(token("jti-403"));
  ASSERT_EQ(c.initialize().status, 200);
  add_fault({{"match", {{"endpoint", "mcp"}, {"mount", "tokens"}, {"tool", "*"}}},
             {"action", {{"status", 403}}},
             {"count", 1}});
  const auto refused = c.call("echo", {{"message", "x"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(challenge(refused).find("error=\"insufficient_scope\""), std::string::npos)
      << challenge(refused);
}

TEST_F(McpServerTest, FaultMatchingAJtiHashRefusesThatTokenOnly) {
  add_mount(bearer_mount());
  auto stale = bearer(token("jti-stale"));
  auto fresh = bearer(token("jti-fresh"));
  ASSERT_EQ(stale.initialize().status, 200);
  ASSERT_EQ(fresh.initialize().status, 200);
  add_fault({{"match", {{"endpoint", "mcp"}, {"jti_hash", jose::short_hash("jti-stale")}}},
             {"action", {{"status", 401}, {"error", "invalid_token"}}}});
  EXPECT_EQ(stale.call("echo", {{"message", "x"}}).status, 401);
  EXPECT_EQ(stale.call("echo", {{"message", "x"}}).status, 401);
  EXPECT_EQ(echoed(fresh.call("echo", {{"message", "ok"}})), "ok");
}

TEST_F(McpServerTest, InjectedFaultOnAnApiKeyMountChallengesForItsHeader) {
  add_mount(api_key_mount("extra"));
  auto c = keyed("extra");
  ASSERT_EQ(c.initialize().status, 200);
  add_fault({{"match", {{"endpoint", "mcp"}, {"mount", "extra"}}},
             {"action", {{"status", 401}}},
             {"count", 1}});
  const auto refused = c.call("echo", {{"message", "x"}});
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(challenge(refused), "ApiKey header=\"X-Runtime-Key\"");
}

TEST_F(McpServerTest, Injected429And500AreJsonRpcErrors) {
  auto c = client("open");
  ASSERT_EQ(c.initialize().status, 200);
  add_fault({{"match", {{"endpoint", "mcp"}, {"mount", "open"}}},
             {"action", {{"status", 429}, {"retry_after", 4}}},
             {"count", 1}});
  add_fault({{"match", {{"endpoint", "mcp"}, {"mount", "open"}}},
             {"action", {{"status", 500}, {"error_description", "boom"}}},
             {"count", 1}});
  auto reply = c.call("echo", {{"message", "x"}});
  EXPECT_EQ(reply.status, 429);
  EXPECT_EQ(reply.headers.get("retry-after").value_or(""), "4");
  EXPECT_EQ(nlohmann::json::parse(reply.body)["error"]["code"], -32000);
  reply = c.call("echo", {{"message", "x"}});
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(nlohmann::json::parse(reply.body)["error"]["message"], "boom");
  EXPECT_EQ(echoed(c.call("echo", {{"message", "ok"}})), "ok");
}

TEST_F(McpServerTest, InjectedDropClosesTheConnectionWithoutAnAnswer) {
  auto c = client("open");
  ASSERT_EQ(c.initialize().status, 200);
  add_fault({{"match", {{"endpoint", "mcp"}, {"tool", "echo"}}},
             {"action", {{"drop", true}}},
             {"count", 1}});
  EXPECT_EQ(c.call("echo", {{"message", "x"}}).status, -1);  // the client saw no response
  EXPECT_EQ(echoed(c.call("echo", {{"message", "ok"}})), "ok");
}

TEST_F(McpServerTest, InjectedLatencyDelaysTheAnswer) {
  auto c = client("open");
  ASSERT_EQ(c.initialize().status, 200);
  add_fault({{"match", {{"endpoint", "mcp"}, {"tool", "echo"}}},
             {"action", {{"latency_ms", 250}}},
             {"count", 1}});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(echoed(c.call("echo", {{"message", "late"}})), "late");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));
}

TEST_F(McpServerTest, FaultsNeverFireForUnauthenticatedRequests) {
  add_mount(bearer_mount());
  add_fault({{"match", {{"endpoint", "mcp"}, {"mount", "tokens"}}},
             {"action", {{"status", 500}}},
             {"count", 1}});
  EXPECT_EQ(client("tokens").initialize().status, 401);
  EXPECT_EQ(admin(http::Method::get, "/_admin/faults").body["rules"][0]["hits"], 0);
}

TEST_F(McpServerTest, ExportedStateImportsBackMountsNotesAndRevocations) {
  add_mount(api_key_mount("extra"));
  add_mount(bearer_mount());
  auto c = keyed("extra");
  ASSERT_EQ(c.initialize().status, 200);
  ASSERT_EQ(c.call("notes_add", {{"text", "kept"}}).status, 200);
  ASSERT_EQ(admin(http::Method::post, "/_admin/revoke", {{"jti", "jti-exported"}}).status, 200);

  const auto exported = admin(http::Method::get, "/_admin/state");
  ASSERT_EQ(exported.status, 200) << exported.text;
  EXPECT_EQ(exported.headers.get("cache-control").value_or(""), "no-store");
  ASSERT_EQ(admin(http::Method::post, "/_admin/reset").status, 200);
  ASSERT_EQ(keyed("extra").initialize().status, 404);

  auto imported = admin(http::Method::put, "/_admin/state", exported.body);
  ASSERT_EQ(imported.status, 200) << imported.text;
  auto back = keyed("extra");
  ASSERT_EQ(back.initialize().status, 200);
  const auto notes = back.call("notes_list").message()["result"]["structuredContent"]["notes"];
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["text"], "kept");
  EXPECT_EQ(bearer(token("jti-exported")).initialize().status, 401);
  EXPECT_EQ(bearer(token("jti-fine")).initialize().status, 200);
}

TEST_F(McpServerTest, ImportOfAMalformedStateIsRefusedAndChangesNothing) {
  add_mount(api_key_mount("extra"));
  expect_admin_error(admin(http::Method::put, "/_admin/state", {{"collections", 7}}), 400,
                     "invalid_state");
  EXPECT_EQ(keyed("extra").initialize().status, 200);
}

TEST_F(McpServerTest, ImportedStateWithMalformedPartsKeepsWhatIsValid) {
  auto good = api_key_mount("extra");
  const nlohmann::json state = {
      {"mcp",
       {{"runtime",
         {{"mounts", {good, {{"name", "broken"}, {"auth", {{"kind", "magic"}}}}, 42}},
          {"revoked", {"jti-imported", 7, nullptr}},
          {"notes", {{"extra", {{"partition", "not a list"}}}, {"gone", 3}}}}}}}};
  auto imported = admin(http::Method::put, "/_admin/state", state);
  ASSERT_EQ(imported.status, 200) << imported.text;
  EXPECT_EQ(keyed("extra").initialize().status, 200);
  EXPECT_EQ(client("broken").initialize().status, 404);
  add_mount(bearer_mount());
  EXPECT_EQ(bearer(token("jti-imported")).initialize().status, 401);
}

}  // namespace
}  // namespace toolauth::mcp
