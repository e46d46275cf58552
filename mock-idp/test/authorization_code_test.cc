// grant_type=authorization_code over real HTTPS: codes obtained through the sign-in pages,
// redeemed by the public client (PKCE only) and the confidential connector (PKCE and secret).

#include <gtest/gtest.h>

#include "sign_in_driver.h"
#include "toolauth/jose/jwks.h"
#include "toolauth/jose/verifier.h"

namespace toolauth::idp {
namespace {

using testing::aadsts;
using testing::Browser;
using testing::json_body;
using testing::jwt_claims;
using testing::sign_in_for_code;
using testing::token_request;

constexpr std::string_view kContoso = "contoso.onmicrosoft.com";
constexpr std::string_view kContosoId = "9fb93534-081c-4253-b1e2-73a87984a8ab";
constexpr std::string_view kCallerRedirect = "https://localhost/callback";
constexpr std::string_view kConnectorRedirect = "https://localhost:4780/oauth/callback";
constexpr std::string_view kConnectorSecret = "connector-secret-76e2507b-c7b1-4aa8";
constexpr std::string_view kAlice = "alice@contoso.onmicrosoft.com";
constexpr std::string_view kAlicePassword = "alice-Passw0rd!";

class AuthorizationCodeTest : public ::testing::Test {
 protected:
  testing::UserFlowServer server_;
  Browser browser_{server_};
  testing::Pkce pkce_;

  std::string client_id(std::string_view name) {
    return server_.on_server_thread(
        [&] { return server_.provider().directory().application_named(name)->client_id; });
  }
  std::string mcp_api() { return "api://" + client_id("mcp-api"); }

  http::Params caller_request(std::string scope =
                                  "https://ai.azure.com/user_impersonation openid profile "
                                  "offline_access") {
    return {{"client_id", client_id("caller")},
            {"redirect_uri", std::string(kCallerRedirect)},
            {"response_type", "code"},
            {"scope", std::move(scope)},
            {"state", "st"},
            {"nonce", "nonce-42"},
            {"code_challenge", pkce_.challenge},
            {"code_challenge_method", "S256"}};
  }
  http::Params connector_request(std::string scope) {
    return {{"client_id", client_id("connector")},
            {"redirect_uri", std::string(kConnectorRedirect)},
            {"response_type", "code"},
            {"scope", std::move(scope)},
            {"state", "st"},
            {"code_challenge", pkce_.challenge},
            {"code_challenge_method", "S256"}};
  }
  std::string caller_code(std::string scope =
                              "https://ai.azure.com/user_impersonation openid profile "
                              "offline_access") {
    auto params = sign_in_for_code(browser_, kContoso, caller_request(std::move(scope)),
                                   std::string(kAlice), std::string(kAlicePassword));
    return params.get_or("code", "");
  }
  http::Params caller_redemption(const std::string& code) {
    return {{"grant_type", "authorization_code"},
            {"client_id", client_id("caller")},
            {"code", code},
            {"redirect_uri", std::string(kCallerRedirect)},
            {"code_verifier", pkce_.verifier}};
  }
  nlohmann::json verified_claims(const std::string& token) {
    auto jwks = jose::JwkSet::parse(
        server_.get("/" + std::string(kContosoId) + "/discovery/v2.0/keys").body);
    EXPECT_TRUE(jwks.ok());
    auto verifier = jose::Verifier::builder()
                        .allow(jose::Alg::RS256)
                        .keys(std::make_shared<jose::JwkSet>(std::move(*jwks)))
                        .issuers({server_.url() + "/" + std::string(kContosoId) + "/v2.0",
                                  server_.url() + "/" + std::string(kContosoId) + "/"})
                        .any_audience()
                        .clock(server_.clock())
                        .build();
    auto verified = verifier->verify(token);
    EXPECT_TRUE(verified.ok()) << verified.error().message();
    return verified.ok() ? verified->claims : nlohmann::json();
  }
};

TEST_F(AuthorizationCodeTest, PublicClientRedeemsItsCodeWithPkce) {
  const auto code = caller_code();
  auto params = caller_redemption(code);
  params.add("client_info", "1");
  params.add("scope", "https://ai.azure.com/user_impersonation openid profile offline_access");
  auto response = token_request(server_, kContoso, params);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.headers.get("cache-control").value_or(""), "no-store, no-cache");
  auto body = json_body(response);
  EXPECT_EQ(body["token_type"], "Bearer");
  EXPECT_EQ(body["scope"], "https://ai.azure.com/user_impersonation openid profile offline_access");
  EXPECT_EQ(body["expires_in"], 3600);
  EXPECT_EQ(body["ext_expires_in"], 3600);
  ASSERT_TRUE(body["refresh_token"].is_string());

