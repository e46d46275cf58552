// The authorize endpoint and the sign-in and consent pages over real HTTPS, driven with plain
// form POSTs as a script (or the conformance suite's headless user agent) would.

#include "toolauth/idp/sign_in.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "sign_in_driver.h"
#include "toolauth/jose/base64url.h"

namespace toolauth::idp {
namespace {

using testing::Browser;
using testing::input_value;
using testing::page_step;
using testing::redirect_params;

constexpr std::string_view kContoso = "contoso.onmicrosoft.com";
constexpr std::string_view kFabrikam = "fabrikam.onmicrosoft.com";
constexpr std::string_view kCallerRedirect = "https://localhost/callback";
constexpr std::string_view kConnectorRedirect = "https://localhost:4780/oauth/callback";

class SignInTest : public ::testing::Test {
 protected:
  testing::UserFlowServer server_;
  Browser browser_{server_};
  testing::Pkce pkce_;

  std::string client_id(std::string_view name) {
    return server_.on_server_thread(
        [&] { return server_.provider().directory().application_named(name)->client_id; });
  }
  std::string mcp_api_scope(std::string_view permission) {
    return "api://" + client_id("mcp-api") + "/" + std::string(permission);
  }
  // An authorization request of the public client for Foundry (pre-authorized: no consent).
  http::Params caller_request(std::map<std::string, std::string> changes = {}) {
    std::map<std::string, std::string> values = {
        {"client_id", client_id("caller")},
        {"redirect_uri", std::string(kCallerRedirect)},
        {"response_type", "code"},
        {"scope", "https://ai.azure.com/user_impersonation openid profile offline_access"},
        {"state", "state-1"},
        {"nonce", "nonce-1"},
        {"code_challenge", pkce_.challenge},
        {"code_challenge_method", "S256"}};
    for (const auto& [k, v] : changes) values[k] = v;
    http::Params out;
    for (const auto& [k, v] : values) {
      if (!v.empty()) out.add(k, v);
    }
    return out;
  }
  http::Params connector_request(std::string scope) {
    return caller_request({{"client_id", client_id("connector")},
                           {"redirect_uri", std::string(kConnectorRedirect)},
                           {"scope", std::move(scope)}});
  }
  http::ClientResponse authorize(const http::Params& params, std::string_view tenant = kContoso) {
    return browser_.get(testing::authorize_path(tenant, params));
  }
  std::vector<service::JournalEntry> journal(std::map<std::string, std::string> where) {
    return server_.journal().query({.kind = "authorize", .where = std::move(where)});
  }
};

TEST_F(SignInTest, LoginPageListsTheTenantsUsers) {
  auto page = authorize(caller_request());
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page_step(page.body), "login");
  EXPECT_NE(page.body.find("value=\"alice@contoso.onmicrosoft.com\" checked>"), std::string::npos);
  EXPECT_NE(page.body.find("value=\"bob@contoso.onmicrosoft.com\""), std::string::npos);
  EXPECT_EQ(page.body.find("carol@fabrikam"), std::string::npos);  // another tenant
  EXPECT_FALSE(input_value(page.body, "flow").empty());
  EXPECT_FALSE(input_value(page.body, "csrf_token").empty());
  EXPECT_EQ(page.headers.get("cache-control").value_or(""), "no-store");
}

TEST_F(SignInTest, LoginHintAndDomainHintPreselect) {
  auto hinted = authorize(caller_request({{"login_hint", "BOB@contoso.onmicrosoft.com"}}));
  EXPECT_NE(hinted.body.find("value=\"bob@contoso.onmicrosoft.com\" checked>"), std::string::npos);
  EXPECT_EQ(hinted.body.find("value=\"alice@contoso.onmicrosoft.com\" checked>"),
            std::string::npos);
  auto common = authorize(caller_request({{"domain_hint", "fabrikam.onmicrosoft.com"}}), "common");
  EXPECT_NE(common.body.find("value=\"carol@fabrikam.onmicrosoft.com\" checked>"),
            std::string::npos);
}

TEST_F(SignInTest, SignInRedirectsWithACodeAndTheExactState) {
  const std::string state = "a b&c=d/é?%";
  auto page = authorize(caller_request({{"state", state}}));
  auto done = browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  ASSERT_EQ(done.status, 302) << done.body;
  EXPECT_TRUE(testing::location(done).starts_with(std::string(kCallerRedirect) + "?code="));
  auto params = redirect_params(done);
  EXPECT_FALSE(params.get_or("code", "").empty());
  EXPECT_EQ(params.get_or("state", ""), state);
  EXPECT_FALSE(params.has("iss"));  // entra profile
  EXPECT_FALSE(params.has("client_info"));
}

TEST_F(SignInTest, WrongPasswordShowsThePageAgainWith50126) {
  auto page = authorize(caller_request());
  auto again = browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "wrong");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(page_step(again.body), "login");
  EXPECT_NE(again.body.find("AADSTS50126"), std::string::npos);
  EXPECT_TRUE(browser_.cookies.empty());
  // The new page's token works; the first page's token is spent.
  EXPECT_NE(input_value(again.body, "csrf_token"), input_value(page.body, "csrf_token"));
  auto replay = browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  EXPECT_EQ(replay.status, 400);
  auto done = browser_.sign_in(again, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  EXPECT_EQ(done.status, 302);
  auto entries = journal({{"step", "login"}, {"error_code", "50126"}});
  EXPECT_EQ(entries.size(), 1u);
}

TEST_F(SignInTest, UnknownUserIsTheSame50126) {
  auto page = authorize(caller_request());
  auto again = browser_.sign_in(page, "mallory@contoso.onmicrosoft.com", "x");
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("AADSTS50126"), std::string::npos);
}

