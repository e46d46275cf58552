#include "toolauth/idp/token_factory.h"

#include <gtest/gtest.h>

#include "test_world.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/verifier.h"

namespace toolauth::idp {
namespace {

using namespace std::chrono_literals;

class TokenFactoryTest : public ::testing::Test {
 protected:
  core::ManualClock clock_;
  Directory d_ = testing::default_directory();
  KeyRing keys_ = *KeyRing::generate(clock_);
  TokenFactory factory_{keys_, clock_, "https://localhost:4781"};
  const Tenant& contoso() { return *d_.tenant_named("contoso"); }

  nlohmann::json verified_claims(const std::string& token, const std::string& issuer) {
    auto verifier =
        jose::Verifier::builder()
            .allow(jose::Alg::RS256)
            .keys(std::shared_ptr<const jose::KeyResolver>(&keys_, [](const jose::KeyResolver*) {}))
            .issuer(issuer)
            .any_audience()
            .clock(clock_)
            .build();
    auto verified = verifier->verify(token);
    EXPECT_TRUE(verified.ok()) << verified.error().message();
    return verified.ok() ? verified->claims : nlohmann::json();
  }
};

TEST_F(TokenFactoryTest, DelegatedV2TokenHasEntrasClaims) {
  const auto* alice = d_.user_named("alice");
  const auto* api = d_.application_named("mcp-api");
  const auto* caller = d_.application_named("caller");
  AccessTokenRequest r{.tenant = &contoso(),
                       .client_id = caller->client_id,
                       .user = alice,
                       .resource = api,
                       .resource_identifier = "api://" + api->client_id,
                       .scopes = {"Tools.Read", "Tools.Invoke"},
                       .roles = {"Tools.Admin"},
                       .lifetime = 600s};
  auto token = factory_.access_token(r);
  ASSERT_TRUE(token.ok());
  const auto claims = verified_claims(token->token, factory_.issuer_v2(contoso()));
  EXPECT_EQ(claims["aud"], api->client_id);  // v2: always the API's client id
  EXPECT_EQ(claims["iss"], "https://localhost:4781/" + contoso().id + "/v2.0");
  EXPECT_EQ(claims["ver"], "2.0");
  EXPECT_EQ(claims["azp"], caller->client_id);
  EXPECT_EQ(claims["azpacr"], "0");
  EXPECT_EQ(claims["oid"], alice->oid);
  EXPECT_EQ(claims["tid"], contoso().id);
  EXPECT_EQ(claims["scp"], "Tools.Read Tools.Invoke");
  EXPECT_EQ(claims["roles"], nlohmann::json({"Tools.Admin"}));
  EXPECT_EQ(claims["preferred_username"], alice->username);
  EXPECT_EQ(claims["idtyp"], "user");
  EXPECT_EQ(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>(), 600);
  EXPECT_EQ(claims["uti"], token->uti);
  EXPECT_FALSE(claims.contains("jti"));  // Entra access tokens carry uti, not jti
  EXPECT_EQ(claims["sub"], TokenFactory::pairwise_subject(alice->oid, caller->client_id));
}

TEST_F(TokenFactoryTest, V1TokenUsesTheRequestedIdentifierAndTheV1Issuer) {
  const auto* foundry = d_.application_named("foundry");
  AccessTokenRequest r{.tenant = &contoso(),
                       .client_id = d_.application_named("caller")->client_id,
                       .user = d_.user_named("bob"),
                       .resource = foundry,
                       .resource_identifier = "https://ai.azure.com",
                       .scopes = {"user_impersonation"}};
  auto token = factory_.access_token(r);
  const auto claims = verified_claims(token->token, factory_.issuer_v1(contoso()));
  EXPECT_EQ(claims["aud"], "https://ai.azure.com");
  EXPECT_EQ(claims["ver"], "1.0");
  EXPECT_TRUE(claims.contains("appid"));
  EXPECT_EQ(claims["upn"], d_.user_named("bob")->username);
  EXPECT_EQ(jose::decode_jwt(token->token)->header["x5t"], keys_.active().kid);
}

TEST_F(TokenFactoryTest, AppOnlyTokenNamesTheServicePrincipal) {
  const auto* api = d_.application_named("mcp-api");
  AccessTokenRequest r{.tenant = &contoso(),
                       .client_id = "client",
                       .client_auth = ClientAuthLevel::certificate,
                       .app_object_id = "sp-oid",
                       .resource = api,
                       .resource_identifier = api->client_id,
                       .roles = {"Tools.Invoke.All"}};
  const auto claims =
      verified_claims(factory_.access_token(r)->token, factory_.issuer_v2(contoso()));
  EXPECT_EQ(claims["oid"], "sp-oid");
  EXPECT_EQ(claims["sub"], "sp-oid");
  EXPECT_EQ(claims["idtyp"], "app");
  EXPECT_EQ(claims["azpacr"], "2");
  EXPECT_FALSE(claims.contains("scp"));
}

TEST_F(TokenFactoryTest, McpProfileAddsRfc9068ClaimsAndResourceAudience) {
  const auto* fabrikam = d_.tenant_named("fabrikam");
  AccessTokenRequest r{.tenant = fabrikam,
                       .client_id = "dyn-client",
                       .user = d_.user_named("carol"),
                       .resource = d_.application_named("fabrikam-mcp"),
                       .audience = std::string("https://localhost:4783/mcp/bearer-fabrikam"),
                       .scopes = {"mcp.tools"}};
  auto token = factory_.access_token(r);
  const auto claims = verified_claims(token->token, factory_.issuer_v2(*fabrikam));
  EXPECT_EQ(claims["aud"], "https://localhost:4783/mcp/bearer-fabrikam");
  EXPECT_EQ(claims["jti"], token->uti);
  EXPECT_EQ(claims["client_id"], "dyn-client");
  EXPECT_EQ(claims["scope"], "mcp.tools");
}

TEST_F(TokenFactoryTest, EveryTokenIsFresh) {
  AccessTokenRequest r{.tenant = &contoso(),
                       .client_id = "c",
                       .app_object_id = "o",
                       .resource = d_.application_named("mcp-api")};
  auto a = factory_.access_token(r);
  auto b = factory_.access_token(r);
  EXPECT_NE(a->token, b->token);
  EXPECT_NE(a->uti, b->uti);
}

TEST_F(TokenFactoryTest, IdTokenCarriesNonceAndClientAudience) {
  IdTokenRequest r{.tenant = &contoso(),
                   .client_id = "client-1",
                   .user = d_.user_named("alice"),
                   .nonce = "n-123",
                   .session_id = "sid-1",
                   .include_email = true};
  const auto claims = verified_claims(factory_.id_token(r)->token, factory_.issuer_v2(contoso()));
  EXPECT_EQ(claims["aud"], "client-1");
  EXPECT_EQ(claims["nonce"], "n-123");
  EXPECT_EQ(claims["sid"], "sid-1");
  EXPECT_EQ(claims["email"], d_.user_named("alice")->email);
}

TEST_F(TokenFactoryTest, ClientInfoDecodesToUidAndUtid) {
  const auto info = TokenFactory::client_info(*d_.user_named("alice"), contoso());
  auto decoded = jose::base64url_decode(info);
  ASSERT_TRUE(decoded.ok());
  const auto json = nlohmann::json::parse(std::string(decoded->begin(), decoded->end()));
  EXPECT_EQ(json["uid"], d_.user_named("alice")->oid);
  EXPECT_EQ(json["utid"], contoso().id);
}

TEST_F(TokenFactoryTest, PairwiseSubjectDiffersPerClient) {
  EXPECT_NE(TokenFactory::pairwise_subject("oid", "a"), TokenFactory::pairwise_subject("oid", "b"));
  EXPECT_EQ(TokenFactory::pairwise_subject("oid", "a"), TokenFactory::pairwise_subject("oid", "a"));
}

}  // namespace
}  // namespace toolauth::idp
