#include "toolauth/emulator/world.h"

#include <gtest/gtest.h>

#include <set>

#include "test_world.h"
#include "toolauth/idp/idp_server.h"

namespace toolauth::emulator {
namespace {

using testing::default_world;
using testing::default_world_document;
using testing::fixed_templates;

const nlohmann::json& named(const nlohmann::json& list, std::string_view name) {
  for (const auto& item : list) {
    if (item.value("name", "") == name) return item;
  }
  throw std::runtime_error("no entry named " + std::string(name));
}

TEST(WorldTest, AlphaHasAConnectionOfEveryAuthType) {
  const auto world = default_world();
  const auto* alpha = world.project("alpha");
  ASSERT_NE(alpha, nullptr);
  std::set<AuthType> types;
  for (const auto& c : alpha->connections) types.insert(c.auth_type);
  EXPECT_EQ(types.size(), std::size(kAllAuthTypes));
  std::vector<const Connection*> oauth;
  for (const auto& c : alpha->connections) {
    if (c.auth_type == AuthType::oauth2) oauth.push_back(&c);
  }
  ASSERT_EQ(oauth.size(), 2u);
  EXPECT_EQ(oauth[0]->target, oauth[1]->target);
  EXPECT_EQ(oauth[0]->target, "https://localhost:4783/mcp/bearer");
}

TEST(WorldTest, BetaSharesAnOAuthConnectionNameAndTargetWithAlpha) {
  const auto world = default_world();
  const auto* beta = world.project("beta");
  ASSERT_NE(beta, nullptr);
  ASSERT_EQ(beta->connections.size(), 1u);
  const auto& shared = beta->connections[0];
  EXPECT_EQ(shared.auth_type, AuthType::oauth2);
  bool found = false;
  for (const auto& c : world.project("alpha")->connections) {
    if (c.name == shared.name && c.target == shared.target) found = true;
  }
  EXPECT_TRUE(found);
  EXPECT_NE(shared.id, world.arm.connection_id("alpha", shared.name));
}

TEST(WorldTest, OneAgentPerConnectionPlusOneRequiringApproval) {
  const auto world = default_world();
  for (const auto& project : world.projects) {
    for (const auto& c : project.connections) {
      int never = 0;
      for (const auto& a : project.agents) {
        if (a.connection == c.name && a.require_approval == "never") ++never;
      }
      EXPECT_EQ(never, 1) << project.name << "/" << c.name;
    }
  }
  int always = 0;
  for (const auto& a : world.project("alpha")->agents) always += a.require_approval == "always";
  EXPECT_EQ(always, 1);
}

// The emulator's copies of IdP ids and secrets must match the IdP's own fixtures.
TEST(WorldTest, IdsAndSecretsAgreeWithTheIdpFixtures) {
  const auto idp = nlohmann::json::parse(idp::default_idp_fixtures());
  const auto world = default_world();
  for (const auto& tenant : world.tenants)
    EXPECT_EQ(named(idp["tenants"], tenant.name)["id"], tenant.id);
  const auto& foundry = named(idp["applications"], "foundry");
  EXPECT_EQ(foundry["client_id"], world.client.client_id);
  EXPECT_EQ(foundry["secrets"][0]["value"], world.client.client_secret);
  EXPECT_EQ(foundry["identifier_uris"][0], world.caller_audiences.at(0));
  const auto& connector = named(idp["applications"], "connector");
  const auto& mcp_api = named(idp["applications"], "mcp-api");
  for (const auto& project : world.projects) {
    for (const auto& c : project.connections) {
      if (c.oauth2) {
        EXPECT_EQ(c.oauth2->client_id, connector["client_id"]);
        EXPECT_EQ(c.oauth2->client_secret, connector["secrets"][0]["value"]);
      }
      if (!c.audience.empty()) EXPECT_EQ(c.audience, mcp_api["identifier_uris"][0]);
    }
  }
  const auto& alpha = world.project("alpha")->identities;
  EXPECT_EQ(named(idp["identities"], "project-alpha")["client_id"],
            alpha.managed_identity_client_id);
  EXPECT_EQ(named(idp["identities"], "agent-blueprint")["client_id"], alpha.blueprint_client_id);
  EXPECT_EQ(named(idp["identities"], "agent-blueprint")["secrets"][0]["value"],
            alpha.blueprint_client_secret);
  EXPECT_EQ(named(idp["identities"], "agent-one")["client_id"], alpha.agent_identity_client_id);
}

TEST(WorldTest, CustomKeysMatchTheMockMcpMounts) {
  const auto world = default_world();
  const auto* alpha = world.project("alpha");
  for (const auto& c : alpha->connections) {
    if (c.name == "api-key") EXPECT_EQ(c.keys.begin()->first, "X-API-Key");
    if (c.name == "functions-key") EXPECT_EQ(c.keys.begin()->first, "x-functions-key");
  }
}

TEST(WorldTest, ProblemsNameTheFileAndPath) {
  auto document = default_world_document();
  document["projects"][0]["connections"][1]["auth_type"] = "Kerberos";
  document["projects"][1]["agents"][0]["connection"] = "missing";
  auto world = load_world(document, "fixtures/emulator.json", fixed_templates());
  ASSERT_FALSE(world.ok());
  const auto& detail = world.error().detail;
  EXPECT_NE(detail.find("fixtures/emulator.json: /projects/0/connections/1/auth_type: unknown auth "
                        "type 'Kerberos'"),
            std::string::npos)
      << detail;
  EXPECT_NE(detail.find("fixtures/emulator.json: /projects/1/agents/0/connection: no connection "
                        "'missing' in project beta"),
            std::string::npos)
      << detail;
}

TEST(WorldTest, AnUnresolvedTemplateIsAProblem) {
  auto templates = fixed_templates();
  templates.erase("mcp_url");
  auto world = load_world(default_world_document(), "emulator.json", templates);
  ASSERT_FALSE(world.ok());
  EXPECT_NE(
      world.error().detail.find(
          "emulator.json: /projects/0/connections/0/target: no value for the template {mcp_url}"),
      std::string::npos)
      << world.error().detail;
}

TEST(WorldTest, TenantLookupByIssuer) {
  const auto world = default_world();
  const auto* contoso =
      world.tenant_by_issuer("https://localhost:4781/9fb93534-081c-4253-b1e2-73a87984a8ab/");
  ASSERT_NE(contoso, nullptr);
  EXPECT_EQ(contoso->name, "contoso");
  EXPECT_EQ(world.tenant_by_issuer("https://sts.windows.net/9fb93534-081c-4253-b1e2-73a87984a8ab/"),
            nullptr);
}

}  // namespace
}  // namespace toolauth::emulator
