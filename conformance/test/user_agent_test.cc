#include "toolauth/conformance/user_agent.h"

#include <gtest/gtest.h>

#include "toolauth/jose/hash.h"
#include "world_fixture.h"

namespace toolauth::conformance {
namespace {

using boost::asio::awaitable;

TEST(UserAgentTest, ReadsPagesAndUrls) {
  const std::string page =
      "<meta name=\"toolauth-step\" content=\"consent\">"
      "<form id=\"consent\" method=\"post\" action=\"/consent\">"
      "<input type=\"hidden\" name=\"flow\" value=\"f&amp;1\">"
      "<input type=\"hidden\" name=\"csrf_token\" value=\"c2\">";
  EXPECT_EQ(page_step(page), "consent");
  EXPECT_EQ(input_value(page, "flow"), "f&1");
  EXPECT_EQ(input_value(page, "csrf_token"), "c2");
  EXPECT_EQ(input_value(page, "absent"), "");
  EXPECT_EQ(form_action(page), "/consent");
  EXPECT_EQ(url_origin("https://localhost:4781/a/b?x=1"), "https://localhost:4781");
  EXPECT_EQ(resolve_url("https://h:1/a/b?q", "/login"), "https://h:1/login");
  EXPECT_EQ(resolve_url("https://h:1/a/b", "c"), "https://h:1/a/c");
  EXPECT_EQ(resolve_url("https://h:1/a", "http://o/x"), "http://o/x");
  EXPECT_EQ(url_params("https://cb/x?code=abc&state=s").get_or("code", ""), "abc");
  EXPECT_EQ(url_params("https://cb/x#error=access_denied").get_or("error", ""), "access_denied");
}

TEST(UserAgentTest, TamperedStateDiffersInOneCharacterOnly) {
  EXPECT_EQ(tampered_state("abc"), "Abc");
  EXPECT_EQ(tampered_state("Abc"), "Bbc");
  EXPECT_EQ(tampered_state(""), "x");
  EXPECT_EQ(with_tampered_state("https://iut/cb?code=c1&state=s%2B1#f"),
            "https://iut/cb?code=c1&state=A%2B1#f");
  EXPECT_EQ(with_tampered_state("https://iut/cb?code=c1"), "https://iut/cb?code=c1");
  EXPECT_EQ(with_tampered_state("https://iut/cb"), "https://iut/cb");
}

struct Walks {
  UserAgentWalk approved, again, declined;
};

// An authorize request of the public client `caller` for alice's Tools.Read on mcp-api, which
// the fixtures have not consented to: the pages ask.
std::string authorize_url(Environment& env, std::string scope) {
  const auto* tenant = find_named(env.world(), "tenants", "contoso");
  const auto* client = find_named(env.world(), "clients", "caller");
  return env.idp_url() + "/" + tenant->value("id", "") + "/oauth2/v2.0/authorize?" +
         http::encode_form({{"client_id", client->value("client_id", "")},
                            {"response_type", "code"},
                            {"redirect_uri", "https://localhost/callback"},
                            {"scope", scope},
                            {"state", "state-1"},
                            {"code_challenge", jose::pkce_s256_challenge(jose::random_token())},
                            {"code_challenge_method", "S256"}});
}

TEST(UserAgentTest, SignsInApprovesAndDeclinesAtTheMockIdp) {
  auto walks = testing::with_environment<Walks>([](Environment& env) -> awaitable<Walks> {
    const auto* resource = find_named(env.world(), "resources", "mcp-api");
    const auto* alice = find_named(env.world(), "users", "alice");
    const auto* bob = find_named(env.world(), "users", "bob");
    const auto app = resource->value("app_id_uri", "");
    Walks w;
    UserAgent browser(env.client(), {alice->value("username", ""), alice->value("password", "")});
    auto approved = co_await browser.open(authorize_url(env, app + "/Tools.Read"),
                                          ConsentDecision::approve, "https://localhost/callback");
    if (approved.ok()) w.approved = *approved;
    // The same browser again: signed in already and consented, so straight back with a code.
    auto again = co_await browser.open(authorize_url(env, app + "/Tools.Read"),
                                       ConsentDecision::decline, "https://localhost/callback");
    if (again.ok()) w.again = *again;
    UserAgent other(env.client(), {bob->value("username", ""), bob->value("password", "")});
    auto declined = co_await other.open(authorize_url(env, app + "/Tools.Read"),
                                        ConsentDecision::decline, "https://localhost/callback");
    if (declined.ok()) w.declined = *declined;
    co_return w;
  });
  EXPECT_TRUE(walks.approved.signed_in);
  EXPECT_TRUE(walks.approved.consent_shown);
  EXPECT_FALSE(walks.approved.params.get_or("code", "").empty());
  EXPECT_EQ(walks.approved.params.get_or("state", ""), "state-1");
  EXPECT_TRUE(walks.approved.final_url.starts_with("https://localhost/callback?"));

  EXPECT_FALSE(walks.again.signed_in);
  EXPECT_FALSE(walks.again.consent_shown);
  EXPECT_FALSE(walks.again.params.get_or("code", "").empty());

  EXPECT_TRUE(walks.declined.consent_shown);
  EXPECT_EQ(walks.declined.params.get_or("error", ""), "access_denied");
  EXPECT_FALSE(walks.declined.params.has("code"));
}

TEST(UserAgentTest, TampersWithTheStateOnlyOnTheWayBackToTheGivenPrefix) {
  auto walk = testing::with_environment<UserAgentWalk>([](Environment& env)
                                                           -> awaitable<UserAgentWalk> {
    const auto* resource = find_named(env.world(), "resources", "mcp-api");
    const auto* alice = find_named(env.world(), "users", "alice");
    UserAgent browser(env.client(), {alice->value("username", ""), alice->value("password", "")});
    browser.tamper_state_at("https://localhost/callback");
    auto done =
        co_await browser.open(authorize_url(env, resource->value("app_id_uri", "") + "/Tools.Read"),
                              ConsentDecision::approve, "https://localhost/callback");
    co_return done.ok() ? *done : UserAgentWalk{};
  });
  // mock-idp got the real state (it answered with a code); the callback sees another one.
  EXPECT_FALSE(walk.params.get_or("code", "").empty());
  EXPECT_EQ(walk.params.get_or("state", ""), "Atate-1");
  EXPECT_NE(std::find(walk.trail.begin(), walk.trail.end(), "state tampered"), walk.trail.end());
}

TEST(UserAgentTest, AWrongPasswordEndsOnTheLoginPageAgainWithoutLooping) {
  auto walk =
      testing::with_environment<UserAgentWalk>([](Environment& env) -> awaitable<UserAgentWalk> {
        const auto* resource = find_named(env.world(), "resources", "mcp-api");
        UserAgent browser(env.client(), {"alice@contoso.onmicrosoft.com", "wrong-password"});
        auto w = co_await browser.open(
            authorize_url(env, resource->value("app_id_uri", "") + "/Tools.Read"),
            ConsentDecision::approve, "https://localhost/callback");
        co_return w.ok() ? *w : UserAgentWalk{};
      });
  // The login page comes back with AADSTS50126, once: the walk ends there, without a code.
  EXPECT_TRUE(walk.signed_in);
  EXPECT_EQ(page_step(walk.final_body), "login");
  EXPECT_NE(walk.final_body.find("50126"), std::string::npos);
  EXPECT_FALSE(walk.params.has("code"));
}

}  // namespace
}  // namespace toolauth::conformance
