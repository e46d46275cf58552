// The attack corpus against mock-idp: one row per attack, each run over real loopback HTTPS
// against an IdpServer started in-process on port 0. Every row asserts the exact OAuth/Entra
// error (status, `error`, AADSTS code) and the fixture then checks that the server still
// answers its health check. Attacks that existing tests already pin down the same way
// (README, "Attack corpus") are not repeated here.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "attack_support.h"
#include "sign_in_driver.h"
#include "toolauth/idp/client_auth.h"
#include "toolauth/idp/token_endpoint.h"
#include "toolauth/jose/claims.h"
#include "toolauth/jose/forge.h"

namespace toolauth::attacks {
namespace {

using idp::testing::Browser;
using idp::testing::input_value;
using idp::testing::Pkce;
using idp::testing::redirect_params;
using idp::testing::UserFlowServer;

constexpr std::string_view kContoso = "contoso.onmicrosoft.com";
constexpr std::string_view kFabrikam = "fabrikam.onmicrosoft.com";
constexpr std::string_view kFabrikamId = "db149e47-14be-49ab-b93f-e42eabd2d9f2";
// The connector's registered redirect URI (UserFlowServer's emulator_url template).
constexpr std::string_view kConnectorRedirect = "https://localhost:4780/oauth/callback";
constexpr auto kReadTimeout = std::chrono::milliseconds(600);

void limit_reads(idp::IdpServerOptions& options) { options.limits.read_timeout = kReadTimeout; }

class IdpAttack;
struct IdpCase {
  const char* name;
  std::function<void(IdpAttack&)> run;
};

// One server takes the whole corpus, each case on top of the ones before it, and must stay
// healthy throughout; each case has its own browser (cookies) and PKCE pair.
class IdpAttack : public ::testing::TestWithParam<IdpCase> {
 public:
  static void SetUpTestSuite() { shared_ = std::make_unique<UserFlowServer>(limit_reads); }
  static void TearDownTestSuite() { shared_.reset(); }

  UserFlowServer& server = *shared_;
  Browser browser{server};
  Pkce pkce;

  std::string ca() const { return server.ca_file(); }
  std::uint16_t port() const {
    const auto& url = server.url();
    return static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  }
  RawTls raw() const { return RawTls("127.0.0.1", port(), ca()); }
  std::string client_id(std::string_view name) {
    return server.on_server_thread(
        [&] { return server.provider().directory().application_named(name)->client_id; });
  }
  std::string secret_of(std::string_view name) {
    return server.on_server_thread([&] {
      return server.provider().directory().application_named(name)->secrets.front().value;
    });
  }
  std::string mcp_api_scope(std::string_view permission) {
    return "api://" + client_id("mcp-api") + "/" + std::string(permission);
  }
  std::string fabrikam_resource() {
    return server.on_server_thread([&] {
      return server.provider().directory().application_named("fabrikam-mcp")->identifier_uris[0];
    });
  }
  std::string token_path(std::string_view tenant = kContoso) const {
    return "/" + std::string(tenant) + "/oauth2/v2.0/token";
  }

