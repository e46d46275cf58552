#include "toolauth/idp/scopes.h"

#include <gtest/gtest.h>

#include "test_world.h"

namespace toolauth::idp {
namespace {

class ScopesTest : public ::testing::Test {
 protected:
  Directory d_ = testing::default_directory();
  const Application& mcp_api() { return *d_.application_named("mcp-api"); }
  std::string api_uri() { return "api://" + mcp_api().client_id; }
};

TEST_F(ScopesTest, ResourceScopesAndOidcScopes) {
  auto r = parse_scopes(
      d_,
      "openid profile " + api_uri() + "/Tools.Read offline_access " + api_uri() + "/Tools.Invoke",
      "t");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->resource, &mcp_api());
  EXPECT_EQ(r->resource_identifier, api_uri());
  EXPECT_EQ(r->permissions, (std::vector<std::string>{"Tools.Read", "Tools.Invoke"}));
  EXPECT_EQ(r->oidc, (std::vector<std::string>{"openid", "profile", "offline_access"}));
  EXPECT_FALSE(r->dot_default);
}

TEST_F(ScopesTest, DefaultScopeByAppIdUriOrClientId) {
  for (const auto& s : {std::string("https://ai.azure.com/.default"),
                        d_.application_named("foundry")->client_id + "/.default"}) {
    auto r = parse_scopes(d_, s, "t");
    ASSERT_TRUE(r.ok()) << s;
    EXPECT_EQ(r->resource, d_.application_named("foundry"));
    EXPECT_TRUE(r->dot_default);
  }
}

TEST_F(ScopesTest, BareScopeIsMicrosoftGraph) {
  auto r = parse_scopes(d_, "User.Read openid", "t");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->resource, d_.application_named("graph"));
  EXPECT_EQ(r->resource_identifier, "https://graph.microsoft.com");
}

TEST_F(ScopesTest, RejectsUnknownPermissionWith70011) {
  auto r = parse_scopes(d_, api_uri() + "/Tools.Delete", "t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 70011);
  EXPECT_EQ(r.error().error, "invalid_scope");
}

TEST_F(ScopesTest, RejectsTwoResourcesWith700022) {
  auto r = parse_scopes(d_, api_uri() + "/Tools.Read https://ai.azure.com/user_impersonation", "t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 700022);
}

TEST_F(ScopesTest, RejectsUnknownResourceWith500011) {
  auto r = parse_scopes(d_, "api://nobody/.default", "contoso.onmicrosoft.com");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 500011);
  EXPECT_EQ(r.error().error, "invalid_resource");
}

TEST_F(ScopesTest, RejectsDefaultMixedWithExplicitScopes) {
  EXPECT_EQ(
      parse_scopes(d_, api_uri() + "/.default " + api_uri() + "/Tools.Read", "t").error().code,
      70011);
  EXPECT_EQ(parse_scopes(d_, "   ", "t").error().code, 70011);
}

TEST_F(ScopesTest, ResourceParameterFollowsTheTenantProfile) {
  std::optional<std::string> audience;
  const auto& contoso = *d_.tenant_named("contoso");
  auto rejected = resolve_scopes(d_, contoso, api_uri() + "/Tools.Read", api_uri(), &audience);
  EXPECT_EQ(rejected.error().code, 901002);

  Tenant validating = contoso;
  validating.resource_parameter = ResourceParameter::validate;
  EXPECT_TRUE(resolve_scopes(d_, validating, api_uri() + "/Tools.Read", api_uri(), &audience).ok());
  EXPECT_EQ(
      resolve_scopes(d_, validating, api_uri() + "/Tools.Read", "https://ai.azure.com", &audience)
          .error()
          .code,
      9010010);

  const auto& fabrikam = *d_.tenant_named("fabrikam");
  const std::string mount = "https://localhost:4783/mcp/bearer-fabrikam";
  auto accepted = resolve_scopes(d_, fabrikam, "mcp.tools offline_access", mount, &audience);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted->resource, d_.application_named("fabrikam-mcp"));
  EXPECT_EQ(accepted->permissions, (std::vector<std::string>{"mcp.tools"}));
  EXPECT_EQ(audience, mount);
}

TEST_F(ScopesTest, Rfc8707ResourceMustBeAbsoluteWithoutFragmentAndRegistered) {
  std::optional<std::string> audience;
  const auto& fabrikam = *d_.tenant_named("fabrikam");
  for (const char* bad : {"mcp/bearer-fabrikam", "https://localhost:4783/mcp/bearer-fabrikam#x",
                          "https://evil.example/mcp"}) {
    auto r = resolve_scopes(d_, fabrikam, "mcp.tools", bad, &audience);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().error, "invalid_target") << bad;
  }
}

}  // namespace
}  // namespace toolauth::idp
