// The attack corpus against mock-mcp: one row per attack, each run over real loopback HTTPS
// against an McpServer (with the mock IdP that issues its bearer tokens) started in-process
// on port 0. Every row asserts the exact refusal (401 with the RFC 6750 challenge, a JSON-RPC
// error, or the HTTP layer's invalid_request) and the fixture then checks that the server
// still answers its health check.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "attack_support.h"
#include "server_stack.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/forge.h"

namespace toolauth::attacks {
namespace {

constexpr auto kReadTimeout = std::chrono::milliseconds(600);

class McpAttack;
struct McpCase {
  const char* name;
  std::function<void(McpAttack&)> run;
};

// One stack takes the whole corpus, each case on top of the ones before it.
class McpAttack : public ::testing::TestWithParam<McpCase> {
 public:
  static void SetUpTestSuite() {
    StackOptions options;
    options.limits.read_timeout = kReadTimeout;
    shared_ = std::make_unique<ServerStack>(options);
  }
  static void TearDownTestSuite() { shared_.reset(); }

  ServerStack& stack = *shared_;

  std::uint16_t port() {
    const auto& url = stack.mcp().url();
    return static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  }
  RawTls raw() { return RawTls("127.0.0.1", port(), stack.ca_file()); }
  std::string app_id(std::string_view name) {
    return stack.on_server_thread(
        [&] { return stack.idp().provider().directory().application_named(name)->client_id; });
  }
  std::string mcp_api_uri() {
    return stack.on_server_thread([&] {
      return stack.idp().provider().directory().application_named("mcp-api")->identifier_uris[0];
    });
  }
  // Foundry's app-only token for the MCP API: what the `bearer` mount accepts.
  std::string app_token() {
    const auto secret = stack.on_server_thread([&] {
      return stack.idp().provider().directory().application_named("foundry")->secrets[0].value;
    });
    http::ClientRequest request{
        .method = http::Method::post,
        .url = stack.idp().url() + "/" + ServerStack::kContoso + "/oauth2/v2.0/token",
        .body = http::encode_form({{"grant_type", "client_credentials"},
                                   {"client_id", app_id("foundry")},
                                   {"client_secret", secret},
                                   {"scope", mcp_api_uri() + "/.default"}})};
    request.headers.set("Content-Type", "application/x-www-form-urlencoded");
    auto reply = stack.send(std::move(request));
    EXPECT_EQ(reply.status, 200) << reply.text;
    return reply.body.value("access_token", "");
  }
  // An MCP initialize on `mount` with `token` (none when empty) and `body` as sent.
  WireReply initialize(const std::string& mount, const std::string& token, std::string body = {}) {
    if (body.empty()) {
      body = nlohmann::json{{"jsonrpc", "2.0"},
                            {"id", 1},
                            {"method", "initialize"},
                            {"params",
                             {{"protocolVersion", "2025-06-18"},
                              {"capabilities", nlohmann::json::object()},
                              {"clientInfo", {{"name", "attacker"}, {"version", "1"}}}}}}
                 .dump();
    }
    http::ClientRequest request{.method = http::Method::post,
                                .url = stack.mcp().url() + "/mcp/" + mount,
                                .body = std::move(body)};
    request.headers.set("Content-Type", "application/json");
    request.headers.set("Accept", "application/json, text/event-stream");
    if (!token.empty()) request.headers.set("Authorization", "Bearer " + token);
    return stack.send(std::move(request));
  }
  // The `bearer` mount refuses `token` with 401 invalid_token and `description`, in the body
  // and in the challenge.
  void expect_invalid_token(const std::string& token, std::string_view description) {
    auto reply = initialize("bearer", token);
    EXPECT_EQ(reply.status, 401) << reply.text;
    EXPECT_EQ(reply.body.value("error", ""), "invalid_token") << reply.text;
    EXPECT_EQ(reply.body.value("error_description", ""), description) << reply.text;
    const auto challenge = std::string(reply.headers.get("www-authenticate").value_or(""));
    EXPECT_TRUE(challenge.starts_with("Bearer resource_metadata=")) << challenge;
    EXPECT_NE(challenge.find("error=\"invalid_token\", error_description=\"" +
                             std::string(description) + "\""),
              std::string::npos)
        << challenge;
  }
  // A real app token re-signed by mock-idp's own key under `header`.
  std::string resigned(const nlohmann::json& header) {
    return *jose::TokenForge(stack.idp_signing_key(), stack.clock())
                .custom(header, claims_of(app_token()), jose::Alg::RS256);
  }
  // A real app token's claims signed by the attacker's key under `header`.
  std::string attacker_signed(const AttackerKeyHost& attacker, const nlohmann::json& header) {
    return *jose::TokenForge(attacker.key(), stack.clock())
                .custom(header, claims_of(app_token()), jose::Alg::RS256);
  }

