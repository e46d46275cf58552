// grant_type=client_credentials over HTTPS against a running IdpServer: `.default` scopes,
// one resource per request, RFC 8707 `resource` per tenant profile, and tenant membership.

#include <gtest/gtest.h>

#include "idp_fixture.h"
#include "toolauth/idp/token_endpoint.h"

namespace toolauth::idp {
namespace {

using testing::expect_aad_error;
using testing::IdpInstance;
using testing::kFabrikamDaemonSecret;

class ClientCredentialsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    idp_ = std::make_unique<IdpInstance>(
        testing::IdpInstanceOptions{.fixtures = testing::test_fixtures()});
  }
  static void TearDownTestSuite() { idp_.reset(); }

  const IdpInstance& idp() const { return *idp_; }
  std::string identifier(std::string_view resource) const {
    return testing::named(idp().world()["resources"], resource)["app_id_uri"];
  }
  testing::Reply foundry(const std::string& scope, const std::string& resource = {}) const {
    const auto foundry = idp().client("foundry");
    http::Params form = {{"grant_type", "client_credentials"},
                         {"client_id", foundry["client_id"]},
                         {"client_secret", foundry["client_secret"]},
                         {"scope", scope}};
    if (!resource.empty()) form.add("resource", resource);
    return idp().post_form(idp().endpoint_path("contoso"), form);
  }
  testing::Reply fabrikam_daemon(const std::string& scope, const std::string& resource) const {
    http::Params form = {{"grant_type", "client_credentials"},
                         {"client_id", idp().client("fabrikam-daemon")["client_id"]},
                         {"client_secret", std::string(kFabrikamDaemonSecret)},
                         {"scope", scope}};
    if (!resource.empty()) form.add("resource", resource);
    return idp().post_form(idp().endpoint_path("fabrikam"), form);
  }

  static inline std::unique_ptr<IdpInstance> idp_;
};

TEST_F(ClientCredentialsTest, ScopeWithoutDotDefaultIsRejected) {
  // App tokens carry the app's roles, never delegated permissions.
  expect_aad_error(foundry(identifier("mcp-api") + "/Tools.Read"), 400, "invalid_scope", 1002012);
}

TEST_F(ClientCredentialsTest, TwoResourcesAreRejected) {
  expect_aad_error(
      foundry(identifier("mcp-api") + "/.default https://graph.microsoft.com/.default"), 400,
      "invalid_scope", 700022);
}

TEST_F(ClientCredentialsTest, UnknownResourceIsRejected) {
  expect_aad_error(foundry("api://no-such-api/.default"), 400, "invalid_resource", 500011);
}

TEST_F(ClientCredentialsTest, OidcScopesNextToDotDefaultAreIgnored) {
  // Older Azure Identity sent them, and Entra answers 200.
  const auto reply = foundry(identifier("mcp-api") + "/.default openid profile offline_access");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_FALSE(reply.body.contains("refresh_token"));
  EXPECT_FALSE(reply.body.contains("id_token"));
}

TEST_F(ClientCredentialsTest, EntraTenantRejectsTheResourceParameter) {
  expect_aad_error(foundry(identifier("mcp-api") + "/.default", identifier("mcp-api")), 400,
                   "invalid_request", 901002);
}

TEST_F(ClientCredentialsTest, McpTenantMakesTheRfc8707ResourceTheAudience) {
  const auto resource = identifier("fabrikam-mcp");
  const auto reply = fabrikam_daemon(resource + "/.default", resource);
  ASSERT_EQ(reply.status, 200) << reply.text;
  const auto verified = idp().verify("fabrikam", reply.body["access_token"].get<std::string>());
  ASSERT_TRUE(verified.ok()) << verified.error().message();
  EXPECT_EQ(verified->claims["aud"], resource);
  EXPECT_EQ(verified->claims["roles"], nlohmann::json::array({testing::kFabrikamMcpRole}));
  // RFC 9068 claims of the mcp profile.
  EXPECT_EQ(verified->claims["client_id"], idp().client("fabrikam-daemon")["client_id"]);
  EXPECT_EQ(verified->claims["jti"], verified->claims["uti"]);
}

TEST_F(ClientCredentialsTest, McpTenantRejectsAResourceWithAFragment) {
  const auto resource = identifier("fabrikam-mcp");
  expect_aad_error(fabrikam_daemon(resource + "/.default", resource + "#x"), 400, "invalid_target",
                   500011);
}

TEST_F(ClientCredentialsTest, ClientOfAnotherTenantIsRejected) {
  // foundry lives in contoso and is single-tenant: fabrikam does not know it.
  const auto foundry = idp().client("foundry");
  const auto reply = idp().post_form(idp().endpoint_path("fabrikam"),
                                     {{"grant_type", "client_credentials"},
                                      {"client_id", foundry["client_id"]},
                                      {"client_secret", foundry["client_secret"]},
                                      {"scope", identifier("fabrikam-mcp") + "/.default"}});
  expect_aad_error(reply, 400, "unauthorized_client", 700016);
}

}  // namespace
}  // namespace toolauth::idp