  // The connector's (confidential client) authorization request, with `changes` applied
  // (an empty value drops the parameter).
  http::Params connector_request(std::map<std::string, std::string> changes = {}) {
    std::map<std::string, std::string> values = {
        {"client_id", client_id("connector")},
        {"redirect_uri", std::string(kConnectorRedirect)},
        {"response_type", "code"},
        {"scope", mcp_api_scope("Tools.Invoke") + " offline_access"},
        {"state", "state-1"},
        {"code_challenge", pkce.challenge},
        {"code_challenge_method", "S256"}};
    for (const auto& [k, v] : changes) values[k] = v;
    http::Params out;
    for (const auto& [k, v] : values) {
      if (!v.empty()) out.add(k, v);
    }
    return out;
  }
  // The public client's request at fabrikam (profile mcp: RFC 9207 `iss` in every answer).
  http::Params fabrikam_request(std::map<std::string, std::string> changes = {}) {
    changes.emplace("client_id", client_id("caller"));
    changes.emplace("redirect_uri", "https://localhost/callback");
    changes.emplace("scope", "mcp.tools");
    changes.emplace("resource", fabrikam_resource());
    return connector_request(std::move(changes));
  }
  http::ClientResponse authorize(const http::Params& params, std::string_view tenant = kContoso) {
    return browser.get(idp::testing::authorize_path(tenant, params));
  }
  // alice signs in and approves the connector: the code of the final redirect.
  std::string connector_code() {
    auto answer = idp::testing::sign_in_for_code(
        browser, kContoso, connector_request(), "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
    return answer.get_or("code", "");
  }
  // The connector's token request for `code` with `verifier` (none when empty).
  http::Params connector_redemption(const std::string& code, const std::string& verifier) {
    http::Params form = {{"grant_type", "authorization_code"},
                         {"client_id", client_id("connector")},
                         {"client_secret", secret_of("connector")},
                         {"code", code},
                         {"redirect_uri", std::string(kConnectorRedirect)}};
    if (!verifier.empty()) form.add("code_verifier", verifier);
    return form;
  }
  WireReply post_form(const std::string& path, const http::Params& form) {
    http::ClientRequest request{
        .method = http::Method::post, .url = server.url() + path, .body = http::encode_form(form)};
    request.headers.set("Content-Type", "application/x-www-form-urlencoded");
    return https(ca(), std::move(request));
  }
  WireReply post_json_text(const std::string& path, std::string body) {
    http::ClientRequest request{
        .method = http::Method::post, .url = server.url() + path, .body = std::move(body)};
    request.headers.set("Content-Type", "application/json");
    return https(ca(), std::move(request));
  }

  // alice's access token for Foundry, as the caller app gets it: what OBO takes as assertion.
  std::string alice_foundry_token() {
    auto reply = post_form(token_path(), {{"grant_type", "password"},
                                          {"client_id", client_id("caller")},
                                          {"username", "alice@contoso.onmicrosoft.com"},
                                          {"password", "alice-Passw0rd!"},
                                          {"scope", "https://ai.azure.com/user_impersonation"}});
    EXPECT_EQ(reply.status, 200) << reply.text;
    return reply.body.value("access_token", "");
  }
  jose::TokenForge idp_forge() {
    return jose::TokenForge(
        server.on_server_thread([&] { return server.provider().keys().active(); }), server.clock());
  }
  // Foundry's on-behalf-of request for the MCP API with `assertion`.
  WireReply obo(const std::string& assertion) {
    return post_form(token_path(), {{"grant_type", std::string(idp::kGrantJwtBearer)},
                                    {"client_id", client_id("foundry")},
                                    {"client_secret", secret_of("foundry")},
                                    {"assertion", assertion},
                                    {"scope", "api://" + client_id("mcp-api") + "/.default"},
                                    {"requested_token_use", "on_behalf_of"}});
  }
  // alice's real Foundry token re-signed with the IdP's own key under `header`.
  std::string resigned_alice_token(const nlohmann::json& header) {
    return *idp_forge().custom(header, claims_of(alice_foundry_token()), jose::Alg::RS256);
  }
  // The certificate daemon's client_credentials request with `assertion`.
  WireReply daemon_with_assertion(const std::string& assertion) {
    return post_form(token_path(),
                     {{"grant_type", "client_credentials"},
                      {"client_id", client_id("daemon")},
                      {"client_assertion_type", std::string(idp::kJwtBearerAssertionType)},
                      {"client_assertion", assertion},
                      {"scope", "api://" + client_id("mcp-api") + "/.default"}});
  }
  nlohmann::json daemon_assertion_claims() {
    return jose::ClaimsBuilder()
        .issuer(client_id("daemon"))
        .subject(client_id("daemon"))
        .audience(server.url() + token_path())
        .valid_for(server.clock(), std::chrono::minutes(10))
        .random_jwt_id()
        .build();
  }

 private:
  static inline std::unique_ptr<UserFlowServer> shared_;
};

// An Entra error body: status, OAuth error and the one AADSTS code.
void expect_aad(const WireReply& reply, int status, std::string_view error, int code) {
  EXPECT_EQ(reply.status, status) << reply.text;
  EXPECT_EQ(reply.body.value("error", ""), error) << reply.text;
  EXPECT_EQ(reply.body.value("error_codes", nlohmann::json()), nlohmann::json::array({code}))
      << reply.text;
}

// The authorize endpoint shows an error page for a redirect URI it does not trust, and never
// redirects there.
void expect_redirect_refused(IdpAttack& t, const std::string& redirect_uri) {
  auto page = t.authorize(t.connector_request({{"redirect_uri", redirect_uri}}));
  EXPECT_EQ(page.status, 400) << page.body;
  EXPECT_FALSE(page.headers.has("location")) << idp::testing::location(page);
  EXPECT_NE(page.body.find("AADSTS50011"), std::string::npos) << page.body;
}

// An error redirected to the trusted redirect URI: OAuth error and AADSTS code.
void expect_redirected_error(const http::ClientResponse& response, std::string_view error,
                             int code) {
  ASSERT_EQ(response.status, 302) << response.body;
  auto params = redirect_params(response);
  EXPECT_EQ(params.get_or("error", ""), error);
  EXPECT_TRUE(
      params.get_or("error_description", "").starts_with("AADSTS" + std::to_string(code) + ":"))
      << params.get_or("error_description", "");
  EXPECT_EQ(params.get_or("state", ""), "state-1");
}

// A raw request answered by the HTTP layer: status and its invalid_request description.
void expect_wire_error(std::string_view raw, int status, std::string_view description) {
  EXPECT_EQ(status_of(raw), status) << raw;
  const auto body = json_body_of(raw);
  EXPECT_EQ(body.value("error", ""), "invalid_request") << raw;
  EXPECT_EQ(body.value("error_description", ""), description) << raw;
}

constexpr std::string_view kTokenHead =
    "POST /contoso.onmicrosoft.com/oauth2/v2.0/token HTTP/1.1\r\nHost: localhost\r\n"
    "Content-Type: application/x-www-form-urlencoded\r\n";

const IdpCase kCases[] = {
    // --- redirect_uri variants of the connector's https://localhost:4780/oauth/callback
    {"RedirectUriPrefixOfTheRegisteredOne",
     [](IdpAttack& t) { expect_redirect_refused(t, "https://localhost:4780/oauth/callbac"); }},
    {"RedirectUriExtendingTheRegisteredOne",
     [](IdpAttack& t) { expect_redirect_refused(t, "https://localhost:4780/oauth/callback/x"); }},
    {"RedirectUriPathInOtherCase",
     [](IdpAttack& t) { expect_redirect_refused(t, "https://localhost:4780/OAuth/Callback"); }},
    {"RedirectUriHostInOtherCase",
     [](IdpAttack& t) { expect_redirect_refused(t, "https://LOCALHOST:4780/oauth/callback"); }},
    {"RedirectUriTrailingSlash",
     [](IdpAttack& t) { expect_redirect_refused(t, "https://localhost:4780/oauth/callback/"); }},
    {"RedirectUriUserinfo",
     [](IdpAttack& t) {
       expect_redirect_refused(t, "https://attacker@localhost:4780/oauth/callback");
     }},
    {"RedirectUriFragment",
     [](IdpAttack& t) { expect_redirect_refused(t, "https://localhost:4780/oauth/callback#x"); }},
    {"RedirectUriOpenRedirectThroughUserinfoAuthority",
     [](IdpAttack& t) {
       expect_redirect_refused(t, "https://localhost:4780@evil.example/oauth/callback");
     }},
    {"RedirectUriOpenRedirectThroughQuery",
     [](IdpAttack& t) {
       expect_redirect_refused(t,
                               "https://localhost:4780/oauth/callback?next=https://evil.example");
     }},
    {"RedirectUriDotSegments",
     [](IdpAttack& t) {
       expect_redirect_refused(t, "https://localhost:4780/oauth/callback/../../evil");
     }},
    {"RedirectUriPercentEncodedSlash",
     [](IdpAttack& t) { expect_redirect_refused(t, "https://localhost:4780/oauth%2Fcallback"); }},
    {"RedirectUriPortDropped",
     [](IdpAttack& t) { expect_redirect_refused(t, "https://localhost/oauth/callback"); }},

    {"ErrorPageEscapesAScriptInTheRedirectUri",
     [](IdpAttack& t) {
       const std::string script = "<script>alert(1)</script>";
       auto page = t.authorize(t.connector_request(
           {{"redirect_uri", "https://localhost:4780/oauth/callback\"'>" + script}}));
       EXPECT_EQ(page.status, 400) << page.body;
       EXPECT_NE(page.body.find("AADSTS50011"), std::string::npos) << page.body;
       EXPECT_EQ(page.body.find(script), std::string::npos) << page.body;
     }},
    {"SignInPageEscapesAScriptInTheLoginHint",
     [](IdpAttack& t) {
       const std::string script = "<script>alert(1)</script>";
       auto page = t.authorize(t.connector_request({{"login_hint", "\"'>" + script}}));
       EXPECT_EQ(page.status, 200) << page.body;
       EXPECT_EQ(page.body.find(script), std::string::npos) << page.body;
     }},
    {"StateWithCrlfCannotInjectAHeader",
     [](IdpAttack& t) {
       auto answer = t.authorize(t.connector_request(
           {{"prompt", "bogus"}, {"state", "x\r\nSet-Cookie: pwned=1\r\n\r\n<html>"}}));
       ASSERT_EQ(answer.status, 302) << answer.body;
       for (auto cookie : answer.headers.get_all("set-cookie"))
         EXPECT_EQ(cookie.find("pwned"), std::string_view::npos) << cookie;
       EXPECT_EQ(redirect_params(answer).get_or("state", ""),
                 "x\r\nSet-Cookie: pwned=1\r\n\r\n<html>");
     }},
    {"InstanceDiscoveryForAnotherHost",
     [](IdpAttack& t) {
       auto reply = https(
           t.ca(), {.method = http::Method::get,
                    .url = t.server.url() +
                           "/common/discovery/instance?api-version=1.1&authorization_endpoint="
                           "https%3A%2F%2Fevil.example%2Fcommon%2Foauth2%2Fv2.0%2Fauthorize"});
       EXPECT_EQ(reply.status, 400) << reply.text;
       EXPECT_EQ(reply.body.value("error", ""), "invalid_instance") << reply.text;
     }},

    // --- PKCE
    {"PkceDowngradeByOmittingTheMethod",
     [](IdpAttack& t) {
       // RFC 7636: no method means plain, which S256-only tenants refuse.
       expect_redirected_error(t.authorize(t.connector_request({{"code_challenge", t.pkce.verifier},
                                                                {"code_challenge_method", ""}})),
                               "invalid_request", 50149);
     }},
    {"PkceDowngradeByLowercaseMethod",
     [](IdpAttack& t) {
       expect_redirected_error(
           t.authorize(t.connector_request({{"code_challenge_method", "s256"}})), "invalid_request",
           50149);
     }},
    {"PkceMissingVerifierFromAConfidentialClient",
     [](IdpAttack& t) {
       // A client secret does not stand in for the verifier.
       const auto form = t.connector_redemption(t.connector_code(), "");
       expect_aad(t.post_form(t.token_path(), form), 400, "invalid_grant", 501481);
     }},
    {"PkceVerifierOfAnotherAuthorization",
     [](IdpAttack& t) {
       const auto form = t.connector_redemption(t.connector_code(), Pkce().verifier);
       expect_aad(t.post_form(t.token_path(), form), 400, "invalid_grant", 501481);
     }},

    // --- codes and refresh tokens
    {"CodeReplayByAConfidentialClient",
     [](IdpAttack& t) {
       const auto form = t.connector_redemption(t.connector_code(), t.pkce.verifier);
       auto first = t.post_form(t.token_path(), form);
       ASSERT_EQ(first.status, 200) << first.text;
       expect_aad(t.post_form(t.token_path(), form), 400, "invalid_grant", 54005);
       // The replay revokes what the code gave (RFC 6749 §4.1.2).
       auto refresh = t.post_form(t.token_path(), {{"grant_type", "refresh_token"},
                                                   {"client_id", t.client_id("connector")},
                                                   {"client_secret", t.secret_of("connector")},
                                                   {"refresh_token", first.body["refresh_token"]}});
       expect_aad(refresh, 400, "invalid_grant", 50173);
     }},
    {"CodeRedeemedThroughTheV1Endpoint",
     [](IdpAttack& t) {
       // A replay through the other token endpoint is still a replay.
       const auto form = t.connector_redemption(t.connector_code(), t.pkce.verifier);
       ASSERT_EQ(t.post_form(t.token_path(), form).status, 200);
       expect_aad(t.post_form("/contoso.onmicrosoft.com/oauth2/token", form), 400, "invalid_grant",
                  54005);
     }},
    {"RefreshTokenReuseThroughTheV1Endpoint",
     [](IdpAttack& t) {
       // fabrikam rotates strictly: a rotated-out token coming back, by whichever endpoint,
       // is reuse and revokes the family.
       t.server.on_server_thread([&] {
         auto& idp = t.server.provider();
         const auto& d = idp.directory();
         idp.consents().grant(*d.application_named("caller"), *d.application_named("fabrikam-mcp"),
                              *d.user_named("carol"), {"mcp.tools"});
       });
       const auto fabrikam_token = "/" + std::string(kFabrikam) + "/oauth2/v2.0/token";
       auto issued = t.post_form(fabrikam_token, {{"grant_type", "password"},
                                                  {"client_id", t.client_id("caller")},
                                                  {"username", "carol@fabrikam.onmicrosoft.com"},
                                                  {"password", "carol-Passw0rd!"},
                                                  {"scope", "mcp.tools offline_access"},
                                                  {"resource", t.fabrikam_resource()}});
       ASSERT_EQ(issued.status, 200) << issued.text;
       const http::Params refresh = {{"grant_type", "refresh_token"},
                                     {"client_id", t.client_id("caller")},
                                     {"refresh_token", issued.body["refresh_token"]}};
       auto rotated = t.post_form(fabrikam_token, refresh);
       ASSERT_EQ(rotated.status, 200) << rotated.text;
       expect_aad(t.post_form("/" + std::string(kFabrikam) + "/oauth2/token", refresh), 400,
                  "invalid_grant", 50173);
       auto newest = http::Params{{"grant_type", "refresh_token"},
                                  {"client_id", t.client_id("caller")},
                                  {"refresh_token", rotated.body["refresh_token"]}};
       expect_aad(t.post_form(fabrikam_token, newest), 400, "invalid_grant", 50173);
     }},

    // --- mix-up: RFC 9207 `iss` in every authorization response of an mcp-profile tenant
    {"MixUpIssuerInAnErrorRedirect",
     [](IdpAttack& t) {
       auto answer = t.authorize(t.fabrikam_request({{"prompt", "bogus"}}), kFabrikam);
       expect_redirected_error(answer, "invalid_request", 90014);
       EXPECT_EQ(redirect_params(answer).get_or("iss", ""),
                 t.server.url() + "/" + std::string(kFabrikamId) + "/v2.0");
     }},
    {"MixUpIssuerInAFormPostError",
     [](IdpAttack& t) {
       auto page = t.authorize(
           t.fabrikam_request({{"prompt", "bogus"}, {"response_mode", "form_post"}}), kFabrikam);
       EXPECT_EQ(page.status, 200) << page.body;
       EXPECT_EQ(input_value(page.body, "error"), "invalid_request");
       EXPECT_EQ(input_value(page.body, "state"), "state-1");
       EXPECT_EQ(input_value(page.body, "iss"),
                 t.server.url() + "/" + std::string(kFabrikamId) + "/v2.0");
     }},
    {"MixUpIssuerEqualsTheMetadataIssuer",
     [](IdpAttack& t) {
       auto metadata =
           https(t.ca(), {.method = http::Method::get,
                          .url = t.server.url() + "/.well-known/oauth-authorization-server/" +
                                 std::string(kFabrikamId) + "/v2.0"});
       ASSERT_EQ(metadata.status, 200) << metadata.text;
       EXPECT_EQ(metadata.body["authorization_response_iss_parameter_supported"], true);
       auto answer = t.authorize(t.fabrikam_request({{"response_type", "token"}}), kFabrikam);
       ASSERT_EQ(answer.status, 302);
       EXPECT_EQ(redirect_params(answer).get_or("iss", ""), metadata.body["issuer"]);
     }},

    // --- forged assertions: on-behalf-of takes an IdP-issued access token
    {"OboAssertionAlgNone",
     [](IdpAttack& t) {
       expect_aad(t.obo(*t.idp_forge().alg_none(claims_of(t.alice_foundry_token()))), 400,
                  "invalid_grant", 50013);
     }},
    {"OboAssertionHs256KeyConfusion",
     [](IdpAttack& t) {
       expect_aad(t.obo(*t.idp_forge().hs256_with_public_key(claims_of(t.alice_foundry_token()))),
                  400, "invalid_grant", 50013);
     }},
    {"OboAssertionKidPathTraversal",
     [](IdpAttack& t) {
       expect_aad(t.obo(t.resigned_alice_token(
                      {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "../../../../../../etc/passwd"}})),
                  400, "invalid_grant", 50013);
     }},
    {"OboAssertionKidSqlInjection",
     [](IdpAttack& t) {
       expect_aad(t.obo(t.resigned_alice_token(
                      {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "x' OR '1'='1' --"}})),
                  400, "invalid_grant", 50013);
     }},
    {"OboAssertionJkuIgnored",
     [](IdpAttack& t) {
       auto& attacker = AttackerKeyHost::shared();
       const auto token = *jose::TokenForge(attacker.key(), t.server.clock())
                               .custom({{"alg", "RS256"},
                                        {"typ", "JWT"},
                                        {"kid", attacker.key().kid},
                                        {"jku", attacker.jwks_url()}},
                                       claims_of(t.alice_foundry_token()), jose::Alg::RS256);
       expect_aad(t.obo(token), 400, "invalid_grant", 50013);
       EXPECT_EQ(attacker.fetches, 0);
     }},
    {"OboAssertionX5uIgnored",
     [](IdpAttack& t) {
       auto& attacker = AttackerKeyHost::shared();
       const auto token = *jose::TokenForge(attacker.key(), t.server.clock())
                               .custom({{"alg", "RS256"},
                                        {"typ", "JWT"},
                                        {"kid", attacker.key().kid},
                                        {"x5u", attacker.certificate_url()}},
                                       claims_of(t.alice_foundry_token()), jose::Alg::RS256);
       expect_aad(t.obo(token), 400, "invalid_grant", 50013);
       EXPECT_EQ(attacker.fetches, 0);
     }},