TEST_F(SignInTest, UserOfAnotherTenantIsRefusedWith50020) {
  auto page = authorize(caller_request());
  auto again = browser_.sign_in(page, "carol@fabrikam.onmicrosoft.com", "carol-Passw0rd!");
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("AADSTS50020"), std::string::npos);
}

TEST_F(SignInTest, SessionCookieIsHttpOnlySecureLax) {
  auto page = authorize(caller_request());
  browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  ASSERT_EQ(browser_.set_cookies.size(), 1u);
  const auto& cookie = browser_.set_cookies.front();
  EXPECT_TRUE(cookie.starts_with("toolauth_idp_session=")) << cookie;
  for (const auto* attribute : {"; HttpOnly", "; Secure", "; SameSite=Lax", "; Path=/"})
    EXPECT_NE(cookie.find(attribute), std::string::npos) << attribute;
}

TEST_F(SignInTest, ExistingSessionSkipsThePassword) {
  browser_.sign_in(authorize(caller_request()), "bob@contoso.onmicrosoft.com", "bob-Passw0rd!");
  auto again = authorize(caller_request({{"state", "second"}}));
  ASSERT_EQ(again.status, 302) << again.body;
  EXPECT_EQ(redirect_params(again).get_or("state", ""), "second");
  auto entries = journal({{"step", "request"}, {"outcome", "code"}});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].fields["user"], "bob");
}

TEST_F(SignInTest, PromptLoginAsksForThePasswordDespiteASession) {
  browser_.sign_in(authorize(caller_request()), "bob@contoso.onmicrosoft.com", "bob-Passw0rd!");
  auto page = authorize(caller_request({{"prompt", "login"}}));
  EXPECT_EQ(page_step(page.body), "login");
  auto refused = browser_.sign_in(page, "bob@contoso.onmicrosoft.com", "");
  EXPECT_NE(refused.body.find("AADSTS50126"), std::string::npos);
}

