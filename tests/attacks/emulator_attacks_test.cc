// The attack corpus against the Agent Service emulator: one row per attack, each run over
// real loopback HTTPS against the emulator (with mock-idp and mock-mcp) started in-process on
// port 0. Every row asserts the exact refusal (a Foundry ApiError, the consent callback's
// error page, or the HTTP layer's invalid_request) and the fixture then checks that the
// emulator still answers its health check.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "attack_support.h"
#include "server_stack.h"
#include "toolauth/jose/forge.h"

namespace toolauth::attacks {
namespace {

constexpr auto kReadTimeout = std::chrono::milliseconds(600);
constexpr std::string_view kFoundryScope = "https://ai.azure.com/user_impersonation";

class EmulatorAttack;
struct EmulatorCase {
  const char* name;
  std::function<void(EmulatorAttack&)> run;
};

// One stack takes the whole corpus, each case on top of the ones before it.
class EmulatorAttack : public ::testing::TestWithParam<EmulatorCase> {
 public:
  static void SetUpTestSuite() {
    StackOptions options;
    options.with_emulator = true;
    options.limits.read_timeout = kReadTimeout;
    shared_ = std::make_unique<ServerStack>(options);
  }
  static void TearDownTestSuite() { shared_.reset(); }

  ServerStack& stack = *shared_;

  std::uint16_t port() {
    const auto& url = stack.emulator().url();
    return static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  }
  RawTls raw() { return RawTls("127.0.0.1", port(), stack.ca_file()); }
  std::string connections_url() {
    return stack.emulator().url() + "/api/projects/alpha/connections?api-version=v1";
  }
  std::string responses_url() {
    return stack.emulator().url() + "/api/projects/alpha/openai/v1/responses";
  }
  std::string alice_token() { return stack.user_token("alice", std::string(kFoundryScope)); }
  // The connections of project alpha, as `token` (the Authorization value when `raw_header`).
  WireReply list_connections(const std::string& token) {
    http::ClientRequest request{.method = http::Method::get, .url = connections_url()};
    request.headers.set("Authorization", "Bearer " + token);
    return stack.send(std::move(request));
  }
  WireReply post_responses(std::string body) {
    http::ClientRequest request{
        .method = http::Method::post, .url = responses_url(), .body = std::move(body)};
    request.headers.set("Authorization", "Bearer " + alice_token());
    request.headers.set("Content-Type", "application/json");
    return stack.send(std::move(request));
  }
  WireReply get(const std::string& path_and_query) {
    return stack.send(
        {.method = http::Method::get, .url = stack.emulator().url() + path_and_query});
  }
  // alice's real token re-signed by mock-idp's own key under `header`.
  std::string resigned(const nlohmann::json& header) {
    return *jose::TokenForge(stack.idp_signing_key(), stack.clock())
                .custom(header, claims_of(alice_token()), jose::Alg::RS256);
  }
  std::string attacker_signed(const AttackerKeyHost& attacker, const nlohmann::json& header) {
    return *jose::TokenForge(attacker.key(), stack.clock())
                .custom(header, claims_of(alice_token()), jose::Alg::RS256);
  }