  // Foundry takes v1 tokens: aud is the App ID URI as requested, the v1 issuer.
  auto access = verified_claims(body["access_token"]);
  EXPECT_EQ(access["aud"], "https://ai.azure.com");
  EXPECT_EQ(access["iss"], server_.url() + "/" + std::string(kContosoId) + "/");
  EXPECT_EQ(access["appid"], client_id("caller"));
  EXPECT_EQ(access["appidacr"], "0");
  EXPECT_EQ(access["scp"], "user_impersonation");
  EXPECT_EQ(access["oid"], "1aa615a9-4b6a-4551-a061-ae14a1dbf721");
  EXPECT_EQ(access["upn"], kAlice);

  auto id = verified_claims(body["id_token"]);
  EXPECT_EQ(id["aud"], client_id("caller"));
  EXPECT_EQ(id["iss"], server_.url() + "/" + std::string(kContosoId) + "/v2.0");
  EXPECT_EQ(id["nonce"], "nonce-42");
  EXPECT_EQ(id["preferred_username"], kAlice);
  EXPECT_EQ(id["name"], "Alice Adams");
  EXPECT_TRUE(id["sid"].is_string());
  EXPECT_EQ(id["sid"], access["sid"]);
  EXPECT_TRUE(id["auth_time"].is_number_integer());

  auto info = jose::base64url_decode(body["client_info"].get<std::string>());
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(nlohmann::json::parse(*info),
            (nlohmann::json{{"uid", "1aa615a9-4b6a-4551-a061-ae14a1dbf721"},
                            {"utid", std::string(kContosoId)}}));
}

TEST_F(AuthorizationCodeTest, ClientInfoMayBeAskedInTheQuery) {
  const auto code = caller_code();
  auto response =
      server_.post_form("/" + std::string(kContoso) + "/oauth2/v2.0/token?client-request-id=" +
                            "0f1e2d3c-0000-4000-8000-000000000000&client_info=1",
                        caller_redemption(code));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(json_body(response).contains("client_info"));
}

TEST_F(AuthorizationCodeTest, ConfidentialClientRedeemsWithItsSecret) {
  auto params = sign_in_for_code(browser_, kContoso,
                                 connector_request(mcp_api() + "/Tools.Read offline_access"),
                                 std::string(kAlice), std::string(kAlicePassword));
  const auto code = params.get_or("code", "");
  ASSERT_FALSE(code.empty());
  http::Params redemption = {{"grant_type", "authorization_code"},
                             {"client_id", client_id("connector")},
                             {"client_secret", std::string(kConnectorSecret)},
                             {"code", code},
                             {"redirect_uri", std::string(kConnectorRedirect)},
                             {"code_verifier", pkce_.verifier}};
  auto response = token_request(server_, kContoso, redemption);
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = json_body(response);
  EXPECT_EQ(body["scope"], mcp_api() + "/Tools.Read offline_access");
  EXPECT_FALSE(body.contains("id_token"));  // no openid asked
  auto access = verified_claims(body["access_token"]);
  EXPECT_EQ(access["aud"], client_id("mcp-api"));  // v2 API: its client id
  EXPECT_EQ(access["azp"], client_id("connector"));
  EXPECT_EQ(access["azpacr"], "1");
  EXPECT_EQ(access["scp"], "Tools.Read");
  EXPECT_EQ(access["roles"], nlohmann::json::array({"Tools.Admin"}));  // alice's app role
  EXPECT_EQ(access["ver"], "2.0");
}

TEST_F(AuthorizationCodeTest, ConfidentialClientWithoutItsSecretIsRefusedWith7000218) {
  auto params = sign_in_for_code(browser_, kContoso, connector_request(mcp_api() + "/Tools.Read"),
                                 std::string(kAlice), std::string(kAlicePassword));
  auto response = token_request(server_, kContoso,
                                {{"grant_type", "authorization_code"},
                                 {"client_id", client_id("connector")},
                                 {"code", params.get_or("code", "")},
                                 {"redirect_uri", std::string(kConnectorRedirect)},
                                 {"code_verifier", pkce_.verifier}});
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(aadsts(response), 7000218);
}

TEST_F(AuthorizationCodeTest, CodeReplayIsRefusedWith54005AndRevokesTheRefreshTokenFamily) {
  const auto code = caller_code();
  auto first = token_request(server_, kContoso, caller_redemption(code));
  ASSERT_EQ(first.status, 200);
  const auto refresh_token = json_body(first)["refresh_token"].get<std::string>();

  auto replay = token_request(server_, kContoso, caller_redemption(code));
  EXPECT_EQ(replay.status, 400);
  EXPECT_EQ(aadsts(replay), 54005);
  EXPECT_EQ(json_body(replay)["error"], "invalid_grant");

  auto refreshed = token_request(server_, kContoso,
                                 {{"grant_type", "refresh_token"},
                                  {"client_id", client_id("caller")},
                                  {"refresh_token", refresh_token}});
  EXPECT_EQ(refreshed.status, 400);
  EXPECT_EQ(aadsts(refreshed), 50173);
  auto entries = server_.journal().query({.kind = "token", .where = {{"replay", "true"}}});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].fields["family_revoked"], 1);
}