    // --- forged client assertions (private_key_jwt of the certificate daemon)
    {"ClientAssertionJkuIgnored",
     [](IdpAttack& t) {
       auto& attacker = AttackerKeyHost::shared();
       const auto assertion = *jose::TokenForge(attacker.key(), t.server.clock())
                                   .custom({{"alg", "RS256"},
                                            {"typ", "JWT"},
                                            {"x5t", attacker.key().certificate.x5t()},
                                            {"jku", attacker.jwks_url()}},
                                           t.daemon_assertion_claims(), jose::Alg::RS256);
       expect_aad(t.daemon_with_assertion(assertion), 401, "invalid_client", 700027);
       EXPECT_EQ(attacker.fetches, 0);
     }},
    {"ClientAssertionX5uIgnored",
     [](IdpAttack& t) {
       auto& attacker = AttackerKeyHost::shared();
       const auto assertion = *jose::TokenForge(attacker.key(), t.server.clock())
                                   .custom({{"alg", "RS256"},
                                            {"typ", "JWT"},
                                            {"x5t", attacker.key().certificate.x5t()},
                                            {"x5u", attacker.certificate_url()}},
                                           t.daemon_assertion_claims(), jose::Alg::RS256);
       expect_aad(t.daemon_with_assertion(assertion), 401, "invalid_client", 700027);
       EXPECT_EQ(attacker.fetches, 0);
     }},
    {"ClientAssertionKidPathTraversal",
     [](IdpAttack& t) {
       auto& attacker = AttackerKeyHost::shared();
       const auto assertion =
           *jose::TokenForge(attacker.key(), t.server.clock())
                .custom({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "../../../../../../dev/null"}},
                        t.daemon_assertion_claims(), jose::Alg::RS256);
       expect_aad(t.daemon_with_assertion(assertion), 401, "invalid_client", 700027);
     }},

