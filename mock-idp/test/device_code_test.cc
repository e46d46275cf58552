// The device code flow over real HTTPS: the device authorization endpoint, the /devicelogin
// page with the same sign-in and consent pages, and polling with grant_type device_code.

#include <gtest/gtest.h>

#include "sign_in_driver.h"

namespace toolauth::idp {
namespace {

using testing::aadsts;
using testing::Browser;
using testing::input_value;
using testing::json_body;
using testing::jwt_claims;
using testing::page_step;
using testing::token_request;

constexpr std::string_view kContoso = "contoso.onmicrosoft.com";

class DeviceCodeTest : public ::testing::Test {
 protected:
  testing::UserFlowServer server_;
  Browser browser_{server_};

  std::string client_id(std::string_view name) {
    return server_.on_server_thread(
        [&] { return server_.provider().directory().application_named(name)->client_id; });
  }
  http::ClientResponse device_authorization(
      const std::string& scope = "https://ai.azure.com/user_impersonation openid offline_access",
      std::string_view client = "caller", std::string_view tenant = kContoso) {
    return server_.post_form("/" + std::string(tenant) + "/oauth2/v2.0/devicecode",
                             {{"client_id", client_id(client)}, {"scope", scope}});
  }
  http::ClientResponse poll(
      const std::string& device_code,
      std::string grant_type = "urn:ietf:params:oauth:grant-type:device_code") {
    return token_request(server_, kContoso,
                         {{"grant_type", std::move(grant_type)},
                          {"client_id", client_id("caller")},
                          {"device_code", device_code},
                          {"client_info", "1"}});
  }
  // The user types the code at /devicelogin and signs in; returns the page after the login.
  http::ClientResponse enter_and_sign_in(const std::string& user_code) {
    auto page = browser_.post_form("/devicelogin", {{"user_code", user_code}});
    EXPECT_EQ(page_step(page.body), "login") << page.body;
    return browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!");
  }
};

TEST_F(DeviceCodeTest, DeviceAuthorizationHasEntrasShape) {
  auto response = device_authorization();
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = json_body(response);
  EXPECT_EQ(body["user_code"].get<std::string>().size(), 9u);
  EXPECT_GE(body["device_code"].get<std::string>().size(), 43u);
  EXPECT_EQ(body["verification_uri"], server_.url() + "/devicelogin");
  EXPECT_EQ(body["expires_in"], 900);
  EXPECT_EQ(body["interval"], 5);
  EXPECT_NE(body["message"].get<std::string>().find(body["user_code"].get<std::string>()),
            std::string::npos);
  EXPECT_EQ(response.headers.get("cache-control").value_or(""), "no-store, no-cache");
  auto entries = server_.journal().query({.kind = "devicecode"});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].fields.dump().find(body["device_code"].get<std::string>()),
            std::string::npos);
  EXPECT_EQ(entries[0].fields.dump().find(body["user_code"].get<std::string>()), std::string::npos);
}

TEST_F(DeviceCodeTest, FullFlowThroughThePages) {
  auto authorization = json_body(device_authorization());
  const auto device_code = authorization["device_code"].get<std::string>();
  auto pending = poll(device_code);
  EXPECT_EQ(pending.status, 400);
  EXPECT_EQ(aadsts(pending), 70016);
  EXPECT_EQ(json_body(pending)["error"], "authorization_pending");

  auto entry = browser_.get("/devicelogin");
  EXPECT_EQ(page_step(entry.body), "devicelogin");
  auto done = enter_and_sign_in(authorization["user_code"]);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(page_step(done.body), "done");

  // MSAL polls with the short grant_type.
  auto tokens = poll(device_code, "device_code");
  ASSERT_EQ(tokens.status, 200) << tokens.body;
  auto body = json_body(tokens);
  EXPECT_TRUE(body.contains("refresh_token"));
  EXPECT_TRUE(body.contains("client_info"));
  auto access = jwt_claims(body["access_token"].get<std::string>());
  EXPECT_EQ(access["upn"], "alice@contoso.onmicrosoft.com");
  EXPECT_EQ(access["scp"], "user_impersonation");
  EXPECT_TRUE(jwt_claims(body["id_token"].get<std::string>()).contains("sid"));

  auto again = poll(device_code);
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(aadsts(again), 54005);
}

TEST_F(DeviceCodeTest, UserCodeIsForgivingAboutCaseAndDashes) {
  auto authorization = json_body(device_authorization());
  std::string code = authorization["user_code"];
  for (auto& c : code) c = static_cast<char>(std::tolower(c));
  code.insert(4, "-");
  EXPECT_EQ(page_step(enter_and_sign_in(code).body), "done");
}

TEST_F(DeviceCodeTest, UnknownUserCodeShowsTheEntryPageWith400) {
  auto page = browser_.post_form("/devicelogin", {{"user_code", "ZZZZZZZZZ"}});
  EXPECT_EQ(page.status, 400);
  EXPECT_EQ(page_step(page.body), "devicelogin");
  EXPECT_NE(page.body.find("AADSTS70018"), std::string::npos);
}

