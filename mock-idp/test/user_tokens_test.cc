#include "toolauth/idp/user_tokens.h"

#include <gtest/gtest.h>

#include "in_memory_idp.h"

namespace toolauth::idp {
namespace {

class UserTokensTest : public ::testing::Test {
 protected:
  testing::InMemoryIdp world_;
  IdentityProvider& idp() { return world_.idp; }
  const Application& app(std::string_view name) {
    return *idp().directory().application_named(name);
  }
  const User& user(std::string_view name) { return *idp().directory().user_named(name); }
  const Tenant& contoso() { return *idp().directory().tenant_named("contoso"); }
  std::string mcp_api() { return "api://" + app("mcp-api").client_id; }
};

TEST_F(UserTokensTest, PreAuthorizedClientNeedsNoConsent) {
  auto s = resolve_user_scopes(idp(), contoso(), app("caller"), user("alice"),
                               "https://ai.azure.com/user_impersonation openid", "");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->resource, &app("foundry"));
  EXPECT_EQ(s->resource_identifier, "https://ai.azure.com");
  EXPECT_EQ(s->permissions, std::vector<std::string>{"user_impersonation"});
  EXPECT_FALSE(s->audience);
}

TEST_F(UserTokensTest, ExplicitPermissionWithoutConsentIs65001) {
  auto s = resolve_user_scopes(idp(), contoso(), app("connector"), user("alice"),
                               mcp_api() + "/Tools.Read", "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, 65001);
  EXPECT_EQ(s.error().suberror, "consent_required");
}

TEST_F(UserTokensTest, ConsentGrantedOnThePageCounts) {
  idp().consents().grant(app("connector"), app("mcp-api"), user("alice"), {"Tools.Read"});
  auto s = resolve_user_scopes(idp(), contoso(), app("connector"), user("alice"),
                               mcp_api() + "/Tools.Read", "");
  ASSERT_TRUE(s.ok());
  // For alice only, and for the permissions granted only.
  EXPECT_FALSE(resolve_user_scopes(idp(), contoso(), app("connector"), user("bob"),
                                   mcp_api() + "/Tools.Read", "")
                   .ok());
  EXPECT_FALSE(resolve_user_scopes(idp(), contoso(), app("connector"), user("alice"),
                                   mcp_api() + "/Tools.Invoke", "")
                   .ok());
}

TEST_F(UserTokensTest, DotDefaultGivesEveryConsentedPermission) {
  auto none = resolve_user_scopes(idp(), contoso(), app("connector"), user("alice"),
                                  mcp_api() + "/.default", "");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, 65001);
  idp().consents().grant(app("connector"), app("mcp-api"), user("alice"), {"Tools.Invoke"});
  auto s = resolve_user_scopes(idp(), contoso(), app("connector"), user("alice"),
                               mcp_api() + "/.default", "");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->permissions, std::vector<std::string>{"Tools.Invoke"});
}

TEST_F(UserTokensTest, OidcOnlyRequestIsForGraphWithItsConsentedPermissions) {
  auto s = resolve_user_scopes(idp(), contoso(), app("caller"), user("bob"),
                               "openid profile offline_access", "");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->resource->client_id, kGraphClientId);
  EXPECT_EQ(s->resource_identifier, "https://graph.microsoft.com");
  EXPECT_EQ(s->permissions, std::vector<std::string>{"User.Read"});  // admin consent
}

TEST_F(UserTokensTest, ConsentNeedListsWhatThePageAsksFor) {
  auto explicit_request = parse_scopes(idp().directory(), mcp_api() + "/Tools.Read", "t");
  auto need = consent_need(idp(), app("connector"), user("alice"), *explicit_request);
  EXPECT_TRUE(need.missing);
  EXPECT_EQ(need.resource, &app("mcp-api"));
  EXPECT_EQ(need.permissions, std::vector<std::string>{"Tools.Read"});

  auto dot_default = parse_scopes(idp().directory(), mcp_api() + "/.default", "t");
  need = consent_need(idp(), app("connector"), user("alice"), *dot_default);
  EXPECT_TRUE(need.missing);
  EXPECT_EQ(need.permissions, (std::vector<std::string>{"Tools.Read", "Tools.Invoke"}));

  auto oidc = parse_scopes(idp().directory(), "openid profile", "t");
  need = consent_need(idp(), app("connector"), user("alice"), *oidc);
  EXPECT_FALSE(need.missing);
  EXPECT_EQ(need.resource, nullptr);

  // foundry has admin consent for mcp-api in the fixtures.
  need = consent_need(idp(), app("foundry"), user("bob"), *dot_default);
  EXPECT_FALSE(need.missing);
}

TEST_F(UserTokensTest, OidcScopeDescriptions) {
  EXPECT_EQ(oidc_scope_description("openid"), "Sign you in");
  EXPECT_EQ(oidc_scope_description("offline_access"),
            "Maintain access to data you have given it access to");
  EXPECT_EQ(oidc_scope_description("Tools.Read"), "");
}

}  // namespace
}  // namespace toolauth::idp