    // --- the wire
    {"OversizedHeaders",
     [](IdpAttack& t) {
       auto c = t.raw();
       c.send(std::string(kTokenHead) + "X-Pad: " + std::string(17 * 1024, 'a') +
              "\r\nContent-Length: 0\r\n\r\n");
       expect_wire_error(c.read_until_closed(), 431, "request header fields too large");
     }},
    {"OversizedBody",
     [](IdpAttack& t) {
       // Refused on the declared length, before the body is read.
       auto c = t.raw();
       c.send(std::string(kTokenHead) + "Content-Length: 5000000\r\n\r\ngrant_type=");
       expect_wire_error(c.read_until_closed(), 413, "request body too large");
     }},
    {"SmugglingContentLengthWithTransferEncoding",
     [](IdpAttack& t) {
       auto c = t.raw();
       c.send(std::string(kTokenHead) +
              "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
              "GET /_admin/healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
       const auto raw = c.read_until_closed();
       expect_wire_error(raw, 400, "malformed HTTP request: bad Transfer-Encoding");
       EXPECT_EQ(raw.find("HTTP/1.1", 1), std::string::npos) << "one response only: " << raw;
     }},
    {"SmugglingDuplicateContentLength",
     [](IdpAttack& t) {
       auto c = t.raw();
       c.send(std::string(kTokenHead) + "Content-Length: 0\r\nContent-Length: 45\r\n\r\n" +
              "GET /_admin/healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
       const auto raw = c.read_until_closed();
       expect_wire_error(raw, 400, "malformed HTTP request: multiple Content-Length");
       EXPECT_EQ(raw.find("HTTP/1.1", 1), std::string::npos) << "one response only: " << raw;
     }},
    {"SmugglingObsFoldedTransferEncoding",
     [](IdpAttack& t) {
       // A proxy that does not unfold sees no Transfer-Encoding and takes the chunked body
       // for the next request: obs-fold is refused, not unfolded (RFC 9112 §5.2).
       auto c = t.raw();
       c.send(std::string(kTokenHead) +
              "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n"
              "GET /_admin/healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
       const auto raw = c.read_until_closed();
       expect_wire_error(raw, 400, "obsolete line folding in the header");
       EXPECT_EQ(raw.find("HTTP/1.1", 1), std::string::npos) << "one response only: " << raw;
     }},
    {"SlowlorisHeadersByteByByte",
     [](IdpAttack& t) {
       auto c = t.raw();
       expect_slowloris_cut_off(c, std::string(kTokenHead) + "X-Slow: " + std::string(100, 'a'),
                                kReadTimeout);
     }},
    {"InvalidUtf8InAFormValue",
     [](IdpAttack& t) {
       auto c = t.raw();
       const std::string form = "grant_type=client_credentials&client_id=%FF%FE%80&scope=x";
       c.send(std::string(kTokenHead) + "Content-Length: " + std::to_string(form.size()) +
              "\r\nConnection: close\r\n\r\n" + form);
       // An unknown client like any other, and the answer stays valid UTF-8 JSON.
       const auto raw = c.read_until_closed();
       EXPECT_EQ(status_of(raw), 400) << raw;
       const auto body = json_body_of(raw);
       ASSERT_TRUE(body.is_object()) << raw;
       EXPECT_EQ(body.value("error", ""), "unauthorized_client") << raw;
       EXPECT_EQ(body.value("error_codes", nlohmann::json()), nlohmann::json::array({700016}));
     }},
    {"FormWithAHundredThousandDistinctParameters",
     [](IdpAttack& t) {
       // A repeated parameter is looked for in linear time: comparing every pair of these
       // (and the 4 MiB a body may hold) held the single-threaded server for minutes.
       std::string form = "grant_type=client_credentials";
       for (int i = 0; form.size() < 1024 * 1024; ++i) form += "&p" + std::to_string(i) + "=";
       auto c = t.raw();
       c.send(std::string(kTokenHead) + "Content-Length: " + std::to_string(form.size()) +
              "\r\nConnection: close\r\n\r\n" + form);
       const auto raw = c.read_until_closed(std::chrono::seconds(10));
       EXPECT_EQ(status_of(raw), 400) << raw.substr(0, 300);
       EXPECT_EQ(json_body_of(raw).value("error", ""), "invalid_request") << raw.substr(0, 600);
     }},
    {"InvalidUtf8InRegistrationJson",
     [](IdpAttack& t) {
       auto reply = t.post_json_text("/" + std::string(kFabrikam) + "/oauth2/v2.0/register",
                                     "{\"redirect_uris\":[\"https://localhost/\xff\xfe\"]}");
       EXPECT_EQ(reply.status, 400) << reply.text;
       EXPECT_EQ(reply.body.value("error", ""), "invalid_client_metadata") << reply.text;
     }},
    {"DeeplyNestedRegistrationJson",
     [](IdpAttack& t) {
       auto reply = t.post_json_text(
           "/" + std::string(kFabrikam) + "/oauth2/v2.0/register",
           "{\"redirect_uris\":" + std::string(100000, '[') + std::string(100000, ']') + "}");
       EXPECT_EQ(reply.status, 400) << reply.text;
       EXPECT_EQ(reply.body.value("error", ""), "invalid_client_metadata") << reply.text;
     }},
    {"AdminPlaneFromANonLoopbackAddressWithoutAKey",
     [](IdpAttack&) {
       // 127.0.0.0/8 is all loopback to the admin plane, so the server listens on a real
       // interface address and the request comes from it.
       const auto address = non_loopback_address();
       if (!address) GTEST_SKIP() << "this machine has no non-loopback IPv4 address";
       UserFlowServer exposed([&](idp::IdpServerOptions& o) { o.host = *address; });
       const auto& url = exposed.url();
       const auto port = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
       for (const auto* path : {"/_admin/healthz", "/_admin/journal", "/_admin/state"}) {
         RawTls c(*address, port, exposed.ca_file());
         c.send("GET " + std::string(path) +
                " HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 127.0.0.1\r\n"
                "Connection: close\r\n\r\n");
         const auto raw = c.read_until_closed();
         EXPECT_EQ(status_of(raw), 403) << raw;
         EXPECT_EQ(json_body_of(raw).value("error", ""), "admin_forbidden") << raw;
       }
       // The STS itself still serves that address.
       RawTls c(*address, port, exposed.ca_file());
       c.send("GET /" + std::string(kContoso) +
              "/v2.0/.well-known/openid-configuration HTTP/1.1\r\nHost: localhost\r\n"
              "Connection: close\r\n\r\n");
       EXPECT_EQ(status_of(c.read_until_closed()), 200);
     }},
};

TEST_P(IdpAttack, IsRefusedAndTheServerStaysHealthy) {
  GetParam().run(*this);
  expect_healthy(server.url(), ca());
  // A normal request still works too.
  auto discovery = https(ca(), {.method = http::Method::get,
                                .url = server.url() + "/" + std::string(kContoso) +
                                       "/v2.0/.well-known/openid-configuration"});
  EXPECT_EQ(discovery.status, 200) << discovery.text;
}

INSTANTIATE_TEST_SUITE_P(Corpus, IdpAttack, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<IdpCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace toolauth::attacks
