#include "toolauth/oauth/authorization_request.h"

#include <gtest/gtest.h>

#include "toolauth/http/params.h"
#include "toolauth/oauth/error.h"
#include "toolauth/oauth/pkce.h"

namespace toolauth::oauth {
namespace {

AuthorizationRequest make_request() {
  return {.authorization_url = "https://login.example/tenant/oauth2/v2.0/authorize",
          .client_id = "client-1",
          .redirect_uri = "https://emulator.example/oauth/callback?project=alpha",
          .scopes = {"api://mcp/Tools.Read", "openid"},
          .state = "state-123",
          .code_challenge = Pkce::generate().value().challenge};
}

http::Params query_of(const std::string& url) {
  return http::parse_query(url.substr(url.find('?') + 1)).value();
}

void expect_invalid(const AuthorizationRequest& request) {
  auto url = build_authorization_url(request);
  ASSERT_FALSE(url.ok()) << *url;
  EXPECT_EQ(url.code(), Errc::invalid_argument);
}

TEST(AuthorizationRequestTest, CarriesEveryParameterOfAPkceCodeRequest) {
  const auto request = make_request();
  const auto url = build_authorization_url(request).value();
  EXPECT_TRUE(url.starts_with(request.authorization_url + "?response_type=code&")) << url;
  const auto query = query_of(url);
  EXPECT_EQ(query.get("response_type"), "code");
  EXPECT_EQ(query.get("client_id"), "client-1");
  EXPECT_EQ(query.get("redirect_uri"), request.redirect_uri);
  EXPECT_EQ(query.get("scope"), "api://mcp/Tools.Read openid offline_access");
  EXPECT_EQ(query.get("state"), "state-123");
  EXPECT_EQ(query.get("code_challenge"), request.code_challenge);
  EXPECT_EQ(query.get("code_challenge_method"), "S256");
  EXPECT_FALSE(query.first_repeated());
}

TEST(AuthorizationRequestTest, EncodesReservedCharactersAndSpacesAsPercentEscapes) {
  auto request = make_request();
  request.state = "a+b&c=d e";
  const auto url = build_authorization_url(request).value();
  EXPECT_NE(url.find("state=a%2Bb%26c%3Dd%20e"), std::string::npos) << url;
  EXPECT_NE(url.find("scope=api%3A%2F%2Fmcp%2FTools.Read%20openid%20offline_access"),
            std::string::npos)
      << url;
  EXPECT_EQ(url.find('+'), std::string::npos) << url;
  EXPECT_EQ(query_of(url).get("state"), "a+b&c=d e");
}

TEST(AuthorizationRequestTest, KeepsTheAuthorizationUrlsOwnQueryParameters) {
  auto request = make_request();
  request.authorization_url = "https://idp.example/authorize?p=B2C_1_signin&tenant=x%20y";
  const auto url = build_authorization_url(request).value();
  EXPECT_TRUE(url.starts_with("https://idp.example/authorize?p=B2C_1_signin&tenant=x%20y&")) << url;
  EXPECT_EQ(query_of(url).get("p"), "B2C_1_signin");
  EXPECT_EQ(query_of(url).get("client_id"), "client-1");
}

TEST(AuthorizationRequestTest, OfflineAccessIsAddedOnceAndOnlyWhenWanted) {
  auto request = make_request();
  request.scopes = {"offline_access", "User.Read"};
  EXPECT_EQ(query_of(build_authorization_url(request).value()).get("scope"),
            "offline_access User.Read");
  request.offline_access = false;
  request.scopes = {"User.Read"};
  EXPECT_EQ(query_of(build_authorization_url(request).value()).get("scope"), "User.Read");
}

TEST(AuthorizationRequestTest, AppendsExtraParametersInOrder) {
  auto request = make_request();
  request.extra = {{"prompt", "consent"}, {"login_hint", "alice@contoso.example"}};
  const auto url = build_authorization_url(request).value();
  EXPECT_TRUE(url.ends_with("&prompt=consent&login_hint=alice%40contoso.example")) << url;
}

TEST(AuthorizationRequestTest, RejectsParameterSmugglingThroughTheAuthorizationUrl) {
  // An authorization URL that already names a client or redirect would send the parameter
  // twice, and IdPs differ on which one wins.
  auto request = make_request();
  request.authorization_url = "https://idp.example/authorize?redirect_uri=https://evil.example";
  expect_invalid(request);
  request = make_request();
  request.extra = {{"client_id", "other"}};
  expect_invalid(request);
}

TEST(AuthorizationRequestTest, RejectsPlainHttpToARemoteHost) {
  auto request = make_request();
  request.authorization_url = "http://idp.example/authorize";
  expect_invalid(request);
  request.authorization_url = "http://127.0.0.1:4781/t/oauth2/v2.0/authorize";
  EXPECT_TRUE(build_authorization_url(request).ok());
}

TEST(AuthorizationRequestTest, RejectsAFragmentOrARelativeUrl) {
  auto request = make_request();
  request.authorization_url = "https://idp.example/authorize#frag";
  expect_invalid(request);
  request.authorization_url = "/authorize";
  expect_invalid(request);
}

TEST(AuthorizationRequestTest, RequiresStateClientRedirectAndAnS256Challenge) {
  auto request = make_request();
  request.state.clear();
  expect_invalid(request);
  request = make_request();
  request.client_id.clear();
  expect_invalid(request);
  request = make_request();
  request.redirect_uri.clear();
  expect_invalid(request);
  request = make_request();
  request.code_challenge = "plain-verifier-is-not-a-challenge";
  expect_invalid(request);
}

TEST(AuthorizationRequestTest, RejectsScopesThatWouldSplitOrQuote) {
  for (const char* bad : {"", "a b", "a\"b", "a\\b", "caf\xc3\xa9"}) {
    auto request = make_request();
    request.scopes = {bad};
    expect_invalid(request);
  }
}

}  // namespace
}  // namespace toolauth::oauth
