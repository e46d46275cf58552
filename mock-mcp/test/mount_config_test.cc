#include "toolauth/mcp/mount_config.h"

#include <gtest/gtest.h>

#include "toolauth/mcp/mcp_server.h"

namespace toolauth::mcp {
namespace {

TEST(MountConfigTest, DefaultWorldMountsLoad) {
  auto mounts = load_mounts(nlohmann::json::parse(default_mcp_fixtures()), "default");
  ASSERT_TRUE(mounts.ok()) << mounts.error().message();
  std::vector<std::string> names;
  for (const auto& m : *mounts) names.push_back(m.name);
  EXPECT_EQ(names, (std::vector<std::string>{"open", "conformance", "api-key", "functions",
                                             "bearer", "bearer-fabrikam"}));
  EXPECT_EQ((*mounts)[3].auth.api_key.headers, (std::vector<std::string>{"x-functions-key"}));
}

TEST(MountConfigTest, ProblemsNameTheirPath) {
  auto result = load_mounts(nlohmann::json::parse(R"({"mounts": [
      {"name": "a b", "auth": {"kind": "bearer", "issuers": [], "audiences": ["x"], "jwks_url": "u",
                               "authorization_servers": ["s"], "algorithms": ["none", "HS256"]}},
      {"name": "k", "auth": {"kind": "api-key", "headers": ["X-API-Key"], "keys": [{"id": "i", "value": "short"}]}},
      {"name": "k", "auth": {"kind": "magic"}, "colour": 1}]})"),
                            "m.json");
  ASSERT_FALSE(result.ok());
  const auto& detail = result.error().detail;
  for (const char* expected :
       {"m.json: /mounts/0/name: use 1-64 characters",
        "m.json: /mounts/0/auth/issuers: must list at least one value",
        "m.json: /mounts/0/auth/algorithms: unsupported algorithm \"none\"",
        "m.json: /mounts/0/auth/algorithms: unsupported algorithm \"HS256\"",
        "m.json: /mounts/1/auth/keys/0/value: an API key needs at least 16 characters",
        "m.json: /mounts/2/auth/kind: must be none, api-key or bearer",
        "m.json: /mounts/2/colour: unknown key"}) {
    EXPECT_NE(detail.find(expected), std::string::npos) << expected << "\n" << detail;
  }
}

TEST(MountConfigTest, TemplatesResolveInEveryUrl) {
  auto mount = parse_mount(nlohmann::json::parse(R"({"name": "b", "auth": {"kind": "bearer",
      "issuers": ["{idp_url}/t/v2.0"], "audiences": ["{mcp_url}/mcp/b"], "jwks_url": "{idp_url}/t/keys",
      "authorization_servers": ["{idp_url}/t/v2.0"]}})"));
  ASSERT_TRUE(mount.ok()) << mount.error().message();
  resolve_templates(*mount, {{"idp_url", "https://i"}, {"mcp_url", "https://m"}});
  EXPECT_EQ(mount->auth.bearer.issuers.front(), "https://i/t/v2.0");
  EXPECT_EQ(mount->auth.bearer.audiences.front(), "https://m/mcp/b");
  EXPECT_EQ(mount->auth.bearer.jwks_url, "https://i/t/keys");
}

}  // namespace
}  // namespace toolauth::mcp
