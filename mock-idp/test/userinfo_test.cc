// The OIDC UserInfo endpoint over real HTTPS.

#include <gtest/gtest.h>

#include "sign_in_driver.h"

namespace toolauth::idp {
namespace {

using testing::json_body;
using testing::jwt_claims;
using testing::token_request;

class UserinfoTest : public ::testing::Test {
 protected:
  testing::UserFlowServer server_;

  std::string caller_id() {
    return server_.on_server_thread(
        [&] { return server_.provider().directory().application_named("caller")->client_id; });
  }
  nlohmann::json tokens(const std::string& scope) {
    auto response = token_request(server_, "contoso.onmicrosoft.com",
                                  {{"grant_type", "password"},
                                   {"client_id", caller_id()},
                                   {"username", "alice@contoso.onmicrosoft.com"},
                                   {"password", "alice-Passw0rd!"},
                                   {"scope", scope}});
    EXPECT_EQ(response.status, 200) << response.body;
    return json_body(response);
  }
  http::ClientResponse userinfo(const std::string& token, http::Method method = http::Method::get) {
    http::Headers headers;
    if (!token.empty()) headers.set("Authorization", "Bearer " + token);
    return server_.send(method, "/oidc/userinfo", std::move(headers));
  }
};

TEST_F(UserinfoTest, AnswersForAGraphTokenWithOpenid) {
  auto t = tokens("openid profile email");
  auto response = userinfo(t["access_token"]);
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = json_body(response);
  EXPECT_EQ(body["sub"], jwt_claims(t["id_token"].get<std::string>())["sub"]);
  EXPECT_EQ(body["oid"], "1aa615a9-4b6a-4551-a061-ae14a1dbf721");
  EXPECT_EQ(body["name"], "Alice Adams");
  EXPECT_EQ(body["given_name"], "Alice");
  EXPECT_EQ(body["family_name"], "Adams");
  EXPECT_EQ(body["email"], "alice@contoso.onmicrosoft.com");
  EXPECT_EQ(body["preferred_username"], "alice@contoso.onmicrosoft.com");
  EXPECT_EQ(userinfo(t["access_token"], http::Method::post).status, 200);
  auto v1 = server_.send(http::Method::get, "/contoso.onmicrosoft.com/openid/userinfo", [&] {
    http::Headers h;
    h.set("Authorization", "Bearer " + t["access_token"].get<std::string>());
    return h;
  }());
  EXPECT_EQ(v1.status, 200);
}

TEST_F(UserinfoTest, ClaimsFollowTheScopes) {
  auto body = json_body(userinfo(tokens("openid")["access_token"]));
  EXPECT_TRUE(body.contains("sub"));
  EXPECT_FALSE(body.contains("name"));
  EXPECT_FALSE(body.contains("email"));
}

TEST_F(UserinfoTest, NoTokenIs401WithABearerChallenge) {
  auto response = userinfo("");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.headers.get("www-authenticate").value_or(""), "Bearer realm=\"toolauth\"");
}

TEST_F(UserinfoTest, TokenForAnotherAudienceIs401InvalidToken) {
  auto response =
      userinfo(tokens("https://ai.azure.com/user_impersonation openid")["access_token"]);
  EXPECT_EQ(response.status, 401);
  const auto challenge = std::string(response.headers.get("www-authenticate").value_or(""));
  EXPECT_NE(challenge.find("error=\"invalid_token\""), std::string::npos) << challenge;
}

TEST_F(UserinfoTest, IdTokenIsNoAccessToken) {
  auto response = userinfo(tokens("openid profile")["id_token"]);
  EXPECT_EQ(response.status, 401);
}

TEST_F(UserinfoTest, ExpiredTokenIs401) {
  const auto token = tokens("openid profile")["access_token"].get<std::string>();
  server_.advance_clock(std::chrono::seconds(3601));
  EXPECT_EQ(userinfo(token).status, 401);
}

TEST_F(UserinfoTest, TamperedTokenIs401) {
  auto token = tokens("openid profile")["access_token"].get<std::string>();
  // Change the payload (claims) but keep the signature: it no longer verifies.
  const auto first = token.find('.');
  auto claims = jwt_claims(token);
  claims["oid"] = "8b3a1535-3f13-4b70-9856-c32a687b253b";  // bob
  token = token.substr(0, first + 1) + jose::base64url_encode(claims.dump()) +
          token.substr(token.find('.', first + 1));
  EXPECT_EQ(userinfo(token).status, 401);
}

TEST_F(UserinfoTest, GraphTokenWithoutOpenidIsInsufficientScope) {
  auto response = userinfo(tokens("User.Read")["access_token"]);
  EXPECT_EQ(response.status, 403);
  EXPECT_NE(
      std::string(response.headers.get("www-authenticate").value_or("")).find("insufficient_scope"),
      std::string::npos);
}

TEST_F(UserinfoTest, AppOnlyTokenIsRefused) {
  auto app = token_request(
      server_, "contoso.onmicrosoft.com",
      {{"grant_type", "client_credentials"},
       {"client_id", server_.on_server_thread([&] {
          return server_.provider().directory().application_named("foundry")->client_id;
        })},
       {"client_secret", "foundry-secret-5da24106-869b-4c3d"},
       {"scope", "https://graph.microsoft.com/.default"}});
  ASSERT_EQ(app.status, 200) << app.body;
  EXPECT_EQ(userinfo(json_body(app)["access_token"]).status, 401);
}

}  // namespace
}  // namespace toolauth::idp