TEST_F(DeviceCodeTest, UnknownDeviceCodeIsBadVerificationCode70018) {
  auto response = poll("made-up-device-code");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 70018);
  EXPECT_EQ(json_body(response)["error"], "bad_verification_code");
}

TEST_F(DeviceCodeTest, ExpiredDeviceCodeIsExpiredToken70019) {
  auto authorization = json_body(device_authorization());
  server_.advance_clock(std::chrono::seconds(901));
  auto response = poll(authorization["device_code"]);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 70019);
  EXPECT_EQ(json_body(response)["error"], "expired_token");
  // Nor can the user still enter it.
  auto page = browser_.post_form("/devicelogin", {{"user_code", authorization["user_code"]}});
  EXPECT_EQ(page.status, 400);
}

TEST_F(DeviceCodeTest, DeclinedConsentIsAuthorizationDeclined) {
  auto authorization =
      json_body(device_authorization("api://" + client_id("mcp-api") + "/Tools.Read"));
  auto consent = enter_and_sign_in(authorization["user_code"]);
  ASSERT_EQ(page_step(consent.body), "consent");
  auto declined = browser_.consent(consent, "decline");
  EXPECT_EQ(page_step(declined.body), "declined");
  auto response = poll(authorization["device_code"]);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(json_body(response)["error"], "authorization_declined");
  EXPECT_EQ(aadsts(response), 70020);
}

TEST_F(DeviceCodeTest, ApprovedConsentIsRememberedAndTokensFollow) {
  auto authorization =
      json_body(device_authorization("api://" + client_id("mcp-api") + "/Tools.Read"));
  auto consent = enter_and_sign_in(authorization["user_code"]);
  auto done = browser_.consent(consent, "approve");
  EXPECT_EQ(page_step(done.body), "done");
  auto response = poll(authorization["device_code"]);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(jwt_claims(json_body(response)["access_token"].get<std::string>())["scp"],
            "Tools.Read");
}

TEST_F(DeviceCodeTest, DeviceCodeOfAnotherClientIsRefused) {
  auto authorization = json_body(device_authorization());
  auto response = token_request(server_, kContoso,
                                {{"grant_type", "device_code"},
                                 {"client_id", client_id("connector")},
                                 {"client_secret", "connector-secret-76e2507b-c7b1-4aa8"},
                                 {"device_code", authorization["device_code"]}});
  EXPECT_EQ(response.status, 400);
  // connector may not use the device code grant at all.
  EXPECT_EQ(aadsts(response), 700054);
}

TEST_F(DeviceCodeTest, DeviceAuthorizationRefusesUnknownAndUnauthorizedClients) {
  auto unknown = server_.post_form(
      "/contoso.onmicrosoft.com/oauth2/v2.0/devicecode",
      {{"client_id", "6c1b1e4d-0000-4000-8000-000000000000"}, {"scope", "openid"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(aadsts(unknown), 700016);
  auto unauthorized = device_authorization("openid", "connector");
  EXPECT_EQ(unauthorized.status, 400);
  EXPECT_EQ(aadsts(unauthorized), 700054);
  auto bad_scope = device_authorization("api://nothing/Read");
  EXPECT_EQ(aadsts(bad_scope), 500011);
  auto no_tenant = device_authorization("openid", "caller", "nowhere.example");
  EXPECT_EQ(aadsts(no_tenant), 90002);
}

TEST_F(DeviceCodeTest, V1DeviceCodeTakesAResource) {
  auto response =
      server_.post_form("/contoso.onmicrosoft.com/oauth2/devicecode",
                        {{"client_id", client_id("caller")}, {"resource", "https://ai.azure.com"}});
  ASSERT_EQ(response.status, 200) << response.body;
  auto authorization = json_body(response);
  enter_and_sign_in(authorization["user_code"]);
  auto tokens = poll(authorization["device_code"]);
  ASSERT_EQ(tokens.status, 200) << tokens.body;
  EXPECT_EQ(jwt_claims(json_body(tokens)["access_token"].get<std::string>())["aud"],
            "https://ai.azure.com");
}

TEST_F(DeviceCodeTest, SignedInBrowserPicksItsAccountWithoutPassword) {
  auto first = json_body(device_authorization());
  enter_and_sign_in(first["user_code"]);
  auto second = json_body(device_authorization());
  auto page = browser_.post_form("/devicelogin", {{"user_code", second["user_code"]}});
  EXPECT_EQ(page_step(page.body), "login");
  auto done = browser_.sign_in(page, "alice@contoso.onmicrosoft.com", "");
  EXPECT_EQ(page_step(done.body), "done");
  EXPECT_EQ(poll(second["device_code"]).status, 200);
}

TEST_F(DeviceCodeTest, DeviceSignInIsJournalled) {
  auto authorization = json_body(device_authorization());
  enter_and_sign_in(authorization["user_code"]);
  auto entries = server_.journal().query({.kind = "device_login"});
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].fields["outcome"], "login_page");
  EXPECT_EQ(entries[1].fields["outcome"], "approved");
  EXPECT_EQ(entries[1].fields["user"], "alice");
  EXPECT_EQ(entries[1].fields["client_id"], client_id("caller"));
}

}  // namespace
}  // namespace toolauth::idp
