#include "toolauth/idp/sign_in_pages.h"

#include <gtest/gtest.h>

#include "sign_in_driver.h"

namespace toolauth::idp {
namespace {

using testing::input_value;
using testing::page_step;

TEST(SignInPagesTest, LoginPageCarriesTheDocumentedFields) {
  LoginPage page;
  page.flow_id = "flow-1";
  page.csrf_token = "csrf-1";
  page.client_name = "Caller";
  page.tenant_label = "contoso.onmicrosoft.com";
  page.users = {{"alice@contoso", "Alice", false}, {"bob@contoso", "Bob", true}};
  auto r = login_page(page);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(page_step(r.body), "login");
  EXPECT_EQ(input_value(r.body, "flow"), "flow-1");
  EXPECT_EQ(input_value(r.body, "csrf_token"), "csrf-1");
  EXPECT_NE(r.body.find("<form id=\"login\" method=\"post\" action=\"/login\">"),
            std::string::npos);
  EXPECT_NE(r.body.find("name=\"username\" value=\"bob@contoso\" checked>"), std::string::npos);
  EXPECT_NE(r.body.find("name=\"username\" value=\"alice@contoso\">"), std::string::npos);
  EXPECT_NE(r.body.find("<label for=\"password\">Password</label>"), std::string::npos);
  EXPECT_NE(r.body.find("type=\"password\" id=\"password\" name=\"password\""), std::string::npos);
  EXPECT_EQ(r.body.find("<script"), std::string::npos);
  EXPECT_EQ(r.headers.get("cache-control").value_or(""), "no-store");
  EXPECT_EQ(r.headers.get("x-frame-options").value_or(""), "DENY");
  EXPECT_NE(r.headers.get("content-security-policy").value_or("").find("frame-ancestors 'none'"),
            std::string::npos);
}

TEST(SignInPagesTest, FirstUserIsPreselectedWhenNoHintSaysOtherwise) {
  LoginPage page;
  page.users = {{"a@x", "A", false}, {"b@x", "B", false}};
  auto r = login_page(page);
  EXPECT_NE(r.body.find("value=\"a@x\" checked>"), std::string::npos);
  EXPECT_EQ(r.body.find("value=\"b@x\" checked>"), std::string::npos);
}

TEST(SignInPagesTest, LoginErrorIsShownAsAnAlert) {
  LoginPage page;
  page.error = aad::invalid_credentials();
  auto r = login_page(page);
  EXPECT_NE(r.body.find("role=\"alert\""), std::string::npos);
  EXPECT_NE(r.body.find("AADSTS50126: Error validating credentials"), std::string::npos);
}

TEST(SignInPagesTest, ScriptInAClientNameIsInert) {
  LoginPage page;
  page.client_name = "<script>alert(1)</script>";
  page.users = {{"\"><script>x</script>", "<img src=x onerror=y>", false}};
  auto r = login_page(page);
  EXPECT_EQ(r.body.find("<script>"), std::string::npos);
  EXPECT_EQ(r.body.find("<img"), std::string::npos);
}

TEST(SignInPagesTest, ConsentPageListsEachPermissionWithItsDescription) {
  ConsentPage page;
  page.flow_id = "f";
  page.csrf_token = "t";
  page.client_name = "Connector";
  page.client_id = "cid";
  page.username = "alice@contoso";
  page.permissions = {{"Tools.Read", "List the MCP tools", "Contoso MCP Tools API"},
                      {"openid", "Sign you in", ""}};
  auto r = consent_page(page);
  EXPECT_EQ(page_step(r.body), "consent");
  EXPECT_NE(r.body.find("<strong>Connector</strong>"), std::string::npos);
  EXPECT_NE(r.body.find("<strong>Tools.Read</strong> <span class=\"muted\">(Contoso MCP Tools "
                        "API)</span>: List the MCP tools"),
            std::string::npos);
  EXPECT_NE(r.body.find("<strong>openid</strong>: Sign you in"), std::string::npos);
  EXPECT_NE(r.body.find("name=\"decision\" value=\"approve\""), std::string::npos);
  EXPECT_NE(r.body.find("name=\"decision\" value=\"decline\""), std::string::npos);
  EXPECT_EQ(input_value(r.body, "csrf_token"), "t");
}

TEST(SignInPagesTest, FormPostPageSubmitsTheParametersWithANoncedScript) {
  http::Params params;
  params.add("code", "c&1");
  params.add("state", "\"s\"");
  auto r = form_post_page("https://client.example/cb?x=1&y=2", params);
  EXPECT_EQ(page_step(r.body), "form_post");
  EXPECT_NE(r.body.find("action=\"https://client.example/cb?x=1&amp;y=2\""), std::string::npos);
  EXPECT_EQ(input_value(r.body, "code"), "c&1");
  EXPECT_EQ(input_value(r.body, "state"), "\"s\"");
  const auto csp = std::string(r.headers.get("content-security-policy").value_or(""));
  const auto at = csp.find("'nonce-");
  ASSERT_NE(at, std::string::npos);
  const auto nonce = csp.substr(at + 7, csp.find('\'', at + 7) - at - 7);
  EXPECT_NE(r.body.find("<script nonce=\"" + nonce + "\">"), std::string::npos);
  EXPECT_NE(r.body.find("<noscript>"), std::string::npos);
}

TEST(SignInPagesTest, ErrorPageShowsTheCodeWithItsStatus) {
  ErrorContext context{core::Clock::time_point(std::chrono::seconds(1'700'000'000)), "corr-1",
                       "https://localhost"};
  auto r = error_page(aad::redirect_uri_mismatch("https://evil/<x>", "cid"), context);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(page_step(r.body), "error");
  EXPECT_NE(r.body.find("AADSTS50011"), std::string::npos);
  EXPECT_NE(r.body.find("https://evil/&lt;x&gt;"), std::string::npos);
  EXPECT_NE(r.body.find("corr-1"), std::string::npos);
  EXPECT_FALSE(r.headers.has("location"));
}

TEST(SignInPagesTest, DevicePagesNameTheirSteps) {
  auto entry = device_login_page({"ABC", aad::device_code_invalid()}, 400);
  EXPECT_EQ(entry.status, 400);
  EXPECT_EQ(page_step(entry.body), "devicelogin");
  EXPECT_NE(entry.body.find("name=\"user_code\" autocomplete=\"off\""), std::string::npos);
  EXPECT_NE(entry.body.find("value=\"ABC\""), std::string::npos);
  EXPECT_EQ(page_step(device_done_page("App", true).body), "done");
  EXPECT_EQ(page_step(device_done_page("App", false).body), "declined");
  EXPECT_EQ(page_step(signed_out_page().body), "signed-out");
}

}  // namespace
}  // namespace toolauth::idp
