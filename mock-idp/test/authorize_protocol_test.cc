#include "toolauth/idp/authorize_protocol.h"

#include <gtest/gtest.h>

#include "in_memory_idp.h"
#include "toolauth/jose/hash.h"

namespace toolauth::idp {
namespace {

class AuthorizeProtocolTest : public ::testing::Test {
 protected:
  testing::InMemoryIdp world_;
  IdentityProvider& idp() { return world_.idp; }
  const Application& app(std::string_view name) {
    return *idp().directory().application_named(name);
  }
  std::string challenge_ = jose::pkce_s256_challenge(jose::random_token(32));

  // A valid request of the public client, with `changes` applied (an empty value removes).
  http::Params params(std::map<std::string, std::string> changes = {}) {
    std::map<std::string, std::string> values = {
        {"client_id", app("caller").client_id},
        {"redirect_uri", "https://localhost/callback"},
        {"response_type", "code"},
        {"scope", "https://ai.azure.com/user_impersonation openid offline_access"},
        {"state", "s1"},
        {"code_challenge", challenge_},
        {"code_challenge_method", "S256"}};
    for (const auto& [k, v] : changes) values[k] = v;
    http::Params out;
    for (const auto& [k, v] : values) {
      if (!v.empty()) out.add(k, v);
    }
    return out;
  }
  AuthorizeCheck check(const http::Params& p, std::string_view tenant = "contoso.onmicrosoft.com",
                       bool v1 = false) {
    return check_authorization_request(idp(), tenant, v1, p);
  }
};

TEST_F(AuthorizeProtocolTest, AcceptsAValidRequest) {
  auto c = check(params());
  EXPECT_FALSE(c.page_error);
  EXPECT_FALSE(c.redirect_error) << c.redirect_error->message;
  EXPECT_EQ(c.request.tenant, "contoso");
  EXPECT_EQ(c.request.code_challenge_method, "S256");
  EXPECT_EQ(c.request.scope, "https://ai.azure.com/user_impersonation openid offline_access");
}

TEST_F(AuthorizeProtocolTest, RedirectUriMatchesExactly) {
  EXPECT_TRUE(redirect_uri_registered(app("caller"), "https://localhost/callback"));
  for (const auto* variant : {
           "https://localhost/callbac",            // prefix
           "https://localhost/callbackx",          // suffix
           "https://localhost/callback/evil",      // path suffix
           "https://localhost/callback/",          // trailing slash
           "https://LOCALHOST/callback",           // case of the host
           "HTTPS://localhost/callback",           // case of the scheme
           "https://localhost/Callback",           // case of the path
           "https://user@localhost/callback",      // userinfo
           "https://localhost/callback#fragment",  // fragment
           "https://localhost/callback?x=1",       // query
           "https://localhost:443/callback",       // explicit default port
           "http://localhost/callback",            // scheme
           " https://localhost/callback",          // whitespace
       }) {
    EXPECT_FALSE(redirect_uri_registered(app("caller"), variant)) << variant;
  }
}

TEST_F(AuthorizeProtocolTest, PublicClientLoopbackMatchesAnyPortOnly) {
  const auto& caller = app("caller");  // registers http://localhost
  EXPECT_TRUE(redirect_uri_registered(caller, "http://localhost"));
  EXPECT_TRUE(redirect_uri_registered(caller, "http://localhost:53123"));
  EXPECT_TRUE(redirect_uri_registered(caller, "http://localhost:1"));
  for (const auto* variant : {
           "http://localhost:53123/",           // path differs
           "http://localhost:53123/callback",   // path differs
           "http://localhost:0",                // no such port
           "http://localhost:65536",            // no such port
           "http://localhost:",                 // empty port
           "http://localhost:5x",               // not a port
           "http://localhost.evil.example:80",  // another host
           "http://localhost:80@evil.example",  // userinfo trick
           "http://localhost@evil.example",     // userinfo trick
           "https://localhost:53123",           // scheme differs
           "http://127.0.0.1:53123",            // another loopback host is another URI
           "http://localhost:53123?x=1",        // query differs
       }) {
    EXPECT_FALSE(redirect_uri_registered(caller, variant)) << variant;
  }
}

TEST_F(AuthorizeProtocolTest, LoopbackPortIsNotRelaxedForConfidentialClients) {
  Application confidential = app("connector");
  confidential.redirect_uris = {"http://localhost"};
  EXPECT_TRUE(redirect_uri_registered(confidential, "http://localhost"));
  EXPECT_FALSE(redirect_uri_registered(confidential, "http://localhost:8080"));
}

TEST_F(AuthorizeProtocolTest, RegisteredLoopbackPortIsExact) {
  Application client = app("caller");
  client.redirect_uris = {"http://127.0.0.1:8400/cb"};
  EXPECT_TRUE(redirect_uri_registered(client, "http://127.0.0.1:8400/cb"));
  EXPECT_FALSE(redirect_uri_registered(client, "http://127.0.0.1:8401/cb"));
}

TEST_F(AuthorizeProtocolTest, UnknownTenantIsAnErrorPage) {
  auto c = check(params(), "nowhere.example");
  ASSERT_TRUE(c.page_error);
  EXPECT_EQ(c.page_error->code, 90002);
}

TEST_F(AuthorizeProtocolTest, ClientAndRedirectProblemsAreErrorPagesNeverRedirects) {
  struct Case {
    std::map<std::string, std::string> changes;
    int code;
  };
  for (const auto& [changes, code] : std::vector<Case>{
           {{{"client_id", ""}}, 900144},
           {{{"client_id", "5b6f2f4c-0000-4000-8000-000000000000"}}, 700016},
           {{{"redirect_uri", ""}}, 900144},
           {{{"redirect_uri", "https://evil.example/callback"}}, 50011},
       }) {
    auto c = check(params(changes));
    ASSERT_TRUE(c.page_error) << code;
    EXPECT_EQ(c.page_error->code, code);
    EXPECT_FALSE(c.redirect_error);
  }
}

TEST_F(AuthorizeProtocolTest, RepeatedClientIdIsAnErrorPage) {
  auto p = params();
  p.add("client_id", app("connector").client_id);
  auto c = check(p);
  ASSERT_TRUE(c.page_error);
  EXPECT_EQ(c.page_error->code, 90014);
}

TEST_F(AuthorizeProtocolTest, SingleTenantClientIsUnknownInAnotherTenant) {
  auto c = check(params({{"client_id", app("connector").client_id},
                         {"redirect_uri", "https://localhost:4780/oauth/callback"}}),
                 "fabrikam.onmicrosoft.com");
  ASSERT_TRUE(c.page_error);
  EXPECT_EQ(c.page_error->code, 700016);
}

TEST_F(AuthorizeProtocolTest, OtherErrorsGoToTheRedirectUri) {
  struct Case {
    std::map<std::string, std::string> changes;
    int code;
    std::string error;
  };
  for (const auto& [changes, code, error] : std::vector<Case>{
           {{{"response_type", "token"}}, 70005, "unsupported_response_type"},
           {{{"response_type", ""}}, 900144, "invalid_request"},
           {{{"code_challenge", ""}}, 9002325, "invalid_request"},
           {{{"code_challenge_method", "plain"}}, 50149, "invalid_request"},
           {{{"code_challenge_method", ""}}, 50149, "invalid_request"},  // RFC 7636: plain
           {{{"code_challenge_method", "S512"}}, 50149, "invalid_request"},
           {{{"code_challenge", "short"}}, 501491, "invalid_request"},
           {{{"code_challenge", std::string(43, '+')}}, 501491, "invalid_request"},
           {{{"prompt", "always"}}, 90014, "invalid_request"},
           {{{"prompt", "none login"}}, 90014, "invalid_request"},
           {{{"response_mode", "web_message"}}, 90014, "invalid_request"},
           {{{"max_age", "soon"}}, 90014, "invalid_request"},
           {{{"scope", ""}}, 900144, "invalid_request"},
           {{{"scope", "api://nothing-here/Read"}}, 500011, "invalid_resource"},
           {{{"resource", "https://ai.azure.com"}}, 901002, "invalid_request"},  // entra profile
       }) {
    auto c = check(params(changes));
    EXPECT_FALSE(c.page_error) << code;
    ASSERT_TRUE(c.redirect_error) << code;
    EXPECT_EQ(c.redirect_error->code, code);
    EXPECT_EQ(c.redirect_error->error, error);
  }
}

TEST_F(AuthorizeProtocolTest, PlainPkceOnlyWhereTheTenantAllowsIt) {
  for (auto& t : idp().directory().tenants) t.allow_plain_pkce = true;
  const std::string verifier = jose::random_token(32);
  auto c = check(params({{"code_challenge", verifier}, {"code_challenge_method", "plain"}}));
  EXPECT_FALSE(c.redirect_error);
  EXPECT_EQ(c.request.code_challenge_method, "plain");
}

TEST_F(AuthorizeProtocolTest, RepeatedParameterGoesToTheRedirectUri) {
  auto p = params();
  p.add("scope", "openid");
  auto c = check(p);
  ASSERT_TRUE(c.redirect_error);
  EXPECT_EQ(c.redirect_error->code, 90014);
}

TEST_F(AuthorizeProtocolTest, ClientWithoutTheGrantIsUnauthorized) {
  auto& foundry = *idp().directory().find_application(app("foundry").client_id);
  foundry.redirect_uris = {"https://localhost/foundry"};
  auto c = check(
      params({{"client_id", foundry.client_id}, {"redirect_uri", "https://localhost/foundry"}}));
  ASSERT_TRUE(c.redirect_error);
  EXPECT_EQ(c.redirect_error->code, 700054);
}

TEST_F(AuthorizeProtocolTest, ParsesPromptHintsAndModes) {
  auto c = check(params({{"prompt", "login consent"},
                         {"login_hint", "bob@contoso.onmicrosoft.com"},
                         {"domain_hint", "contoso.onmicrosoft.com"},
                         {"response_mode", "form_post"},
                         {"max_age", "60"},
                         {"client_info", "1"},
                         {"nonce", "n-1"}}));
  ASSERT_FALSE(c.redirect_error);
  EXPECT_TRUE(c.request.prompt_login);
  EXPECT_TRUE(c.request.prompt_consent);
  EXPECT_FALSE(c.request.prompt_none);
  EXPECT_EQ(c.request.response_mode, ResponseMode::form_post);
  EXPECT_EQ(c.request.max_age, 60);
  EXPECT_TRUE(c.request.client_info);
  EXPECT_EQ(c.request.nonce, "n-1");
}

TEST_F(AuthorizeProtocolTest, V1ResourceBecomesDefaultScopeWithOpenid) {
  auto c = check(params({{"scope", ""}, {"resource", "https://ai.azure.com"}}),
                 "contoso.onmicrosoft.com", true);
  ASSERT_FALSE(c.redirect_error) << c.redirect_error->message;
  EXPECT_EQ(c.request.scope, "https://ai.azure.com/.default openid");
}

TEST_F(AuthorizeProtocolTest, McpProfileAcceptsAResourceIndicator) {
  const auto& api = app("fabrikam-mcp");
  auto c = check(
      params({{"scope", "mcp.tools offline_access"}, {"resource", api.identifier_uris.front()}}),
      "fabrikam.onmicrosoft.com");
  ASSERT_FALSE(c.redirect_error) << c.redirect_error->message;
  EXPECT_EQ(c.request.tenant, "fabrikam");
  auto bad = check(params({{"scope", "mcp.tools"}, {"resource", "https://elsewhere.example/x"}}),
                   "fabrikam.onmicrosoft.com");
  ASSERT_TRUE(bad.redirect_error);
  EXPECT_EQ(bad.redirect_error->error, "invalid_target");
}

TEST_F(AuthorizeProtocolTest, SignInTenantIsThePathsOrASingleTenantClientsHome) {
  auto on_contoso = check(params());
  EXPECT_EQ(sign_in_tenant(idp(), on_contoso.request)->name, "contoso");
  auto common_public = check(params(), "common");
  EXPECT_EQ(sign_in_tenant(idp(), common_public.request), nullptr);  // caller is multi-tenant
  auto common_connector = check(params({{"client_id", app("connector").client_id},
                                        {"redirect_uri", "https://localhost:4780/oauth/callback"}}),
                                "organizations");
  ASSERT_FALSE(common_connector.page_error);
  EXPECT_EQ(sign_in_tenant(idp(), common_connector.request)->name, "contoso");
}

TEST_F(AuthorizeProtocolTest, JournalFieldsHashTheState) {
  auto c = check(params({{"state", "secret-state"}}));
  auto fields = authorize_journal_fields(c.request);
  EXPECT_EQ(fields["state_present"], true);
  EXPECT_EQ(fields["state_hash"], jose::short_hash("secret-state"));
  EXPECT_EQ(fields.dump().find("secret-state"), std::string::npos);
  EXPECT_EQ(fields["code_challenge_method"], "S256");
  EXPECT_EQ(fields["client_id"], app("caller").client_id);
}

TEST_F(AuthorizeProtocolTest, ResponsesCarryStateAndIssuerForMcpTenants) {
  auto c = check(params({{"state", "a b&c"}}));
  http::Params p;
  p.add("code", "x");
  auto r = authorization_response(idp(), c.request, p);
  EXPECT_EQ(r.status, 302);
  const auto location = std::string(r.headers.get("location").value_or(""));
  EXPECT_EQ(location, "https://localhost/callback?code=x&state=a+b%26c");

  const auto& api = app("fabrikam-mcp");
  auto f = check(params({{"scope", "mcp.tools"}, {"resource", api.identifier_uris.front()}}),
                 "fabrikam.onmicrosoft.com");
  auto mcp = authorization_response(idp(), f.request, p);
  const auto mcp_location = std::string(mcp.headers.get("location").value_or(""));
  EXPECT_NE(mcp_location.find("&iss=https%3A%2F%2Flocalhost%3A4781%2F"), std::string::npos)
      << mcp_location;

  c.request.response_mode = ResponseMode::fragment;
  auto fragment = authorization_response(idp(), c.request, p);
  EXPECT_EQ(fragment.headers.get("location").value_or(""),
            "https://localhost/callback#code=x&state=a+b%26c");

  c.request.response_mode = ResponseMode::form_post;
  auto form = authorization_response(idp(), c.request, p);
  EXPECT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("action=\"https://localhost/callback\""), std::string::npos);
  EXPECT_NE(form.body.find("name=\"state\" value=\"a b&amp;c\""), std::string::npos);
}

}  // namespace
}  // namespace toolauth::idp
