// Client authentication at the token endpoint, over HTTPS against a running IdpServer: client
// secrets in the body and in HTTP Basic, certificate assertions (RS256/PS256, named by kid,
// x5t or x5t#S256), and the attacks on each.

#include "toolauth/idp/client_auth.h"

#include <gtest/gtest.h>

#include "idp_fixture.h"
#include "toolauth/jose/claims.h"
#include "toolauth/jose/forge.h"

namespace toolauth::idp {
namespace {

using testing::basic_credentials;
using testing::expect_aad_error;
using testing::IdpInstance;
using testing::kDaemonSecret;

class ClientAuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    key_ = std::make_unique<jose::SigningKey>(*jose::SigningKey::generate_rsa(clock_));
    idp_ = std::make_unique<IdpInstance>(testing::IdpInstanceOptions{
        .fixtures = testing::test_fixtures(key_->certificate.to_pem())});
  }
  static void TearDownTestSuite() {
    idp_.reset();
    key_.reset();
  }

  const IdpInstance& idp() const { return *idp_; }
  std::string daemon_id() const { return idp().client("test-daemon")["client_id"]; }
  std::string mcp_api_scope() const {
    return testing::named(idp().world()["resources"], "mcp-api")["app_id_uri"].get<std::string>() +
           "/.default";
  }
  std::string token_url() const { return idp().url() + idp().endpoint_path("contoso"); }

  // Valid assertion claims of the daemon for `aud` (default: the token endpoint called).
  nlohmann::json assertion_claims(std::string aud = {}) const {
    return jose::ClaimsBuilder()
        .issuer(daemon_id())
        .subject(daemon_id())
        .audience(aud.empty() ? token_url() : aud)
        .valid_for(clock_, std::chrono::minutes(10))
        .random_jwt_id()
        .build();
  }
  jose::TokenForge forge() const { return jose::TokenForge(*key_, clock_); }

  testing::Reply with_secret(const std::string& client_id, const std::string& secret) const {
    return idp().post_form(idp().endpoint_path("contoso"), {{"grant_type", "client_credentials"},
                                                            {"client_id", client_id},
                                                            {"client_secret", secret},
                                                            {"scope", mcp_api_scope()}});
  }
  testing::Reply with_assertion(const std::string& assertion) const {
    return idp().post_form(idp().endpoint_path("contoso"),
                           {{"grant_type", "client_credentials"},
                            {"client_id", daemon_id()},
                            {"client_assertion_type", std::string(kJwtBearerAssertionType)},
                            {"client_assertion", assertion},
                            {"scope", mcp_api_scope()}});
  }
  nlohmann::json claims_of(const testing::Reply& reply) const {
    auto verified = idp().verify("contoso", reply.body.value("access_token", ""));
    EXPECT_TRUE(verified.ok()) << (verified.ok() ? "" : verified.error().message());
    return verified.ok() ? verified->claims : nlohmann::json::object();
  }

  static inline core::SystemClock clock_;
  static inline std::unique_ptr<jose::SigningKey> key_;
  static inline std::unique_ptr<IdpInstance> idp_;
};

TEST_F(ClientAuthTest, SecretInBodyIssuesAnAppToken) {
  const auto foundry = idp().client("foundry");
  const auto reply = with_secret(foundry["client_id"], foundry["client_secret"]);
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["token_type"], "Bearer");
  EXPECT_EQ(reply.body["expires_in"], 3600);
  EXPECT_EQ(reply.body["ext_expires_in"], 3600);
  // Entra sends no scope, refresh token or ID token for client credentials.
  EXPECT_FALSE(reply.body.contains("scope"));
  EXPECT_FALSE(reply.body.contains("refresh_token"));
  EXPECT_FALSE(reply.body.contains("id_token"));
  EXPECT_EQ(reply.headers.get("cache-control").value_or(""), "no-store, no-cache");

  const auto claims = claims_of(reply);
  const auto mcp_api = testing::named(idp().world()["resources"], "mcp-api");
  EXPECT_EQ(claims["aud"], mcp_api["client_id"]);
  EXPECT_EQ(claims["azp"], foundry["client_id"]);
  EXPECT_EQ(claims["azpacr"], "1");
  EXPECT_EQ(claims["idtyp"], "app");
  EXPECT_EQ(claims["tid"], idp().tenant_id("contoso"));
  EXPECT_EQ(claims["roles"], nlohmann::json::array({"Tools.Invoke.All"}));
  EXPECT_EQ(claims["ver"], "2.0");
}