TEST_F(AuthorizationCodeTest, WrongPkceVerifierIsRefusedWith501481) {
  const auto code = caller_code();
  auto params = caller_redemption(code);
  auto wrong = http::Params{};
  for (const auto& [k, v] : params.items())
    wrong.add(k, k == "code_verifier" ? jose::random_token(32) : v);
  auto response = token_request(server_, kContoso, wrong);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 501481);
  EXPECT_EQ(json_body(response)["error"], "invalid_grant");
  // The code is spent: a stolen code cannot be tried against many verifiers.
  EXPECT_EQ(aadsts(token_request(server_, kContoso, params)), 54005);
}

TEST_F(AuthorizationCodeTest, MissingPkceVerifierIsRefusedWith501481) {
  const auto code = caller_code();
  auto response = token_request(server_, kContoso,
                                {{"grant_type", "authorization_code"},
                                 {"client_id", client_id("caller")},
                                 {"code", code},
                                 {"redirect_uri", std::string(kCallerRedirect)}});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 501481);
}

TEST_F(AuthorizationCodeTest, MalformedPkceVerifierIsRefusedWith501481) {
  const auto code = caller_code();
  auto params = caller_redemption(code);
  http::Params shortened;
  for (const auto& [k, v] : params.items()) shortened.add(k, k == "code_verifier" ? "abc" : v);
  EXPECT_EQ(aadsts(token_request(server_, kContoso, shortened)), 501481);
}

TEST_F(AuthorizationCodeTest, PlainChallengeAsVerifierDoesNotPassS256) {
  // The verifier sent as the challenge itself (a downgrade to `plain`) must not match S256.
  const auto code = caller_code();
  auto params = caller_redemption(code);
  http::Params downgraded;
  for (const auto& [k, v] : params.items())
    downgraded.add(k, k == "code_verifier" ? pkce_.challenge : v);
  EXPECT_EQ(aadsts(token_request(server_, kContoso, downgraded)), 501481);
}

TEST_F(AuthorizationCodeTest, ExpiredCodeIsRefusedWith70008) {
  const auto code = caller_code();
  server_.advance_clock(std::chrono::seconds(601));
  auto response = token_request(server_, kContoso, caller_redemption(code));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 70008);
}

TEST_F(AuthorizationCodeTest, CodeOfAnotherClientIsRefusedWith70000) {
  const auto code = caller_code();
  auto response = token_request(server_, kContoso,
                                {{"grant_type", "authorization_code"},
                                 {"client_id", client_id("connector")},
                                 {"client_secret", std::string(kConnectorSecret)},
                                 {"code", code},
                                 {"redirect_uri", std::string(kCallerRedirect)},
                                 {"code_verifier", pkce_.verifier}});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 70000);
  // The rightful client can still redeem it.
  EXPECT_EQ(token_request(server_, kContoso, caller_redemption(code)).status, 200);
}

TEST_F(AuthorizationCodeTest, RedirectUriDifferentFromTheAuthorizationRequestIsRefusedWith50011) {
  const auto code = caller_code();
  auto params = caller_redemption(code);
  http::Params other;
  for (const auto& [k, v] : params.items())
    other.add(k, k == "redirect_uri" ? "http://localhost:8080" : v);
  auto response = token_request(server_, kContoso, other);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 50011);
  EXPECT_EQ(json_body(response)["error"], "invalid_grant");
}

TEST_F(AuthorizationCodeTest, UnknownCodeIsRefusedWith9002313) {
  auto response = token_request(server_, kContoso, caller_redemption("made-up-code"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 9002313);
}

TEST_F(AuthorizationCodeTest, CodeOfAnotherTenantIsRefused) {
  const auto code = caller_code();
  auto response = token_request(server_, "fabrikam.onmicrosoft.com", caller_redemption(code));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 9002313);
}

