#include "toolauth/emulator/connection.h"

#include <gtest/gtest.h>

namespace toolauth::emulator {
namespace {

const ArmScope kScope{"sub", "rg", "acct"};

nlohmann::json arm_body(nlohmann::json properties) {
  return {{"properties", std::move(properties)}};
}

TEST(ConnectionTest, IdIsTheArmResourceId) {
  EXPECT_EQ(kScope.connection_id("alpha", "api-key"),
            "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.CognitiveServices/"
            "accounts/acct/projects/alpha/connections/api-key");
}

TEST(ConnectionTest, ParsesCustomKeys) {
  auto c = parse_arm_connection(arm_body({{"category", "RemoteTool"},
                                          {"authType", "CustomKeys"},
                                          {"target", "https://m/mcp/api-key"},
                                          {"credentials", {{"keys", {{"X-API-Key", "k1"}}}}}}),
                                kScope, "alpha", "keys");
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->auth_type, AuthType::custom_keys);
  EXPECT_EQ(c->keys.at("X-API-Key"), "k1");
  EXPECT_EQ(c->id, kScope.connection_id("alpha", "keys"));
}

TEST(ConnectionTest, OAuth2RefreshUrlDefaultsToTheTokenUrlAndMayDiffer) {
  nlohmann::json properties = {{"category", "RemoteTool"},
                               {"authType", "OAuth2"},
                               {"target", "https://m/mcp/bearer"},
                               {"credentials", {{"clientId", "cid"}, {"clientSecret", "cs"}}},
                               {"authorizationUrl", "https://i/authorize"},
                               {"tokenUrl", "https://i/token"},
                               {"scopes", {"api://x/Tools.Invoke", "offline_access"}}};
  auto same = parse_arm_connection(arm_body(properties), kScope, "alpha", "o");
  ASSERT_TRUE(same.ok()) << same.error().message();
  EXPECT_EQ(same->oauth2->refresh_url, "https://i/token");
  properties["refreshUrl"] = "https://i/refresh";
  auto differs = parse_arm_connection(arm_body(properties), kScope, "alpha", "o");
  ASSERT_TRUE(differs.ok());
  EXPECT_EQ(differs->oauth2->refresh_url, "https://i/refresh");
  EXPECT_EQ(differs->oauth2->client_secret, "cs");
}

TEST(ConnectionTest, ErrorsNameTheJsonPath) {
  auto c = parse_arm_connection(arm_body({{"category", "RemoteTool"}, {"target", "https://m"}}),
                                kScope, "alpha", "x");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.code(), core::Errc::config_invalid);
  EXPECT_NE(c.error().detail.find("request body: /properties/authType: "), std::string::npos)
      << c.error().detail;
}

TEST(ConnectionTest, RefusesAnUnknownAuthType) {
  auto c = parse_arm_connection(
      arm_body({{"category", "RemoteTool"}, {"authType", "Kerberos"}, {"target", "https://m"}}),
      kScope, "alpha", "x");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().detail.find("/properties/authType: expected one of"), std::string::npos);
}

TEST(ConnectionTest, RefusesATypoInProperties) {
  auto c = parse_arm_connection(arm_body({{"category", "RemoteTool"},
                                          {"authType", "None"},
                                          {"target", "https://m"},
                                          {"audiance", "x"}}),
                                kScope, "alpha", "x");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().detail.find("/properties/audiance: unknown key"), std::string::npos);
}

TEST(ConnectionTest, RefusesCustomKeysWithoutKeys) {
  auto c = parse_arm_connection(
      arm_body({{"category", "RemoteTool"}, {"authType", "CustomKeys"}, {"target", "https://m"}}),
      kScope, "alpha", "x");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().detail.find("credentials.keys"), std::string::npos);
}

TEST(ConnectionTest, RefusesAHeaderInjectionInAKey) {
  auto c =
      parse_arm_connection(arm_body({{"category", "RemoteTool"},
                                     {"authType", "CustomKeys"},
                                     {"target", "https://m"},
                                     {"credentials", {{"keys", {{"X-K", "a\r\nHost: evil"}}}}}}),
                           kScope, "alpha", "x");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().detail.find("single line"), std::string::npos);
}

TEST(ConnectionTest, RefusesEntraTypesWithoutAudience) {
  auto c = parse_arm_connection(arm_body({{"category", "RemoteTool"},
                                          {"authType", "ProjectManagedIdentity"},
                                          {"target", "https://m"}}),
                                kScope, "alpha", "x");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().detail.find("audience: required"), std::string::npos);
  auto from_metadata = parse_arm_connection(arm_body({{"category", "RemoteTool"},
                                                      {"authType", "ProjectManagedIdentity"},
                                                      {"target", "https://m"},
                                                      {"metadata", {{"audience", "api://x"}}}}),
                                            kScope, "alpha", "x");
  ASSERT_TRUE(from_metadata.ok());
  EXPECT_EQ(from_metadata->audience, "api://x");
}

TEST(ConnectionTest, FoundryShapeShowsKeysOnlyWithCredentials) {
  Connection c;
  c.name = "k";
  c.id = "id";
  c.auth_type = AuthType::custom_keys;
  c.target = "https://m";
  c.keys = {{"X-API-Key", "secret-value"}};
  const auto plain = c.to_foundry(false);
  EXPECT_EQ(plain["credentials"], nlohmann::json({{"type", "CustomKeys"}}));
  EXPECT_EQ(plain["type"], "RemoteTool_Preview");
  EXPECT_EQ(c.to_foundry(true)["credentials"]["keys"]["X-API-Key"], "secret-value");
  EXPECT_EQ(c.to_arm().dump().find("secret-value"), std::string::npos);
}

TEST(ConnectionTest, StateRoundTripKeepsEverything) {
  Connection c;
  c.project = "alpha";
  c.name = "o";
  c.id = "id";
  c.auth_type = AuthType::oauth2;
  c.target = "https://m";
  c.oauth2 = OAuth2Settings{"cid", "cs", "https://a", "https://t", "https://r", {"s1", "s2"}};
  auto back = Connection::from_state(c.to_state());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->to_state(), c.to_state());
}

}  // namespace
}  // namespace toolauth::emulator