TEST_F(ClientAuthTest, SecretInHttpBasicIsFormDecoded) {
  // The secret holds ':', '+', '/', '%', '&', '=' and spaces: RFC 6749 §2.3.1 form-encodes
  // both parts before base64, so a server that skips the decoding refuses this client.
  http::Headers headers;
  headers.set("Authorization", basic_credentials(daemon_id(), kDaemonSecret));
  const auto reply =
      idp().post_form(idp().endpoint_path("contoso"),
                      {{"grant_type", "client_credentials"}, {"scope", mcp_api_scope()}}, headers);
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(claims_of(reply)["azp"], daemon_id());
}

TEST_F(ClientAuthTest, EveryResponseIsAFreshlySignedToken) {
  const auto first = with_secret(daemon_id(), std::string(kDaemonSecret));
  const auto second = with_secret(daemon_id(), std::string(kDaemonSecret));
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(second.status, 200);
  EXPECT_NE(first.body["access_token"], second.body["access_token"]);
  EXPECT_NE(claims_of(first)["uti"], claims_of(second)["uti"]);
}

TEST_F(ClientAuthTest, CertificateAssertionRs256NamedByKid) {
  // MSAL's shape: kid = the certificate's x5t.
  const auto reply = with_assertion(*key_->sign(assertion_claims()));
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(claims_of(reply)["azpacr"], "2");
}

TEST_F(ClientAuthTest, CertificateAssertionRs256NamedByX5t) {
  const auto assertion =
      forge().custom({{"alg", "RS256"}, {"typ", "JWT"}, {"x5t", key_->certificate.x5t()}},
                     assertion_claims(), jose::Alg::RS256);
  const auto reply = with_assertion(*assertion);
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(claims_of(reply)["azpacr"], "2");
}

TEST_F(ClientAuthTest, CertificateAssertionPs256NamedByX5tS256) {
  const auto assertion =
      forge().custom({{"alg", "PS256"}, {"typ", "JWT"}, {"x5t#S256", key_->certificate.x5t_s256()}},
                     assertion_claims(), jose::Alg::PS256);
  const auto reply = with_assertion(*assertion);
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(claims_of(reply)["azpacr"], "2");
}

TEST_F(ClientAuthTest, AssertionMayNameTheTenantByDomain) {
  const auto aud = idp().url() + "/contoso.onmicrosoft.com/oauth2/v2.0/token";
  const auto reply = with_assertion(*key_->sign(assertion_claims(aud)));
  EXPECT_EQ(reply.status, 200) << reply.text;
}

TEST_F(ClientAuthTest, WrongSecretIsRejected) {
  const auto reply = with_secret(daemon_id(), "not-the-secret");
  expect_aad_error(reply, 401, "invalid_client", 7000215);
  EXPECT_FALSE(reply.headers.get("www-authenticate").has_value());
}

TEST_F(ClientAuthTest, WrongSecretOverHttpBasicGetsABasicChallenge) {
  http::Headers headers;
  headers.set("Authorization", basic_credentials(daemon_id(), "not-the-secret"));
  const auto reply =
      idp().post_form(idp().endpoint_path("contoso"),
                      {{"grant_type", "client_credentials"}, {"scope", mcp_api_scope()}}, headers);
  expect_aad_error(reply, 401, "invalid_client", 7000215);
  EXPECT_EQ(reply.headers.get("www-authenticate").value_or(""), "Basic realm=\"toolauth\"");
}

TEST_F(ClientAuthTest, UnknownClientIsRejected) {
  const auto reply = with_secret("0d2c4f6e-8a1b-4c3d-9e5f-7a6b5c4d3e2f", "anything");
  expect_aad_error(reply, 400, "unauthorized_client", 700016);
}

TEST_F(ClientAuthTest, SecretAndAssertionTogetherAreRejected) {
  // RFC 6749 §2.3: one authentication method per request, or a server may check the weak one.
  const auto reply =
      idp().post_form(idp().endpoint_path("contoso"),
                      {{"grant_type", "client_credentials"},
                       {"client_id", daemon_id()},
                       {"client_secret", std::string(kDaemonSecret)},
                       {"client_assertion_type", std::string(kJwtBearerAssertionType)},
                       {"client_assertion", *key_->sign(assertion_claims())},
                       {"scope", mcp_api_scope()}});
  expect_aad_error(reply, 400, "invalid_request", 90014);
}