TEST_F(AuthorizationCodeTest, OidcOnlyRequestGetsAGraphToken) {
  const auto code = caller_code("openid profile email");
  auto response = token_request(server_, kContoso, caller_redemption(code));
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = json_body(response);
  EXPECT_EQ(body["scope"], "https://graph.microsoft.com/User.Read openid profile email");
  EXPECT_FALSE(body.contains("refresh_token"));
  auto access = jwt_claims(body["access_token"].get<std::string>());
  EXPECT_EQ(access["aud"], "https://graph.microsoft.com");
  EXPECT_EQ(access["scp"], "User.Read openid profile email");
  EXPECT_EQ(jwt_claims(body["id_token"].get<std::string>())["email"], kAlice);
}

TEST_F(AuthorizationCodeTest, TokenRequestMayNameAnotherConsentedResource) {
  // MSAL redeems with the scopes it wants; Graph User.Read has admin consent.
  const auto code = caller_code();
  auto params = caller_redemption(code);
  params.add("scope", "User.Read openid offline_access");
  auto response = token_request(server_, kContoso, params);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(jwt_claims(json_body(response)["access_token"].get<std::string>())["aud"],
            "https://graph.microsoft.com");
}

TEST_F(AuthorizationCodeTest, TokenRequestCannotWidenConsent) {
  const auto code = caller_code();
  auto params = caller_redemption(code);
  params.add("scope", mcp_api() + "/Tools.Invoke");
  auto response = token_request(server_, kContoso, params);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 65001);
}

TEST_F(AuthorizationCodeTest, McpProfileResourceBecomesTheAudience) {
  const auto resource = server_.on_server_thread([&] {
    return server_.provider().directory().application_named("fabrikam-mcp")->identifier_uris[0];
  });
  auto request = caller_request("mcp.tools offline_access");
  request.add("resource", resource);
  auto params = sign_in_for_code(browser_, "fabrikam.onmicrosoft.com", request,
                                 "carol@fabrikam.onmicrosoft.com", "carol-Passw0rd!");
  auto redemption = caller_redemption(params.get_or("code", ""));
  redemption.add("resource", resource);
  auto response = token_request(server_, "fabrikam.onmicrosoft.com", redemption);
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = json_body(response);
  EXPECT_EQ(body["scope"], "mcp.tools offline_access");
  auto access = jwt_claims(body["access_token"].get<std::string>());
  EXPECT_EQ(access["aud"], resource);
  EXPECT_EQ(access["scp"], "mcp.tools");
  EXPECT_EQ(access["client_id"], client_id("caller"));  // RFC 9068

  // Another resource at redemption is refused (RFC 8707 §2.2).
  auto again = sign_in_for_code(browser_, "fabrikam.onmicrosoft.com", request,
                                "carol@fabrikam.onmicrosoft.com", "carol-Passw0rd!");
  auto other = caller_redemption(again.get_or("code", ""));
  other.add("resource", "https://localhost:4783/mcp/other");
  auto refused = token_request(server_, "fabrikam.onmicrosoft.com", other);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(json_body(refused)["error"], "invalid_target");
}

TEST_F(AuthorizationCodeTest, V1EndpointRedeemsWithResource) {
  auto request = caller_request("");
  http::Params v1;
  for (const auto& [k, v] : request.items()) {
    if (k != "scope") v1.add(k, v);
  }
  v1.add("resource", "https://ai.azure.com");
  auto page = browser_.get(testing::authorize_path(kContoso, v1, true));
  auto done = browser_.sign_in(page, std::string(kAlice), std::string(kAlicePassword));
  const auto code = testing::redirect_params(done).get_or("code", "");
  auto redemption = caller_redemption(code);
  redemption.add("resource", "https://ai.azure.com");
  auto response = server_.post_form("/" + std::string(kContoso) + "/oauth2/token", redemption);
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = json_body(response);
  EXPECT_EQ(jwt_claims(body["access_token"].get<std::string>())["aud"], "https://ai.azure.com");
  EXPECT_TRUE(body.contains("id_token"));
}

TEST_F(AuthorizationCodeTest, JournalNamesTheCodeOnlyByItsHash) {
  const auto code = caller_code();
  token_request(server_, kContoso, caller_redemption(code));
  auto entries = server_.journal().query({.kind = "token", .where = {{"outcome", "issued"}}});
  ASSERT_EQ(entries.size(), 1u);
  const auto& fields = entries[0].fields;
  EXPECT_EQ(fields["grant_type"], "authorization_code");
  EXPECT_EQ(fields["code_hash"], jose::short_hash(code));
  EXPECT_EQ(fields["user"], "alice");
  EXPECT_TRUE(fields["family"].is_string());
  EXPECT_EQ(fields.dump().find(code), std::string::npos);
  EXPECT_EQ(fields.dump().find(pkce_.verifier), std::string::npos);
}

}  // namespace
}  // namespace toolauth::idp