 private:
  static inline std::unique_ptr<ServerStack> shared_;
};

// A Foundry ApiError: status, code, innererror code and message.
void expect_api_error(const WireReply& reply, int status, std::string_view code,
                      std::string_view inner, std::string_view message) {
  EXPECT_EQ(reply.status, status) << reply.text;
  ASSERT_TRUE(reply.body.is_object() && reply.body.contains("error")) << reply.text;
  const auto& error = reply.body["error"];
  EXPECT_EQ(error.value("code", ""), code) << reply.text;
  EXPECT_EQ(error.contains("innererror") ? error["innererror"].value("code", "") : "", inner)
      << reply.text;
  EXPECT_EQ(error.value("message", ""), message) << reply.text;
  EXPECT_EQ(reply.headers.get("x-ms-error-code").value_or(""), code);
}
void expect_unauthorized(const WireReply& reply, std::string_view inner, std::string_view message) {
  expect_api_error(reply, 401, "Unauthorized", inner, message);
}

// The consent callback's error page, with `message`, and nothing stored.
void expect_callback_refused(const WireReply& reply, std::string_view message) {
  EXPECT_EQ(reply.status, 400) << reply.text;
  EXPECT_NE(reply.text.find("<h1>Consent failed</h1><p>" + std::string(message) + "</p>"),
            std::string::npos)
      << reply.text;
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
    "POST /api/projects/alpha/openai/v1/responses HTTP/1.1\r\nHost: localhost\r\n"
    "Content-Type: application/json\r\n";
constexpr std::string_view kSmuggled = "GET /_admin/healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";

const EmulatorCase kCases[] = {
    // --- forged caller tokens
    {"CallerTokenAlgNone",
     [](EmulatorAttack& t) {
       jose::TokenForge forge(t.stack.idp_signing_key(), t.stack.clock());
       expect_unauthorized(t.list_connections(*forge.alg_none(claims_of(t.alice_token()))),
                           "InvalidSignature",
                           "The access token's signing algorithm is not accepted.");
     }},
    {"CallerTokenHs256KeyConfusion",
     [](EmulatorAttack& t) {
       jose::TokenForge forge(t.stack.idp_signing_key(), t.stack.clock());
       expect_unauthorized(
           t.list_connections(*forge.hs256_with_public_key(claims_of(t.alice_token()))),
           "InvalidSignature", "The access token's signing algorithm is not accepted.");
     }},
    {"CallerTokenKidPathTraversal",
     [](EmulatorAttack& t) {
       expect_unauthorized(t.list_connections(t.resigned(
                               {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "../../../etc/passwd"}})),
                           "InvalidSignature", "The access token's signing key is unknown.");
     }},
    {"CallerTokenKidSqlInjection",
     [](EmulatorAttack& t) {
       expect_unauthorized(t.list_connections(t.resigned(
                               {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "1' OR 1=1;--"}})),
                           "InvalidSignature", "The access token's signing key is unknown.");
     }},
    {"CallerTokenJkuIgnored",
     [](EmulatorAttack& t) {
       auto& attacker = AttackerKeyHost::shared();
       expect_unauthorized(
           t.list_connections(t.attacker_signed(attacker, {{"alg", "RS256"},
                                                           {"typ", "JWT"},
                                                           {"kid", attacker.key().kid},
                                                           {"jku", attacker.jwks_url()}})),
           "InvalidSignature", "The access token's signing key is unknown.");
       EXPECT_EQ(attacker.fetches, 0);
     }},
    {"CallerTokenX5uIgnored",
     [](EmulatorAttack& t) {
       auto& attacker = AttackerKeyHost::shared();
       expect_unauthorized(
           t.list_connections(t.attacker_signed(attacker, {{"alg", "RS256"},
                                                           {"typ", "JWT"},
                                                           {"kid", attacker.key().kid},
                                                           {"x5u", attacker.certificate_url()}})),
           "InvalidSignature", "The access token's signing key is unknown.");
       EXPECT_EQ(attacker.fetches, 0);
     }},
    {"CallerTokenInASecondAuthorizationHeader",
     [](EmulatorAttack& t) {
       http::ClientRequest request{.method = http::Method::get, .url = t.connections_url()};
       request.headers.add("Authorization", "Bearer not-a-token");
       request.headers.add("Authorization", "Bearer " + t.alice_token());
       expect_unauthorized(t.stack.send(std::move(request)), "InvalidAuthorizationHeader",
                           "The Authorization header is repeated.");
     }},

    {"ConnectionOfAnotherProjectByDotSegments",
     [](EmulatorAttack& t) {
       http::ClientRequest request{
           .method = http::Method::get,
           .url = t.stack.emulator().url() +
                  "/api/projects/alpha/connections/..%2F..%2Fbeta%2Fconnections%2Foauth-invoke"
                  "?api-version=v1"};
       request.headers.set("Authorization", "Bearer " + t.alice_token());
       expect_api_error(
           t.stack.send(std::move(request)), 404, "NotFound", "ConnectionNotFound",
           "Connection '../../beta/connections/oauth-invoke' was not found in project 'alpha'.");
     }},
    {"ProjectByDotSegments",
     [](EmulatorAttack& t) {
       http::ClientRequest request{
           .method = http::Method::get,
           .url = t.stack.emulator().url() + "/api/projects/..%2Fbeta/connections?api-version=v1"};
       request.headers.set("Authorization", "Bearer " + t.alice_token());
       expect_api_error(t.stack.send(std::move(request)), 404, "NotFound", "ProjectNotFound",
                        "Project '../beta' was not found.");
     }},

    // --- the OAuth2 consent callback (the emulator as an OAuth client)
    {"ConsentCallbackWithEmptyState",
     [](EmulatorAttack& t) {
       expect_callback_refused(t.get("/oauth/callback?state=&code=stolen-code"),
                               "The sign-in answer has no state.");
     }},
    {"ConsentCallbackWithForgedState",
     [](EmulatorAttack& t) {
       expect_callback_refused(
           t.get("/oauth/callback?state=forged-state-value&code=stolen-code"),
           "The sign-in answer does not belong to a consent request of this service.");
     }},
    {"ConsentCallbackWithMalformedQuery",
     [](EmulatorAttack& t) {
       // Sent raw: a well-behaved client does not send broken percent-encoding.
       auto c = t.raw();
       c.send(
           "GET /oauth/callback?state=%ZZ&code=x HTTP/1.1\r\nHost: localhost\r\n"
           "Connection: close\r\n\r\n");
       const auto raw = c.read_until_closed();
       EXPECT_EQ(status_of(raw), 400) << raw;
       EXPECT_NE(raw.find("<p>The sign-in answer is malformed.</p>"), std::string::npos) << raw;
     }},
    {"ConsentLinkPathTraversal",
     [](EmulatorAttack& t) {
       expect_callback_refused(t.get("/oauth/consent/..%2F..%2F_admin%2Fvault"),
                               "This consent link is not known.");
     }},