 private:
  static inline std::unique_ptr<ServerStack> shared_;
};

// A JSON-RPC error answer without an id: HTTP status, code and the start of the message.
void expect_rpc_error(const WireReply& reply, int status, int code, std::string_view message) {
  EXPECT_EQ(reply.status, status) << reply.text;
  EXPECT_EQ(reply.body.value("jsonrpc", ""), "2.0") << reply.text;
  EXPECT_TRUE(reply.body.contains("id") && reply.body["id"].is_null()) << reply.text;
  EXPECT_EQ(reply.body["error"].value("code", 0), code) << reply.text;
  EXPECT_TRUE(reply.body["error"].value("message", "").starts_with(message)) << reply.text;
}

// A raw request answered by the HTTP layer: status and its invalid_request description.
void expect_wire_error(std::string_view raw, int status, std::string_view description) {
  EXPECT_EQ(status_of(raw), status) << raw;
  const auto body = json_body_of(raw);
  EXPECT_EQ(body.value("error", ""), "invalid_request") << raw;
  EXPECT_EQ(body.value("error_description", ""), description) << raw;
  EXPECT_EQ(raw.find("HTTP/1.1", 1), std::string::npos) << "one response only: " << raw;
}

constexpr std::string_view kPostHead =
    "POST /mcp/open HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
    "Accept: application/json, text/event-stream\r\n";
constexpr std::string_view kSmuggled = "GET /_admin/healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";

const McpCase kCases[] = {
    // --- header members that name keys are never followed or trusted
    {"BearerKidPathTraversal",
     [](McpAttack& t) {
       t.expect_invalid_token(
           t.resigned({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "../../../../../etc/passwd"}}),
           "the token's signing key is unknown");
     }},
    {"BearerKidSqlInjection",
     [](McpAttack& t) {
       t.expect_invalid_token(
           t.resigned(
               {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "' UNION SELECT key FROM keys--"}}),
           "the token's signing key is unknown");
     }},
    {"BearerKidNulByte",
     [](McpAttack& t) {
       t.expect_invalid_token(
           t.resigned({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", std::string("a\0b", 3)}}),
           "the token's signing key is unknown");
     }},
    {"BearerJkuIgnored",
     [](McpAttack& t) {
       auto& attacker = AttackerKeyHost::shared();
       t.expect_invalid_token(t.attacker_signed(attacker, {{"alg", "RS256"},
                                                           {"typ", "JWT"},
                                                           {"kid", attacker.key().kid},
                                                           {"jku", attacker.jwks_url()}}),
                              "the token's signing key is unknown");
       EXPECT_EQ(attacker.fetches, 0);
     }},
    {"BearerX5uIgnored",
     [](McpAttack& t) {
       auto& attacker = AttackerKeyHost::shared();
       t.expect_invalid_token(t.attacker_signed(attacker, {{"alg", "RS256"},
                                                           {"typ", "JWT"},
                                                           {"kid", attacker.key().kid},
                                                           {"x5u", attacker.certificate_url()}}),
                              "the token's signing key is unknown");
       EXPECT_EQ(attacker.fetches, 0);
     }},
    {"BearerX5cIgnored",
     [](McpAttack& t) {
       auto& attacker = AttackerKeyHost::shared();
       t.expect_invalid_token(
           t.attacker_signed(attacker,
                             {{"alg", "RS256"},
                              {"typ", "JWT"},
                              {"kid", attacker.key().kid},
                              {"x5c", {jose::base64_encode(attacker.key().certificate.der())}}}),
           "the token's signing key is unknown");
     }},
    {"BearerEmbeddedJwkUnderTheRealKid",
     [](McpAttack& t) {
       jose::TokenForge forge(t.stack.idp_signing_key(), t.stack.clock());
       t.expect_invalid_token(*forge.embedded_jwk(claims_of(t.app_token())),
                              "the token's signature is invalid");
     }},

    {"MountNameWithDotSegments",
     [](McpAttack& t) {
       for (const auto* mount : {"open%2F..%2Fbearer", "..%2Fbearer", "open%00bearer"}) {
         expect_rpc_error(t.initialize(mount, ""), 404, -32000,
                          "No MCP server is mounted at /mcp/" + std::string(mount));
       }
     }},

    // --- the body
    {"DeeplyNestedJsonRpc",
     [](McpAttack& t) {
       expect_rpc_error(
           t.initialize("open", "",
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":" +
                            std::string(100000, '[') + std::string(100000, ']') + "}"),
           400, -32700, "Parse error: JSON size or depth limit exceeded");
     }},
    {"InvalidUtf8InJsonRpc",
     [](McpAttack& t) {
       expect_rpc_error(t.initialize("open", "",
                                     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                                     "\"params\":{\"clientInfo\":{\"name\":\"\xc3\x28\"}}}"),
                        400, -32700, "Parse error");
     }},

    // --- the wire
    {"OversizedHeaders",
     [](McpAttack& t) {
       auto c = t.raw();
       c.send(std::string(kPostHead) + "X-Pad: " + std::string(17 * 1024, 'a') +
              "\r\nContent-Length: 0\r\n\r\n");
       expect_wire_error(c.read_until_closed(), 431, "request header fields too large");
     }},
    {"OversizedBody",
     [](McpAttack& t) {
       auto c = t.raw();
       c.send(std::string(kPostHead) + "Content-Length: 5000000\r\n\r\n{\"jsonrpc\":");
       expect_wire_error(c.read_until_closed(), 413, "request body too large");
     }},
    {"SmugglingContentLengthWithTransferEncoding",
     [](McpAttack& t) {
       auto c = t.raw();
       c.send(std::string(kPostHead) +
              "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" +
              std::string(kSmuggled));
       expect_wire_error(c.read_until_closed(), 400, "malformed HTTP request: bad Content-Length");
     }},
    {"SmugglingDuplicateContentLength",
     [](McpAttack& t) {
       auto c = t.raw();
       c.send(std::string(kPostHead) + "Content-Length: 2\r\nContent-Length: 0\r\n\r\n{}" +
              std::string(kSmuggled));
       expect_wire_error(c.read_until_closed(), 400,
                         "malformed HTTP request: multiple Content-Length");
     }},
    {"SmugglingObsFoldedContentLength",
     [](McpAttack& t) {
       auto c = t.raw();
       c.send(std::string(kPostHead) + "Content-Length:\r\n 2\r\n\r\n{}" + std::string(kSmuggled));
       expect_wire_error(c.read_until_closed(), 400, "obsolete line folding in the header");
     }},
    {"SlowlorisHeadersByteByByte",
     [](McpAttack& t) {
       auto c = t.raw();
       expect_slowloris_cut_off(c, std::string(kPostHead) + "X-Slow: " + std::string(100, 'a'),
                                kReadTimeout);
     }},
    {"AdminPlaneFromANonLoopbackAddressWithoutTheKey",
     [](McpAttack&) {
       const auto address = non_loopback_address();
       if (!address) GTEST_SKIP() << "this machine has no non-loopback IPv4 address";
       ServerStack exposed({.host = *address, .admin_key = "attack-corpus-admin-key"});
       const auto& url = exposed.mcp().url();
       const auto port = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
       auto admin = [&](const std::string& extra_headers) {
         RawTls c(*address, port, exposed.ca_file());
         c.send("GET /_admin/journal HTTP/1.1\r\nHost: localhost\r\n" + extra_headers +
                "Connection: close\r\n\r\n");
         return c.read_until_closed();
       };
       for (const auto* headers :
            {"", "X-Forwarded-For: 127.0.0.1\r\n", "Authorization: Bearer attack-corpus\r\n",
             "X-Toolauth-Admin-Key: attack-corpus-admin-key-and-more\r\n"}) {
         const auto raw = admin(headers);
         EXPECT_EQ(status_of(raw), 401) << raw;
         EXPECT_EQ(json_body_of(raw).value("error", ""), "admin_key_required") << raw;
         EXPECT_NE(raw.find("WWW-Authenticate: Bearer realm=\"toolauth-admin\""), std::string::npos)
             << raw;
       }
       // The key opens it.
       EXPECT_EQ(status_of(admin("X-Toolauth-Admin-Key: attack-corpus-admin-key\r\n")), 200);
     }},
};

TEST_P(McpAttack, IsRefusedAndTheServerStaysHealthy) {
  GetParam().run(*this);
  expect_healthy(stack.mcp().url(), stack.ca_file());
  // A normal request still works too.
  auto initialized = initialize("open", "");
  EXPECT_EQ(initialized.status, 200) << initialized.text;
}

INSTANTIATE_TEST_SUITE_P(Corpus, McpAttack, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<McpCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace toolauth::attacks
