#include "toolauth/idp/issued_tokens.h"

#include <gtest/gtest.h>

#include "provider_in_memory.h"
#include "toolauth/jose/forge.h"

namespace toolauth::idp {
namespace {

class IssuedTokensTest : public ::testing::Test {
 protected:
  testing::ProviderInMemory p_;
  IdentityProvider& idp_ = *p_.idp;
  const Directory& d_ = p_.directory();
  jose::TokenForge forge_{idp_.keys().active(), p_.clock};

  AccessTokenRequest alice_for_foundry() {
    AccessTokenRequest r;
    r.tenant = &p_.tenant("contoso");
    r.client_id = d_.application_named("caller")->client_id;
    r.user = d_.user_named("alice");
    r.resource = d_.application_named("foundry");
    r.resource_identifier = "https://ai.azure.com";
    r.scopes = {"user_impersonation"};
    return r;
  }
  nlohmann::json claims_of(const AccessTokenRequest& r) {
    return idp_.tokens().access_token(r)->claims;
  }
  std::string mint(const AccessTokenRequest& r) { return idp_.tokens().access_token(r)->token; }
};

TEST_F(IssuedTokensTest, DelegatedTokenNamesItsUserTenantAndClient) {
  auto verified = verify_issued_access_token(idp_, mint(alice_for_foundry()));
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->user, d_.user_named("alice"));
  EXPECT_EQ(verified->tenant, &p_.tenant("contoso"));
  EXPECT_FALSE(verified->app_only());
  EXPECT_EQ(verified->client_id(), d_.application_named("caller")->client_id);  // v1 appid
}

TEST_F(IssuedTokensTest, AppOnlyTokenHasNoUser) {
  auto r = alice_for_foundry();
  r.user = nullptr;
  r.app_object_id = d_.identity_named("project-alpha")->object_id;
  r.version = 2;
  auto verified = verify_issued_access_token(idp_, mint(r));
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_TRUE(verified->app_only());
  EXPECT_EQ(verified->client_id(), r.client_id);  // v2 azp
}

TEST_F(IssuedTokensTest, ExpiredOrNotYetValidTokenIs500133WithoutLeeway) {
  const auto token = mint(alice_for_foundry());
  p_.clock.advance(std::chrono::seconds(3600));
  auto verified = verify_issued_access_token(idp_, token);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.error().code, 500133);
  EXPECT_EQ(verified.error().error, "invalid_grant");

  auto not_yet = verify_issued_access_token(
      idp_, *forge_.not_yet_valid(claims_of(alice_for_foundry()), std::chrono::seconds(10)));
  ASSERT_FALSE(not_yet.ok());
  EXPECT_EQ(not_yet.error().code, 500133);
}

TEST_F(IssuedTokensTest, ForgedTokensAre50013) {
  const auto claims = claims_of(alice_for_foundry());
  for (const auto& forged :
       {forge_.signed_by_other_key(claims), forge_.alg_none(claims),
        forge_.hs256_with_public_key(claims), forge_.unknown_kid(claims),
        forge_.embedded_jwk(claims), forge_.wrong_issuer(claims), forge_.bad_signature(claims)}) {
    ASSERT_TRUE(forged.ok());
    auto verified = verify_issued_access_token(idp_, *forged);
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.error().code, 50013);
    EXPECT_EQ(verified.error().status, 400);
  }
  EXPECT_EQ(verify_issued_access_token(idp_, "not a token").error().code, 50013);
}

TEST_F(IssuedTokensTest, TokenWhoseTidIsNotItsIssuersTenantIs50013) {
  auto claims = claims_of(alice_for_foundry());
  claims["tid"] = p_.tenant("fabrikam").id;  // contoso's issuer, fabrikam's tid
  auto verified = verify_issued_access_token(idp_, *forge_.valid(claims));
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.error().code, 50013);
}

TEST_F(IssuedTokensTest, IdTokenIsNoAccessToken) {
  IdTokenRequest r;
  r.tenant = &p_.tenant("contoso");
  r.client_id = d_.application_named("foundry")->client_id;
  r.user = d_.user_named("alice");
  auto verified = verify_issued_access_token(idp_, idp_.tokens().id_token(r)->token);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.error().code, 50013);
}

TEST_F(IssuedTokensTest, DelegatedTokenOfUnknownUserOrUserOfAnotherTenantIs50013) {
  auto claims = claims_of(alice_for_foundry());
  claims["oid"] = "00000000-0000-4000-8000-000000000000";
  EXPECT_EQ(verify_issued_access_token(idp_, *forge_.valid(claims)).error().code, 50013);
  claims["oid"] = d_.user_named("carol")->oid;  // a fabrikam user in a contoso token
  EXPECT_EQ(verify_issued_access_token(idp_, *forge_.valid(claims)).error().code, 50013);
}

TEST(AudienceNamesClientTest, ClientIdApiUriOrAppIdUriCaseInsensitively) {
  const std::string id = "1b0b5a92-ca9f-4dae-85e1-fb5bb643edf4";
  EXPECT_TRUE(audience_names_client({{"aud", id}}, id));
  EXPECT_TRUE(audience_names_client({{"aud", "1B0B5A92-CA9F-4DAE-85E1-FB5BB643EDF4"}}, id));
  EXPECT_TRUE(audience_names_client({{"aud", "api://" + id}}, id));
  EXPECT_TRUE(
      audience_names_client({{"aud", "https://AI.azure.com"}}, id, {"https://ai.azure.com"}));
  EXPECT_FALSE(
      audience_names_client({{"aud", "https://ai.azure.com/"}}, id, {"https://ai.azure.com"}));
  EXPECT_FALSE(audience_names_client({{"aud", nlohmann::json::array({id})}}, id));
  EXPECT_FALSE(audience_names_client({{"aud", "api://other"}}, id));
  EXPECT_FALSE(audience_names_client(nlohmann::json::object(), id));
}

}  // namespace
}  // namespace toolauth::idp
