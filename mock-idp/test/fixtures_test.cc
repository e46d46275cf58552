#include "toolauth/idp/fixtures.h"

#include <gtest/gtest.h>

#include "test_world.h"

namespace toolauth::idp {
namespace {

std::vector<std::string> problems(const nlohmann::json& document) {
  auto result = load_directory(document, "w.json");
  if (result.ok()) return {};
  std::vector<std::string> lines;
  std::string detail = result.error().detail;
  std::size_t start = 0;
  while (start <= detail.size()) {
    auto end = detail.find('\n', start);
    lines.push_back(detail.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

nlohmann::json minimal() {
  return nlohmann::json::parse(R"({
    "tenants": [{"name": "t", "id": "11111111-1111-4111-8111-111111111111", "domain": "t.example"}],
    "applications": [{"name": "api", "client_id": "22222222-2222-4222-8222-222222222222",
                      "object_id": "33333333-3333-4333-8333-333333333333", "tenant": "t",
                      "scopes": [{"value": "read"}], "app_roles": [{"value": "All"}]}]
  })");
}

TEST(FixturesTest, DefaultWorldLoadsWithEveryPrincipalDesignNames) {
  const auto d = testing::default_directory();
  ASSERT_NE(d.tenant_named("contoso"), nullptr);
  EXPECT_EQ(d.tenant_named("contoso")->profile, TenantProfile::entra);
  EXPECT_EQ(d.tenant_named("fabrikam")->profile, TenantProfile::mcp);
  EXPECT_EQ(d.tenant_named("fabrikam")->refresh_rotation, RefreshRotation::strict);
  for (const char* user : {"alice", "bob", "carol"}) EXPECT_NE(d.user_named(user), nullptr) << user;
  EXPECT_EQ(d.user_named("agent-one-user")->agent_identity, "agent-one");
  for (const char* app : {"foundry", "caller", "mcp-api", "connector", "graph", "fabrikam-mcp"}) {
    EXPECT_NE(d.application_named(app), nullptr) << app;
  }
  EXPECT_EQ(d.find_resource("https://ai.azure.com"), d.application_named("foundry"));
  EXPECT_EQ(d.identity_named("agent-one")->blueprint, "agent-blueprint");
  EXPECT_EQ(d.application_named("connector")->redirect_uris,
            (std::vector<std::string>{"https://localhost:4780/oauth/callback",
                                      "http://localhost:4784/oauth/callback"}));
}

TEST(FixturesTest, TemplatesWithoutValueAreDropped) {
  auto d =
      testing::default_directory({{"mcp_url", "https://localhost:4783"}, {"idp_url", "https://x"}});
  EXPECT_TRUE(d.application_named("connector")->redirect_uris.empty());
  EXPECT_EQ(d.application_named("fabrikam-mcp")->identifier_uris,
            (std::vector<std::string>{"https://localhost:4783/mcp/bearer-fabrikam"}));
}

TEST(FixturesTest, ProblemsNameThePathOfEachBadValue) {
  auto doc = minimal();
  doc["tenants"][0]["id"] = "not-a-guid";
  doc["tenants"][0]["profile"] = "okta";
  doc["applications"][0]["grants"] = {"implicit"};
  doc["applications"][0]["colour"] = "red";
  doc["users"] = {{{"name", "u"},
                   {"username", "u@t"},
                   {"password", "p"},
                   {"oid", "44444444-4444-4444-8444-444444444444"}}};
  EXPECT_EQ(problems(doc), (std::vector<std::string>{
                               "w.json: /tenants/0/id: must be a GUID",
                               "w.json: /tenants/0/profile: must be one of entra, mcp",
                               "w.json: /users/0/tenant: is required",
                               "w.json: /applications/0/grants: unknown grant type \"implicit\"",
                               "w.json: /applications/0/colour: unknown key",
                           }));
}

TEST(FixturesTest, ReferencesMustResolve) {
  auto doc = minimal();
  doc["applications"].push_back({{"name", "client"},
                                 {"client_id", "55555555-5555-4555-8555-555555555555"},
                                 {"object_id", "66666666-6666-4666-8666-666666666666"},
                                 {"tenant", "nowhere"},
                                 {"app_permissions", {{"api", {"All", "Nope"}}}}});
  doc["consents"] = {
      {{"client", "client"}, {"resource", "api"}, {"scopes", {"write"}}, {"tenant", "t"}}};
  EXPECT_EQ(
      problems(doc),
      (std::vector<std::string>{
          "w.json: /applications/1/tenant: no tenant named \"nowhere\"",
          "w.json: /applications/1/app_permissions: application \"api\" has no app role \"Nope\"",
          "w.json: /consents/0/scopes: no scope \"write\" on \"api\"",
      }));
}

TEST(FixturesTest, ConsentMayNameAnAgentIdentityButNoOtherIdentity) {
  auto doc = minimal();
  doc["identities"] = {{{"name", "bp"},
                        {"kind", "agent-blueprint"},
                        {"client_id", "88888888-8888-4888-8888-888888888888"},
                        {"object_id", "99999999-9999-4999-8999-999999999999"},
                        {"tenant", "t"}},
                       {{"name", "agent"},
                        {"kind", "agent-identity"},
                        {"client_id", "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"},
                        {"object_id", "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"},
                        {"tenant", "t"},
                        {"blueprint", "bp"}}};
  doc["consents"] = {
      {{"client", "agent"}, {"resource", "api"}, {"scopes", {"read"}}, {"tenant", "t"}}};
  EXPECT_EQ(problems(doc), std::vector<std::string>{});
  doc["consents"][0]["client"] = "bp";
  EXPECT_EQ(problems(doc), (std::vector<std::string>{
                               "w.json: /consents/0/client: no application or agent identity "
                               "named \"bp\"",
                           }));
}

TEST(FixturesTest, DuplicateIdsAndPublicClientsWithSecretsAreRefused) {
  auto doc = minimal();
  doc["applications"].push_back({{"name", "api"},
                                 {"client_id", "22222222-2222-4222-8222-222222222222"},
                                 {"object_id", "77777777-7777-4777-8777-777777777777"},
                                 {"tenant", "t"},
                                 {"public_client", true},
                                 {"secrets", {{{"value", "0123456789abcdef0123"}}}}});
  EXPECT_EQ(problems(doc), (std::vector<std::string>{
                               "w.json: /applications/1: a public client cannot hold credentials",
                           }));
  doc["applications"][1].erase("secrets");
  EXPECT_EQ(problems(doc),
            (std::vector<std::string>{
                "w.json: /applications/1/name: duplicate name \"api\"",
                "w.json: /applications/1: duplicate id 22222222-2222-4222-8222-222222222222",
            }));
}

TEST(FixturesTest, WorldJsonCarriesSecretsForTheReadyFileOnly) {
  const auto d = testing::default_directory();
  const auto world = world_json(d, [](const Tenant& t) { return "https://i/" + t.id + "/v2.0"; });
  EXPECT_EQ(world["tenants"][0]["issuer"], "https://i/" + d.tenant_named("contoso")->id + "/v2.0");
  EXPECT_EQ(world["users"][0]["password"], d.user_named("alice")->password);
  bool foundry_secret = false;
  for (const auto& c : world["clients"])
    foundry_secret |= c["name"] == "foundry" && c.contains("client_secret");
  EXPECT_TRUE(foundry_secret);
}

}  // namespace
}  // namespace toolauth::idp
