#include "toolauth/idp/delegated_token.h"

#include <gtest/gtest.h>

#include "provider_in_memory.h"

namespace toolauth::idp {
namespace {

class ConsentedPermissionsTest : public ::testing::Test {
 protected:
  testing::ProviderInMemory p_;
  IdentityProvider& idp_ = *p_.idp;
  const Directory& d_ = p_.directory();
  const Application& mcp_api_ = *d_.application_named("mcp-api");

  AuthenticatedClient app(std::string_view name) {
    AuthenticatedClient c;
    c.application = d_.application_named(name);
    c.client_id = c.application->client_id;
    return c;
  }
  AuthenticatedClient agent(std::string_view name) {
    AuthenticatedClient c;
    c.identity = d_.identity_named(name);
    c.client_id = c.identity->client_id;
    return c;
  }
  ScopeRequest on(const Application& resource, std::vector<std::string> permissions) {
    ScopeRequest s;
    s.resource = &resource;
    s.resource_identifier = "api://" + resource.client_id;
    s.dot_default = permissions.empty();
    s.permissions = std::move(permissions);
    return s;
  }
};

TEST_F(ConsentedPermissionsTest, DefaultGivesEveryScopeAnAdministratorConsentedForTheClient) {
  auto granted =
      consented_permissions(idp_, app("foundry"), *d_.user_named("bob"), on(mcp_api_, {}));
  ASSERT_TRUE(granted.ok());
  EXPECT_EQ(*granted, (std::vector<std::string>{"Tools.Read", "Tools.Invoke"}));
}

TEST_F(ConsentedPermissionsTest, ExplicitScopesMustAllBeConsented) {
  const auto& alice = *d_.user_named("alice");
  EXPECT_EQ(*consented_permissions(idp_, app("foundry"), alice, on(mcp_api_, {"Tools.Read"})),
            std::vector<std::string>{"Tools.Read"});
  const auto& graph = *d_.application_named("graph");
  auto refused = consented_permissions(idp_, app("foundry"), alice, on(graph, {"User.Read"}));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, 65001);
  EXPECT_EQ(refused.error().suberror, "consent_required");
  EXPECT_EQ(consented_permissions(idp_, app("foundry"), alice, on(graph, {})).error().code, 65001);
}

TEST_F(ConsentedPermissionsTest, UsersOwnConsentCountsForThatUserOnly) {
  const auto& graph = *d_.application_named("graph");
  idp_.consents().grant(*d_.application_named("foundry"), graph, *d_.user_named("alice"),
                        {"User.Read"});
  EXPECT_TRUE(
      consented_permissions(idp_, app("foundry"), *d_.user_named("alice"), on(graph, {})).ok());
  EXPECT_FALSE(
      consented_permissions(idp_, app("foundry"), *d_.user_named("bob"), on(graph, {})).ok());
}

TEST_F(ConsentedPermissionsTest, PreAuthorizedClientNeedsNoConsent) {
  const auto& foundry = *d_.application_named("foundry");
  ScopeRequest s;
  s.resource = &foundry;
  s.resource_identifier = "https://ai.azure.com";
  s.permissions = {"user_impersonation"};
  EXPECT_TRUE(consented_permissions(idp_, app("caller"), *d_.user_named("alice"), s).ok());
}

TEST_F(ConsentedPermissionsTest, AgentIdentityHasOnlyGrantsNamingIt) {
  const auto& alice = *d_.user_named("alice");
  EXPECT_EQ(*consented_permissions(idp_, agent("agent-one"), alice, on(mcp_api_, {})),
            (std::vector<std::string>{"Tools.Read", "Tools.Invoke"}));
  EXPECT_EQ(consented_permissions(idp_, agent("agent-two"), alice, on(mcp_api_, {})).error().code,
            65001);
}

}  // namespace
}  // namespace toolauth::idp