TEST_F(SignInTest, SelectAccountShowsThePickerAndTheSignedInAccountNeedsNoPassword) {
  browser_.sign_in(authorize(caller_request()), "bob@contoso.onmicrosoft.com", "bob-Passw0rd!");
  auto page = authorize(caller_request({{"prompt", "select_account"}}));
  EXPECT_EQ(page_step(page.body), "login");
  EXPECT_NE(page.body.find("value=\"bob@contoso.onmicrosoft.com\" checked>"), std::string::npos);
  auto done = browser_.sign_in(page, "bob@contoso.onmicrosoft.com", "");
  EXPECT_EQ(done.status, 302) << done.body;
  // Another account still needs its password.
  auto other = authorize(caller_request({{"prompt", "select_account"}}));
  auto refused = browser_.sign_in(other, "alice@contoso.onmicrosoft.com", "");
  EXPECT_NE(refused.body.find("AADSTS50126"), std::string::npos);
}

TEST_F(SignInTest, ConsentPageListsThePermissionsAndApprovalIsRemembered) {
  auto page = authorize(connector_request(mcp_api_scope("Tools.Read") + " offline_access"));
  auto consent = browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  ASSERT_EQ(consent.status, 200);
  ASSERT_EQ(page_step(consent.body), "consent");
  EXPECT_NE(consent.body.find("Foundry OAuth2 connection client"), std::string::npos);
  EXPECT_NE(consent.body.find("<strong>Tools.Read</strong>"), std::string::npos);
  EXPECT_NE(consent.body.find("List the MCP tools"), std::string::npos);
  EXPECT_NE(consent.body.find("Contoso MCP Tools API"), std::string::npos);
  EXPECT_NE(consent.body.find("<strong>offline_access</strong>"), std::string::npos);
  EXPECT_EQ(consent.body.find("Tools.Invoke"), std::string::npos);
  auto done = browser_.consent(consent, "approve");
  ASSERT_EQ(done.status, 302) << done.body;
  EXPECT_TRUE(testing::location(done).starts_with(std::string(kConnectorRedirect) + "?code="));

  const auto granted = server_.on_server_thread([&] {
    const auto& d = server_.provider().directory();
    return server_.provider().consents().granted(
        *d.application_named("connector"), *d.application_named("mcp-api"), *d.user_named("alice"));
  });
  EXPECT_EQ(granted, std::vector<std::string>{"Tools.Read"});
  // Next time: no consent page, straight to the code (the session signs alice in).
  auto again = authorize(connector_request(mcp_api_scope("Tools.Read")));
  EXPECT_EQ(again.status, 302) << again.body;
  // A new permission asks again.
  auto more = authorize(connector_request(mcp_api_scope("Tools.Invoke")));
  EXPECT_EQ(page_step(more.body), "consent");
}

TEST_F(SignInTest, PromptConsentAlwaysShowsTheConsentPage) {
  auto page = authorize(caller_request({{"prompt", "consent"}}));
  auto consent = browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  EXPECT_EQ(page_step(consent.body), "consent");
  EXPECT_NE(consent.body.find("<strong>user_impersonation</strong>"), std::string::npos);
  EXPECT_EQ(browser_.consent(consent, "approve").status, 302);
}

TEST_F(SignInTest, DeclineRedirectsWithAccessDenied) {
  auto page = authorize(connector_request(mcp_api_scope("Tools.Read")));
  auto consent = browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  auto declined = browser_.consent(consent, "decline");
  ASSERT_EQ(declined.status, 302);
  auto params = redirect_params(declined);
  EXPECT_EQ(params.get_or("error", ""), "access_denied");
  EXPECT_TRUE(params.get_or("error_description", "").starts_with("AADSTS65004:"));
  EXPECT_EQ(params.get_or("state", ""), "state-1");
  EXPECT_FALSE(params.has("code"));
  auto entries = journal({{"step", "consent"}, {"outcome", "error"}});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].fields["error_code"], 65004);
  EXPECT_EQ(entries[0].fields["user"], "alice");
}

