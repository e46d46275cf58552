// The discovery documents over HTTPS: OpenID Connect metadata (v2 and v1), RFC 8414
// authorization server metadata for `mcp` tenants, JWKS and instance discovery.

#include "toolauth/idp/discovery.h"

#include <gtest/gtest.h>

#include "idp_server_thread.h"

namespace toolauth::idp {
namespace {

class DiscoveryTest : public ::testing::Test {
 protected:
  testing::IdpServerThread idp_;

  testing::Reply get(const std::string& path) {
    return idp_.send({.method = http::Method::get, .url = idp_.server().url() + path});
  }
  std::string prefix(std::string_view tenant) {
    return idp_.server().url() + "/" + idp_.tenant(tenant).id;
  }
};

TEST_F(DiscoveryTest, EntraTenantHasOidcMetadataWithoutRegistration) {
  auto reply = get("/" + idp_.tenant("contoso").id + "/v2.0/.well-known/openid-configuration");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["issuer"], prefix("contoso") + "/v2.0");
  EXPECT_EQ(reply.body["token_endpoint"], prefix("contoso") + "/oauth2/v2.0/token");
  EXPECT_FALSE(reply.body.contains("registration_endpoint"));
  EXPECT_FALSE(reply.body.contains("code_challenge_methods_supported"));
}

// Regression: the IdP crashed (SIGSEGV, a loop over items() of a destroyed temporary) when
// MSAL, under @azure/identity with additionallyAllowedTenants, fetched this document.
TEST_F(DiscoveryTest, McpTenantOidcMetadataAddsTheOAuthFieldsMcpClientsNeed) {
  for (const auto& segment : {idp_.tenant("fabrikam").id, idp_.tenant("fabrikam").domain}) {
    auto reply = get("/" + segment + "/v2.0/.well-known/openid-configuration");
    ASSERT_EQ(reply.status, 200) << reply.text;
    EXPECT_EQ(reply.body["issuer"], prefix("fabrikam") + "/v2.0");
    EXPECT_EQ(reply.body["registration_endpoint"], prefix("fabrikam") + "/oauth2/v2.0/register");
    EXPECT_EQ(reply.body["code_challenge_methods_supported"], nlohmann::json({"S256"}));
    EXPECT_EQ(reply.body["authorization_response_iss_parameter_supported"], true);
    // OIDC's own values win where both documents have one.
    EXPECT_EQ(reply.body["response_types_supported"],
              nlohmann::json({"code", "id_token", "code id_token", "id_token token"}));
  }
}

TEST_F(DiscoveryTest, McpTenantServesRfc8414MetadataAtThePathInsertedUrl) {
  const auto id = idp_.tenant("fabrikam").id;
  for (const auto& path : {"/.well-known/oauth-authorization-server/" + id + "/v2.0",
                           "/" + id + "/v2.0/.well-known/oauth-authorization-server"}) {
    auto reply = get(path);
    ASSERT_EQ(reply.status, 200) << path << reply.text;
    EXPECT_EQ(reply.body["issuer"], prefix("fabrikam") + "/v2.0");
    EXPECT_EQ(reply.body["response_types_supported"], nlohmann::json({"code"}));
  }
  auto oidc = get("/.well-known/openid-configuration/" + id + "/v2.0");
  ASSERT_EQ(oidc.status, 200) << oidc.text;
  EXPECT_EQ(oidc.body["registration_endpoint"], prefix("fabrikam") + "/oauth2/v2.0/register");
}

TEST_F(DiscoveryTest, EntraTenantHasNoRfc8414Metadata) {
  auto reply =
      get("/.well-known/oauth-authorization-server/" + idp_.tenant("contoso").id + "/v2.0");
  EXPECT_EQ(reply.status, 404);
}

TEST_F(DiscoveryTest, UnknownTenantIsAadsts90002) {
  auto reply = get("/no-such-tenant.example/v2.0/.well-known/openid-configuration");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(testing::aadsts(reply), 90002);
}

}  // namespace
}  // namespace toolauth::idp
