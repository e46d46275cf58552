#include "toolauth/oauth/authorization_response_issuer.h"

#include <gtest/gtest.h>

namespace toolauth::oauth {
namespace {

constexpr std::string_view kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const std::string kEntraAuthorize =
    "https://login.example:8443/" + std::string(kTenant) + "/oauth2/v2.0/authorize";

TEST(AuthorizationResponseIssuerTest, EntraIssuerOfTheSameTenantFits) {
  EXPECT_TRUE(issuer_fits_authorization_server(
      kEntraAuthorize, "https://login.example:8443/" + std::string(kTenant) + "/v2.0"));
  EXPECT_TRUE(issuer_fits_authorization_server(
      kEntraAuthorize, "HTTPS://LOGIN.example:8443/72F988BF-86F1-41AF-91AB-2D7CD011DB47/v2.0"));
}

TEST(AuthorizationResponseIssuerTest, MixUpIssuerOfAnotherTenantIsRefused) {
  EXPECT_FALSE(issuer_fits_authorization_server(
      kEntraAuthorize, "https://login.example:8443/00000000-0000-0000-0000-000000000001/v2.0"));
}

TEST(AuthorizationResponseIssuerTest, MixUpIssuerOfAnotherServerIsRefused) {
  EXPECT_FALSE(issuer_fits_authorization_server(
      kEntraAuthorize, "https://attacker.example:8443/" + std::string(kTenant) + "/v2.0"));
  EXPECT_FALSE(issuer_fits_authorization_server(
      kEntraAuthorize, "https://login.example:9443/" + std::string(kTenant) + "/v2.0"));
  EXPECT_FALSE(issuer_fits_authorization_server(
      kEntraAuthorize, "http://login.example:8443/" + std::string(kTenant) + "/v2.0"));
}

TEST(AuthorizationResponseIssuerTest, EntraIssuerWithAnotherPathIsRefused) {
  EXPECT_FALSE(issuer_fits_authorization_server(
      kEntraAuthorize, "https://login.example:8443/" + std::string(kTenant) + "/"));
  EXPECT_FALSE(issuer_fits_authorization_server(
      kEntraAuthorize, "https://login.example:8443/x/" + std::string(kTenant) + "/v2.0"));
  EXPECT_FALSE(issuer_fits_authorization_server(
      kEntraAuthorize, "https://login.example:8443/" + std::string(kTenant) + "/v2.0?x=1"));
  EXPECT_FALSE(issuer_fits_authorization_server(
      kEntraAuthorize, "https://user@login.example:8443/" + std::string(kTenant) + "/v2.0"));
}

TEST(AuthorizationResponseIssuerTest, TenantNameAcceptsAnyOneTenantOfTheSameServer) {
  const std::string organizations = "https://login.example/organizations/oauth2/v2.0/authorize";
  EXPECT_TRUE(issuer_fits_authorization_server(
      organizations, "https://login.example/" + std::string(kTenant) + "/v2.0"));
  EXPECT_FALSE(issuer_fits_authorization_server(organizations, "https://login.example/a/b/v2.0"));
  EXPECT_FALSE(issuer_fits_authorization_server(
      organizations, "https://evil.example/" + std::string(kTenant) + "/v2.0"));
}

TEST(AuthorizationResponseIssuerTest, OtherServersNeedTheSameOrigin) {
  const std::string github = "https://github.example/login/oauth/authorize";
  EXPECT_TRUE(issuer_fits_authorization_server(github, "https://github.example"));
  EXPECT_TRUE(issuer_fits_authorization_server(github, "https://github.example/"));
  EXPECT_FALSE(issuer_fits_authorization_server(github, "https://github.example.evil"));
  EXPECT_FALSE(issuer_fits_authorization_server(github, "not a url"));
  EXPECT_FALSE(issuer_fits_authorization_server("not a url", "https://github.example"));
}

}  // namespace
}  // namespace toolauth::oauth