TEST_F(SignInTest, PromptNoneWithoutSessionIsLoginRequiredAtTheRedirectUri) {
  auto silent = authorize(caller_request({{"prompt", "none"}}));
  ASSERT_EQ(silent.status, 302);
  auto params = redirect_params(silent);
  EXPECT_EQ(params.get_or("error", ""), "login_required");
  EXPECT_TRUE(params.get_or("error_description", "").starts_with("AADSTS50058:"));
  EXPECT_EQ(params.get_or("state", ""), "state-1");
}

TEST_F(SignInTest, PromptNoneWithoutConsentIsConsentRequired) {
  browser_.sign_in(authorize(caller_request()), "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  auto silent =
      authorize(caller_request({{"prompt", "none"}, {"scope", mcp_api_scope("Tools.Read")}}));
  ASSERT_EQ(silent.status, 302);
  auto params = redirect_params(silent);
  EXPECT_EQ(params.get_or("error", ""), "consent_required");
  EXPECT_TRUE(params.get_or("error_description", "").starts_with("AADSTS65001:"));
}

TEST_F(SignInTest, PromptNoneWithSessionAndConsentGivesACode) {
  browser_.sign_in(authorize(caller_request()), "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  auto silent = authorize(caller_request({{"prompt", "none"}}));
  ASSERT_EQ(silent.status, 302);
  EXPECT_TRUE(redirect_params(silent).has("code"));
}

TEST_F(SignInTest, MaxAgeOlderThanTheSignInAsksForItAgain) {
  browser_.sign_in(authorize(caller_request()), "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  server_.advance_clock(std::chrono::seconds(61));
  auto fresh = authorize(caller_request({{"prompt", "none"}, {"max_age", "120"}}));
  EXPECT_TRUE(redirect_params(fresh).has("code"));
  auto stale = authorize(caller_request({{"prompt", "none"}, {"max_age", "60"}}));
  EXPECT_EQ(redirect_params(stale).get_or("error", ""), "login_required");
}

TEST_F(SignInTest, MaxAgeOverflowAttemptKeepsTheSession) {
  // Seconds that no time_point holds: added to the sign-in time they used to overflow.
  browser_.sign_in(authorize(caller_request()), "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  auto silent = authorize(caller_request({{"prompt", "none"}, {"max_age", "9223372036854775807"}}));
  ASSERT_EQ(silent.status, 302);
  EXPECT_TRUE(redirect_params(silent).has("code"));
}

TEST_F(SignInTest, LoginHintForAnotherUserIgnoresTheSession) {
  browser_.sign_in(authorize(caller_request()), "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  auto silent = authorize(
      caller_request({{"prompt", "none"}, {"login_hint", "bob@contoso.onmicrosoft.com"}}));
  EXPECT_EQ(redirect_params(silent).get_or("error", ""), "login_required");
}

TEST_F(SignInTest, RedirectUriMismatchIsAnErrorPageAndNeverARedirect) {
  auto page = authorize(caller_request({{"redirect_uri", "https://evil.example/callback"}}));
  EXPECT_EQ(page.status, 400);
  EXPECT_FALSE(page.headers.has("location"));
  EXPECT_EQ(page_step(page.body), "error");
  EXPECT_NE(page.body.find("AADSTS50011"), std::string::npos);
  auto entries = journal({{"outcome", "error"}, {"error_code", "50011"}});
  EXPECT_EQ(entries.size(), 1u);
}

TEST_F(SignInTest, RedirectUriVariantsAreRefused) {
  for (const auto* variant : {"https://localhost/callbac", "https://localhost/callbackx",
                              "https://localhost/callback/", "https://LOCALHOST/callback",
                              "https://localhost/Callback", "https://user@localhost/callback",
                              "https://localhost/callback#x", "https://localhost/callback?x=1",
                              "https://localhost.evil.example/callback", "http://localhost:1@x"}) {
    auto page = authorize(caller_request({{"redirect_uri", variant}}));
    EXPECT_EQ(page.status, 400) << variant;
    EXPECT_FALSE(page.headers.has("location")) << variant;
    EXPECT_NE(page.body.find("AADSTS50011"), std::string::npos) << variant;
  }
}

TEST_F(SignInTest, LoopbackRedirectOfThePublicClientMayUseAnyPort) {
  auto page = authorize(caller_request({{"redirect_uri", "http://localhost:49152"}}));
  auto done = browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  EXPECT_TRUE(testing::location(done).starts_with("http://localhost:49152?code="));
}

TEST_F(SignInTest, UnknownClientIsAnErrorPageWith700016) {
  auto page = authorize(caller_request({{"client_id", "0d4b0e27-0000-4000-8000-000000000000"}}));
  EXPECT_EQ(page.status, 400);
  EXPECT_FALSE(page.headers.has("location"));
  EXPECT_NE(page.body.find("AADSTS700016"), std::string::npos);
}

TEST_F(SignInTest, UnknownTenantIsAnErrorPageWith90002) {
  auto page = authorize(caller_request(), "nowhere.example");
  EXPECT_EQ(page.status, 400);
  EXPECT_NE(page.body.find("AADSTS90002"), std::string::npos);
}

TEST_F(SignInTest, PlainPkceIsRefusedWith50149AtTheRedirectUri) {
  auto refused = authorize(
      caller_request({{"code_challenge", pkce_.verifier}, {"code_challenge_method", "plain"}}));
  ASSERT_EQ(refused.status, 302);
  auto params = redirect_params(refused);
  EXPECT_EQ(params.get_or("error", ""), "invalid_request");
  EXPECT_TRUE(params.get_or("error_description", "").starts_with("AADSTS50149:"));
  EXPECT_EQ(params.get_or("state", ""), "state-1");
}

TEST_F(SignInTest, MissingPkceIsRefusedWith9002325) {
  auto refused = authorize(caller_request({{"code_challenge", ""}}));
  ASSERT_EQ(refused.status, 302);
  EXPECT_TRUE(
      redirect_params(refused).get_or("error_description", "").starts_with("AADSTS9002325:"));
}

TEST_F(SignInTest, ImplicitResponseTypeIsRefusedAtTheRedirectUri) {
  auto refused = authorize(caller_request({{"response_type", "id_token token"}}));
  ASSERT_EQ(refused.status, 302);
  EXPECT_EQ(redirect_params(refused).get_or("error", ""), "unsupported_response_type");
}

TEST_F(SignInTest, CsrfTokenReplayOnTheConsentFormIsRefused) {
  auto page = authorize(connector_request(mcp_api_scope("Tools.Read")));
  auto consent = browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  ASSERT_EQ(page_step(consent.body), "consent");
  EXPECT_EQ(browser_.consent(consent, "approve").status, 302);
  auto replay = browser_.consent(consent, "approve");
  EXPECT_EQ(replay.status, 400);
  EXPECT_FALSE(replay.headers.has("location"));
  EXPECT_EQ(page_step(replay.body), "error");
  // The first approval issued one code only.
  EXPECT_EQ(journal({{"outcome", "code"}}).size(), 1u);
}

TEST_F(SignInTest, ForgedCsrfTokenIsRefusedAndTheRealFormStillWorks) {
  auto page = authorize(connector_request(mcp_api_scope("Tools.Read")));
  auto consent = browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  auto forged = browser_.post_form("/consent", {{"flow", input_value(consent.body, "flow")},
                                                {"csrf_token", "forged"},
                                                {"decision", "approve"}});
  EXPECT_EQ(forged.status, 400);
  auto missing = browser_.post_form(
      "/consent", {{"flow", input_value(consent.body, "flow")}, {"decision", "approve"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(browser_.consent(consent, "approve").status, 302);
}

TEST_F(SignInTest, LoginFormTokenCannotApproveConsent) {
  auto page = authorize(connector_request(mcp_api_scope("Tools.Read")));
  // Posting the sign-in page's token to /consent before signing in.
  auto early = browser_.post_form("/consent", {{"flow", input_value(page.body, "flow")},
                                               {"csrf_token", input_value(page.body, "csrf_token")},
                                               {"decision", "approve"}});
  EXPECT_EQ(early.status, 400);
  EXPECT_EQ(journal({{"outcome", "code"}}).size(), 0u);
}

TEST_F(SignInTest, FormsMustBeFormEncoded) {
  auto page = authorize(caller_request());
  auto json = server_.post_json("/login", {{"flow", input_value(page.body, "flow")}});
  EXPECT_EQ(json.status, 400);
  auto unknown = browser_.post_form("/login", {{"flow", "nope"}, {"csrf_token", "nope"}});
  EXPECT_EQ(unknown.status, 400);
}

TEST_F(SignInTest, PendingSignInExpires) {
  auto page = authorize(caller_request());
  server_.advance_clock(std::chrono::minutes(16));
  auto late = browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  EXPECT_EQ(late.status, 400);
}

TEST_F(SignInTest, FormPostResponseModePostsTheCodeAndState) {
  auto page = authorize(caller_request({{"response_mode", "form_post"}}));
  auto done = browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  ASSERT_EQ(done.status, 200);
  EXPECT_EQ(page_step(done.body), "form_post");
  EXPECT_NE(done.body.find("action=\"https://localhost/callback\""), std::string::npos);
  EXPECT_FALSE(input_value(done.body, "code").empty());
  EXPECT_EQ(input_value(done.body, "state"), "state-1");
}

TEST_F(SignInTest, ClientInfoInTheRedirectWhenAsked) {
  auto page = authorize(caller_request({{"client_info", "1"}}));
  auto done = browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  auto info = redirect_params(done).get_or("client_info", "");
  auto decoded = jose::base64url_decode(info);
  ASSERT_TRUE(decoded.ok());
  auto json = core::parse_json(std::string(decoded->begin(), decoded->end()));
  ASSERT_TRUE(json.ok());
  EXPECT_EQ((*json)["uid"], "1aa615a9-4b6a-4551-a061-ae14a1dbf721");
  EXPECT_EQ((*json)["utid"], "9fb93534-081c-4253-b1e2-73a87984a8ab");
}

TEST_F(SignInTest, McpTenantReturnsTheIssuer) {
  const auto resource = server_.on_server_thread([&] {
    return server_.provider().directory().application_named("fabrikam-mcp")->identifier_uris[0];
  });
  auto page =
      authorize(caller_request({{"scope", "mcp.tools"}, {"resource", resource}}), kFabrikam);
  auto consent = browser_.sign_in(page, "carol@fabrikam.onmicrosoft.com", "carol-Passw0rd!");
  ASSERT_EQ(page_step(consent.body), "consent");
  EXPECT_NE(consent.body.find("<strong>mcp.tools</strong>"), std::string::npos);
  auto done = browser_.consent(consent, "approve");
  auto params = redirect_params(done);
  EXPECT_TRUE(params.has("code"));
  EXPECT_EQ(params.get_or("iss", ""),
            server_.url() + "/db149e47-14be-49ab-b93f-e42eabd2d9f2/v2.0");  // RFC 9207
}

TEST_F(SignInTest, V1AuthorizeTakesAResource) {
  auto page = browser_.get(testing::authorize_path(
      kContoso, caller_request({{"scope", ""}, {"resource", "https://ai.azure.com"}}), true));
  auto done = browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  EXPECT_EQ(done.status, 302) << done.body;
  EXPECT_TRUE(redirect_params(done).has("code"));
}

TEST_F(SignInTest, AuthorizeByPostWorksLikeGet) {
  auto page =
      browser_.post_form("/" + std::string(kContoso) + "/oauth2/v2.0/authorize", caller_request());
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page_step(page.body), "login");
}

TEST_F(SignInTest, EveryAuthorizeRequestIsJournalledCompletely) {
  auto page = authorize(caller_request({{"prompt", "login"},
                                        {"login_hint", "alice@contoso.onmicrosoft.com"},
                                        {"state", "secret-state"}}));
  browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  auto entries = server_.journal().query({.kind = "authorize"});
  ASSERT_EQ(entries.size(), 2u);
  const auto& request = entries[0].fields;
  EXPECT_EQ(request["step"], "request");
  EXPECT_EQ(request["client_id"], client_id("caller"));
  EXPECT_EQ(request["redirect_uri"], kCallerRedirect);
  EXPECT_EQ(request["response_type"], "code");
  EXPECT_EQ(request["scope"],
            "https://ai.azure.com/user_impersonation openid profile offline_access");
  EXPECT_EQ(request["resource"], "");
  EXPECT_EQ(request["code_challenge_method"], "S256");
  EXPECT_EQ(request["state_present"], true);
  EXPECT_EQ(request["state_hash"], jose::short_hash("secret-state"));
  EXPECT_EQ(request["prompt"], "login");
  EXPECT_EQ(request["login_hint"], "alice@contoso.onmicrosoft.com");
  EXPECT_EQ(request["outcome"], "login_page");
  const auto& login = entries[1].fields;
  EXPECT_EQ(login["step"], "login");
  EXPECT_EQ(login["outcome"], "code");
  EXPECT_EQ(login["user"], "alice");
  EXPECT_EQ(login["flow"], request["flow"]);
  EXPECT_EQ(login["client_id"], request["client_id"]);
  // No secret reached the journal.
  const auto dump = nlohmann::json(entries[0].fields).dump() + entries[1].fields.dump();
  EXPECT_EQ(dump.find("secret-state"), std::string::npos);
  EXPECT_EQ(dump.find("alice-Passw0rd!"), std::string::npos);
  EXPECT_EQ(dump.find(pkce_.challenge), std::string::npos);
}

TEST(SignInRestartTest, ConsentAndSessionSurviveARestart) {
  std::string folder =
      (std::filesystem::temp_directory_path() / "toolauth-sign-in-XXXXXX").string();
  ASSERT_NE(::mkdtemp(folder.data()), nullptr);
  const std::filesystem::path state_dir = folder;
  auto in_folder = [&](IdpServerOptions& options) { options.state_dir = state_dir; };
  std::map<std::string, std::string> cookies;
  std::string connector_id;
  testing::Pkce pkce;
  auto request = [&](std::string prompt) {
    http::Params p = {{"client_id", connector_id},
                      {"redirect_uri", std::string(kConnectorRedirect)},
                      {"response_type", "code"},
                      {"scope", "api://d561cab7-7e4d-473d-b44d-04cb5f0f2c02/Tools.Read"},
                      {"code_challenge", pkce.challenge},
                      {"code_challenge_method", "S256"}};
    if (!prompt.empty()) p.add("prompt", prompt);
    return p;
  };
  {
    testing::UserFlowServer server(in_folder);
    connector_id = server.on_server_thread(
        [&] { return server.provider().directory().application_named("connector")->client_id; });
    Browser browser(server);
    auto params = testing::sign_in_for_code(browser, kContoso, request(""),
                                            "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
    ASSERT_TRUE(params.has("code"));
    cookies = browser.cookies;
  }
  {
    testing::UserFlowServer server(in_folder);
    Browser browser(server);
    browser.cookies = cookies;
    // The session signs alice in and her consent stands: no page at all.
    auto silent = browser.get(testing::authorize_path(kContoso, request("none")));
    ASSERT_EQ(silent.status, 302) << silent.body;
    EXPECT_TRUE(redirect_params(silent).has("code")) << testing::location(silent);
  }
  std::filesystem::remove_all(state_dir);
}

}  // namespace
}  // namespace toolauth::idp
