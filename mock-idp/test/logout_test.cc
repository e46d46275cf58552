// The end-session endpoint over real HTTPS.

#include <gtest/gtest.h>

#include "sign_in_driver.h"

namespace toolauth::idp {
namespace {

using testing::Browser;
using testing::page_step;
using testing::redirect_params;

constexpr std::string_view kContoso = "contoso.onmicrosoft.com";

class LogoutTest : public ::testing::Test {
 protected:
  testing::UserFlowServer server_;
  Browser browser_{server_};
  testing::Pkce pkce_;

  std::string caller_id() {
    return server_.on_server_thread(
        [&] { return server_.provider().directory().application_named("caller")->client_id; });
  }
  http::Params request(std::string prompt = {}) {
    http::Params p = {
        {"client_id", caller_id()},          {"redirect_uri", "https://localhost/callback"},
        {"response_type", "code"},           {"scope", "openid profile"},
        {"code_challenge", pkce_.challenge}, {"code_challenge_method", "S256"}};
    if (!prompt.empty()) p.add("prompt", prompt);
    return p;
  }
  void sign_in() {
    auto params = testing::sign_in_for_code(browser_, kContoso, request(),
                                            "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
    ASSERT_TRUE(params.has("code"));
    ASSERT_FALSE(browser_.cookies.empty());
  }
  std::string logout_path(const http::Params& params) {
    return "/" + std::string(kContoso) + "/oauth2/v2.0/logout?" + http::encode_form(params);
  }
};

TEST_F(LogoutTest, EndsTheSessionAndShowsTheSignedOutPage) {
  sign_in();
  auto response = browser_.get("/" + std::string(kContoso) + "/oauth2/v2.0/logout");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(page_step(response.body), "signed-out");
  EXPECT_TRUE(browser_.cookies.empty());
  EXPECT_NE(browser_.set_cookies.back().find("Max-Age=0"), std::string::npos);
  // The session is gone on the server too: a silent request needs a sign-in.
  auto silent = browser_.get(testing::authorize_path(kContoso, request("none")));
  EXPECT_EQ(redirect_params(silent).get_or("error", ""), "login_required");
  auto entries = server_.journal().query({.kind = "logout"});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].fields["session_ended"], true);
  EXPECT_EQ(entries[0].fields["user"], "alice");
}

TEST_F(LogoutTest, StolenCookieIsUselessAfterLogout) {
  sign_in();
  const auto cookies = browser_.cookies;
  browser_.get("/" + std::string(kContoso) + "/oauth2/v2.0/logout");
  browser_.cookies = cookies;  // replayed by whoever copied it
  auto silent = browser_.get(testing::authorize_path(kContoso, request("none")));
  EXPECT_EQ(redirect_params(silent).get_or("error", ""), "login_required");
}

TEST_F(LogoutTest, RegisteredPostLogoutUriOfTheNamedClientIsFollowedWithState) {
  sign_in();
  auto response =
      browser_.get(logout_path({{"client_id", caller_id()},
                                {"post_logout_redirect_uri", "https://localhost/callback"},
                                {"state", "bye"}}));
  EXPECT_EQ(response.status, 302);
  EXPECT_EQ(testing::location(response), "https://localhost/callback?state=bye");
}

TEST_F(LogoutTest, IdTokenHintNamesTheClient) {
  auto params = testing::sign_in_for_code(browser_, kContoso, request(),
                                          "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  auto tokens =
      testing::json_body(testing::token_request(server_, kContoso,
                                                {{"grant_type", "authorization_code"},
                                                 {"client_id", caller_id()},
                                                 {"code", params.get_or("code", "")},
                                                 {"redirect_uri", "https://localhost/callback"},
                                                 {"code_verifier", pkce_.verifier}}));
  auto response =
      browser_.get(logout_path({{"id_token_hint", tokens["id_token"]},
                                {"post_logout_redirect_uri", "https://localhost/callback"}}));
  EXPECT_EQ(response.status, 302);
}

TEST_F(LogoutTest, UnregisteredPostLogoutUriIsNotFollowed) {
  sign_in();
  for (const auto* uri : {"https://evil.example/", "https://localhost/callback/"}) {
    auto response =
        browser_.get(logout_path({{"client_id", caller_id()}, {"post_logout_redirect_uri", uri}}));
    EXPECT_EQ(response.status, 200) << uri;
    EXPECT_FALSE(response.headers.has("location")) << uri;
    EXPECT_EQ(page_step(response.body), "signed-out");
  }
  // Without a client, only some application's registered post-logout URI would do.
  auto anonymous =
      browser_.get(logout_path({{"post_logout_redirect_uri", "https://localhost/callback"}}));
  EXPECT_EQ(anonymous.status, 200);
  auto entries =
      server_.journal().query({.kind = "logout", .where = {{"outcome", "redirect_refused"}}});
  EXPECT_EQ(entries.size(), 3u);
}

TEST_F(LogoutTest, RegisteredPostLogoutUriWithoutAClient) {
  server_.on_server_thread([&] {
    for (auto& app : server_.provider().directory().applications) {
      if (app.name == "connector") app.post_logout_redirect_uris = {"https://localhost:4780/bye"};
    }
  });
  auto response =
      browser_.get(logout_path({{"post_logout_redirect_uri", "https://localhost:4780/bye"}}));
  EXPECT_EQ(response.status, 302);
  EXPECT_EQ(testing::location(response), "https://localhost:4780/bye");
}

TEST_F(LogoutTest, UnknownTenantIsAnErrorPage) {
  auto response = browser_.get("/nowhere.example/oauth2/v2.0/logout");
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("AADSTS90002"), std::string::npos);
}

}  // namespace
}  // namespace toolauth::idp