TEST_F(ClientAuthTest, HttpBasicPlusBodySecretIsRejected) {
  http::Headers headers;
  headers.set("Authorization", basic_credentials(daemon_id(), kDaemonSecret));
  const auto reply = idp().post_form(idp().endpoint_path("contoso"),
                                     {{"grant_type", "client_credentials"},
                                      {"client_secret", std::string(kDaemonSecret)},
                                      {"scope", mcp_api_scope()}},
                                     headers);
  expect_aad_error(reply, 400, "invalid_request", 90014);
}

TEST_F(ClientAuthTest, AssertionReplayedByJtiIsRejected) {
  const auto assertion = *key_->sign(assertion_claims());
  ASSERT_EQ(with_assertion(assertion).status, 200);
  expect_aad_error(with_assertion(assertion), 401, "invalid_client", 50013);
}

TEST_F(ClientAuthTest, AssertionForAnotherAudienceIsRejected) {
  expect_aad_error(with_assertion(*key_->sign(assertion_claims("https://evil.example/token"))), 401,
                   "invalid_client", 700027);
  // Another tenant's token endpoint on this very server is another audience too.
  const auto fabrikam = idp().url() + idp().endpoint_path("fabrikam");
  expect_aad_error(with_assertion(*key_->sign(assertion_claims(fabrikam))), 401, "invalid_client",
                   700027);
}

TEST_F(ClientAuthTest, ExpiredAssertionIsRejected) {
  // An hour past exp: well beyond the five minutes of skew the IdP forgives.
  expect_aad_error(with_assertion(*forge().expired(assertion_claims())), 401, "invalid_client",
                   700024);
}

TEST_F(ClientAuthTest, AssertionSignedByAnUnregisteredKeyIsRejected) {
  // Under the registered certificate's kid, signed by another key.
  expect_aad_error(with_assertion(*forge().signed_by_other_key(assertion_claims())), 401,
                   "invalid_client", 700027);
  // Naming a certificate that was never registered.
  const auto stranger = *jose::SigningKey::generate_rsa(clock_);
  expect_aad_error(with_assertion(*stranger.sign(assertion_claims())), 401, "invalid_client",
                   700027);
}

TEST_F(ClientAuthTest, AlgNoneAssertionIsRejected) {
  for (const auto* spelling : {"none", "None", "NONE"}) {
    expect_aad_error(with_assertion(*forge().alg_none(assertion_claims(), spelling)), 401,
                     "invalid_client", 700027);
  }
}

TEST_F(ClientAuthTest, Hs256AssertionMacedWithThePublicKeyIsRejected) {
  expect_aad_error(with_assertion(*forge().hs256_with_public_key(assertion_claims())), 401,
                   "invalid_client", 700027);
}

TEST_F(ClientAuthTest, AssertionWithAnotherAssertionTypeIsRejected) {
  const auto reply = idp().post_form(
      idp().endpoint_path("contoso"),
      {{"grant_type", "client_credentials"},
       {"client_id", daemon_id()},
       {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"},
       {"client_assertion", *key_->sign(assertion_claims())},
       {"scope", mcp_api_scope()}});
  expect_aad_error(reply, 400, "invalid_request", 90014);
}

TEST_F(ClientAuthTest, AssertionImpersonatingAnotherClientIsRejected) {
  // Signed with the daemon's registered key, but claiming to be foundry: foundry holds no
  // certificate, and no key the IdP trusts for federated credentials signed it.
  const std::string foundry = idp().client("foundry")["client_id"];
  auto claims = assertion_claims();
  claims["iss"] = foundry;
  claims["sub"] = foundry;
  const auto reply =
      idp().post_form(idp().endpoint_path("contoso"),
                      {{"grant_type", "client_credentials"},
                       {"client_id", foundry},
                       {"client_assertion_type", std::string(kJwtBearerAssertionType)},
                       {"client_assertion", *key_->sign(claims)},
                       {"scope", mcp_api_scope()}});
  expect_aad_error(reply, 401, "invalid_client", 700027);
}

}  // namespace
}  // namespace toolauth::idp
