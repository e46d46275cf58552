// grant_type=password (ROPC) for fixture users over real HTTPS.

#include <gtest/gtest.h>

#include "sign_in_driver.h"

namespace toolauth::idp {
namespace {

using testing::aadsts;
using testing::json_body;
using testing::jwt_claims;
using testing::token_request;

constexpr std::string_view kContoso = "contoso.onmicrosoft.com";

class PasswordTest : public ::testing::Test {
 protected:
  testing::UserFlowServer server_;

  std::string client_id(std::string_view name) {
    return server_.on_server_thread(
        [&] { return server_.provider().directory().application_named(name)->client_id; });
  }
  http::ClientResponse ropc(std::string_view tenant, const std::string& username,
                            const std::string& password,
                            const std::string& scope =
                                "https://ai.azure.com/user_impersonation "
                                "openid profile offline_access") {
    return token_request(server_, tenant,
                         {{"grant_type", "password"},
                          {"client_id", client_id("caller")},
                          {"username", username},
                          {"password", password},
                          {"scope", scope},
                          {"client_info", "1"}});
  }
};

TEST_F(PasswordTest, FixtureUserGetsTokens) {
  auto response = ropc(kContoso, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = json_body(response);
  EXPECT_TRUE(body.contains("refresh_token"));
  EXPECT_TRUE(body.contains("client_info"));
  auto access = jwt_claims(body["access_token"].get<std::string>());
  EXPECT_EQ(access["upn"], "alice@contoso.onmicrosoft.com");
  EXPECT_EQ(access["aud"], "https://ai.azure.com");
  auto id = jwt_claims(body["id_token"].get<std::string>());
  EXPECT_EQ(id["preferred_username"], "alice@contoso.onmicrosoft.com");
  EXPECT_FALSE(id.contains("nonce"));
}

TEST_F(PasswordTest, UsernameIsCaseInsensitive) {
  EXPECT_EQ(ropc(kContoso, "Alice@Contoso.onmicrosoft.com", "alice-Passw0rd!").status, 200);
}

TEST_F(PasswordTest, WrongPasswordIsRefusedWith50126) {
  auto response = ropc(kContoso, "alice@contoso.onmicrosoft.com", "alice-passw0rd!");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 50126);
  EXPECT_EQ(json_body(response)["error"], "invalid_grant");
}

TEST_F(PasswordTest, UnknownUserIsTheSame50126) {
  auto response = ropc(kContoso, "mallory@contoso.onmicrosoft.com", "x");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 50126);
}

TEST_F(PasswordTest, UserOfAnotherTenantIsRefusedWith50020) {
  auto response = ropc(kContoso, "carol@fabrikam.onmicrosoft.com", "carol-Passw0rd!");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 50020);
}

TEST_F(PasswordTest, MissingConsentIsRefusedWith65001) {
  auto response = ropc(kContoso, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!",
                       "api://" + client_id("mcp-api") + "/Tools.Read");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 65001);
  EXPECT_EQ(json_body(response)["suberror"], "consent_required");
}

TEST_F(PasswordTest, CommonEndpointSignsInToTheUsersTenant) {
  auto response =
      ropc("organizations", "carol@fabrikam.onmicrosoft.com", "carol-Passw0rd!", "openid profile");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(jwt_claims(json_body(response)["id_token"].get<std::string>())["tid"],
            "db149e47-14be-49ab-b93f-e42eabd2d9f2");
}

TEST_F(PasswordTest, ClientWithoutThePasswordGrantIsRefused) {
  auto response = token_request(server_, kContoso,
                                {{"grant_type", "password"},
                                 {"client_id", client_id("connector")},
                                 {"client_secret", "connector-secret-76e2507b-c7b1-4aa8"},
                                 {"username", "alice@contoso.onmicrosoft.com"},
                                 {"password", "alice-Passw0rd!"},
                                 {"scope", "openid"}});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 700054);
}

TEST_F(PasswordTest, MissingParametersAre900144) {
  auto response = token_request(server_, kContoso,
                                {{"grant_type", "password"},
                                 {"client_id", client_id("caller")},
                                 {"username", "alice@contoso.onmicrosoft.com"},
                                 {"scope", "openid"}});
  EXPECT_EQ(aadsts(response), 900144);
}

TEST_F(PasswordTest, PasswordNeverReachesTheJournal) {
  ropc(kContoso, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  ropc(kContoso, "alice@contoso.onmicrosoft.com", "wrong-Passw0rd!");
  for (const auto& entry : server_.journal().query({.kind = "token"})) {
    EXPECT_EQ(entry.fields.dump().find("Passw0rd"), std::string::npos) << entry.fields.dump();
  }
}

}  // namespace
}  // namespace toolauth::idp