    // --- the body
    {"DeeplyNestedJson",
     [](EmulatorAttack& t) {
       auto reply = t.post_responses("{\"input\":" + std::string(100000, '[') +
                                     std::string(100000, ']') + "}");
       EXPECT_EQ(reply.status, 400) << reply.text;
       EXPECT_EQ(reply.body["error"].value("code", ""), "invalid_request") << reply.text;
       EXPECT_TRUE(reply.body["error"]
                       .value("message", "")
                       .starts_with("The request body is not valid JSON: "))
           << reply.text;
     }},
    {"InvalidUtf8InJson",
     [](EmulatorAttack& t) {
       auto reply = t.post_responses("{\"input\":\"caf\xe9\"}");
       EXPECT_EQ(reply.status, 400) << reply.text;
       EXPECT_EQ(reply.body["error"].value("code", ""), "invalid_request") << reply.text;
       EXPECT_TRUE(reply.body["error"]
                       .value("message", "")
                       .starts_with("The request body is not valid JSON: "))
           << reply.text;
     }},

    // --- the wire
    {"OversizedHeaders",
     [](EmulatorAttack& t) {
       auto c = t.raw();
       c.send(std::string(kPostHead) + "Authorization: Bearer " + std::string(17 * 1024, 'a') +
              "\r\nContent-Length: 0\r\n\r\n");
       expect_wire_error(c.read_until_closed(), 431, "request header fields too large");
     }},
    {"OversizedBody",
     [](EmulatorAttack& t) {
       auto c = t.raw();
       c.send(std::string(kPostHead) + "Content-Length: 5000000\r\n\r\n{\"input\":");
       expect_wire_error(c.read_until_closed(), 413, "request body too large");
     }},
    {"SmugglingChunkedWithContentLength",
     [](EmulatorAttack& t) {
       auto c = t.raw();
       c.send(std::string(kPostHead) +
              "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
              std::string(kSmuggled));
       expect_wire_error(c.read_until_closed(), 400,
                         "malformed HTTP request: bad Transfer-Encoding");
     }},
    {"SmugglingDuplicateContentLength",
     [](EmulatorAttack& t) {
       auto c = t.raw();
       // Equal values get past Beast; the server still refuses the repetition.
       c.send(std::string(kPostHead) + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}" +
              std::string(kSmuggled));
       expect_wire_error(c.read_until_closed(), 400, "repeated Content-Length");
     }},
    {"SmugglingObsFoldedTransferEncoding",
     [](EmulatorAttack& t) {
       auto c = t.raw();
       c.send(std::string(kPostHead) + "Transfer-Encoding:\r\n\tchunked\r\n\r\n0\r\n\r\n" +
              std::string(kSmuggled));
       expect_wire_error(c.read_until_closed(), 400, "obsolete line folding in the header");
     }},
    {"SlowlorisHeadersByteByByte",
     [](EmulatorAttack& t) {
       auto c = t.raw();
       expect_slowloris_cut_off(c, std::string(kPostHead) + "X-Slow: " + std::string(100, 'a'),
                                kReadTimeout);
     }},
    {"AdminPlaneFromANonLoopbackAddressWithoutTheKey",
     [](EmulatorAttack&) {
       const auto address = non_loopback_address();
       if (!address) GTEST_SKIP() << "this machine has no non-loopback IPv4 address";
       ServerStack exposed(
           {.with_emulator = true, .host = *address, .admin_key = "attack-corpus-admin-key"});
       const auto& url = exposed.emulator().url();
       const auto port = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
       auto admin = [&](const std::string& extra_headers) {
         RawTls c(*address, port, exposed.ca_file());
         c.send("GET /_admin/vault HTTP/1.1\r\nHost: localhost\r\n" + extra_headers +
                "Connection: close\r\n\r\n");
         return c.read_until_closed();
       };
       for (const auto* headers :
            {"", "X-Forwarded-For: 127.0.0.1\r\nX-Real-IP: 127.0.0.1\r\n",
             "Authorization: Basic YWRtaW46YXR0YWNrLWNvcnB1cy1hZG1pbi1rZXk=\r\n",
             "Authorization: Bearer attack-corpus-admin-ke\r\n"}) {
         const auto raw = admin(headers);
         EXPECT_EQ(status_of(raw), 401) << raw;
         EXPECT_EQ(json_body_of(raw).value("error", ""), "admin_key_required") << raw;
       }
       EXPECT_EQ(status_of(admin("Authorization: Bearer attack-corpus-admin-key\r\n")), 200);
     }},
};

TEST_P(EmulatorAttack, IsRefusedAndTheServerStaysHealthy) {
  GetParam().run(*this);
  expect_healthy(stack.emulator().url(), stack.ca_file());
  // A normal call still works too.
  EXPECT_EQ(list_connections(alice_token()).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Corpus, EmulatorAttack, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<EmulatorCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace toolauth::attacks
