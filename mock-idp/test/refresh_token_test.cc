// grant_type=refresh_token over real HTTPS: Entra rotation (the old token keeps working),
// strict rotation with RFC 9700 reuse detection, binding to the client, revocation, expiry,
// and resources (any consented resource in Entra; the family's RFC 8707 resource in `mcp`).

#include <gtest/gtest.h>

#include "sign_in_driver.h"

namespace toolauth::idp {
namespace {

using testing::aadsts;
using testing::json_body;
using testing::jwt_claims;
using testing::token_request;

constexpr std::string_view kContoso = "contoso.onmicrosoft.com";
constexpr std::string_view kFabrikam = "fabrikam.onmicrosoft.com";

class RefreshTokenTest : public ::testing::Test {
 protected:
  testing::UserFlowServer server_;

  std::string client_id(std::string_view name) {
    return server_.on_server_thread(
        [&] { return server_.provider().directory().application_named(name)->client_id; });
  }
  // A refresh token of the public client for `username` through ROPC.
  nlohmann::json password_tokens(std::string_view tenant, const std::string& username,
                                 const std::string& password, const std::string& scope,
                                 const std::string& resource = {}) {
    http::Params form = {{"grant_type", "password"},
                         {"client_id", client_id("caller")},
                         {"username", username},
                         {"password", password},
                         {"scope", scope}};
    if (!resource.empty()) form.add("resource", resource);
    auto response = token_request(server_, tenant, form);
    EXPECT_EQ(response.status, 200) << response.body;
    return json_body(response);
  }
  std::string alice_refresh_token() {
    return password_tokens(
        kContoso, "alice@contoso.onmicrosoft.com", "alice-Passw0rd!",
        "https://ai.azure.com/user_impersonation offline_access")["refresh_token"];
  }
  http::ClientResponse refresh(std::string_view tenant, const std::string& token,
                               const std::string& scope = {}, const std::string& resource = {}) {
    http::Params form = {{"grant_type", "refresh_token"},
                         {"client_id", client_id("caller")},
                         {"refresh_token", token}};
    if (!scope.empty()) form.add("scope", scope);
    if (!resource.empty()) form.add("resource", resource);
    return token_request(server_, tenant, form);
  }
  std::string fabrikam_resource() {
    return server_.on_server_thread([&] {
      return server_.provider().directory().application_named("fabrikam-mcp")->identifier_uris[0];
    });
  }
  // carol consented to the caller on fabrikam-mcp (ROPC cannot ask).
  void carol_consents() {
    server_.on_server_thread([&] {
      auto& idp = server_.provider();
      const auto& d = idp.directory();
      idp.consents().grant(*d.application_named("caller"), *d.application_named("fabrikam-mcp"),
                           *d.user_named("carol"), {"mcp.tools"});
    });
  }
};

TEST_F(RefreshTokenTest, RefreshGivesNewTokensInTheSameFamily) {
  const auto first = alice_refresh_token();
  auto response = refresh(kContoso, first, "https://ai.azure.com/user_impersonation openid");
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = json_body(response);
  const auto second = body["refresh_token"].get<std::string>();
  EXPECT_NE(second, first);
  EXPECT_TRUE(body.contains("id_token"));
  EXPECT_EQ(jwt_claims(body["access_token"].get<std::string>())["scp"], "user_impersonation");
  auto entries =
      server_.journal().query({.kind = "token", .where = {{"grant_type", "refresh_token"}}});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].fields["use"], jose::short_hash(first));
  EXPECT_EQ(entries[0].fields["refresh_issued"], jose::short_hash(second));
  auto issued = server_.journal().query({.kind = "token", .where = {{"grant_type", "password"}}});
  EXPECT_EQ(entries[0].fields["family"], issued[0].fields["family"]);
}

TEST_F(RefreshTokenTest, EntraModeKeepsTheOldTokenValid) {
  const auto first = alice_refresh_token();
  ASSERT_EQ(refresh(kContoso, first).status, 200);
  auto again = refresh(kContoso, first);
  EXPECT_EQ(again.status, 200) << again.body;
  auto entries =
      server_.journal().query({.kind = "token", .where = {{"use", jose::short_hash(first)}}});
  EXPECT_EQ(entries.size(), 2u);  // the journal shows the token used twice
  EXPECT_EQ(entries[1].fields["rotation"], "entra");
}

TEST_F(RefreshTokenTest, StrictModeReuseRevokesTheWholeFamily) {
  carol_consents();
  const auto resource = fabrikam_resource();
  const auto first = password_tokens(kFabrikam, "carol@fabrikam.onmicrosoft.com", "carol-Passw0rd!",
                                     "mcp.tools offline_access", resource)["refresh_token"]
                         .get<std::string>();
  auto rotated = refresh(kFabrikam, first);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const auto second = json_body(rotated)["refresh_token"].get<std::string>();

  // The rotated-out token comes back: reuse. The family, the newest token included, is gone.
  auto reused = refresh(kFabrikam, first);
  EXPECT_EQ(reused.status, 400);
  EXPECT_EQ(aadsts(reused), 50173);
  EXPECT_EQ(json_body(reused)["error"], "invalid_grant");
  auto newest = refresh(kFabrikam, second);
  EXPECT_EQ(newest.status, 400);
  EXPECT_EQ(aadsts(newest), 50173);
  auto entries = server_.journal().query({.kind = "token", .where = {{"reuse_detected", "true"}}});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].fields["family_revoked"], 1);
}

// A fault "after_handling" carries the refresh out and loses its answer: the client never
// sees the new token, yet the presented one is spent. A client that sends it again is reusing
// it, and the journal shows the same `use` twice and the family revoked.
TEST_F(RefreshTokenTest, AnAnswerLostAfterHandlingLeavesTheTokenSpent) {
  carol_consents();
  const auto first =
      password_tokens(kFabrikam, "carol@fabrikam.onmicrosoft.com", "carol-Passw0rd!",
                      "mcp.tools offline_access", fabrikam_resource())["refresh_token"]
          .get<std::string>();
  server_.on_server_thread([&] {
    auto added = server_.provider().faults().add(
        {{"match", {{"endpoint", "token"}, {"grant_type", "refresh_token"}}},
         {"action", {{"drop", true}, {"after_handling", true}}},
         {"count", 1}});
    ASSERT_TRUE(added.ok()) << added.error().message();
  });
  EXPECT_THROW(refresh(kFabrikam, first), std::runtime_error);  // no answer at all
  auto handled = server_.journal().query(
      {.kind = "token",
       .where = {{"grant_type", "refresh_token"}, {"fault_after_handling", "true"}}});
  ASSERT_EQ(handled.size(), 1u);
  EXPECT_EQ(handled[0].fields["outcome"], "issued");
  EXPECT_EQ(handled[0].fields["use"], jose::short_hash(first));

  auto again = refresh(kFabrikam, first);
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(aadsts(again), 50173);
  EXPECT_EQ(server_.journal()
                .query({.kind = "token", .where = {{"use", jose::short_hash(first)}}})
                .size(),
            2u);
  EXPECT_EQ(
      server_.journal().query({.kind = "token", .where = {{"reuse_detected", "true"}}}).size(), 1u);
}

TEST_F(RefreshTokenTest, StrictModeChainWorksWithoutReuse) {
  carol_consents();
  auto token = password_tokens(kFabrikam, "carol@fabrikam.onmicrosoft.com", "carol-Passw0rd!",
                               "mcp.tools offline_access", fabrikam_resource())["refresh_token"]
                   .get<std::string>();
  for (int i = 0; i < 3; ++i) {
    auto response = refresh(kFabrikam, token);
    ASSERT_EQ(response.status, 200) << response.body;
    token = json_body(response)["refresh_token"].get<std::string>();
  }
}

TEST_F(RefreshTokenTest, RefreshTokenOfAnotherClientIsRefusedWith70000) {
  const auto token = alice_refresh_token();
  auto response = token_request(server_, kContoso,
                                {{"grant_type", "refresh_token"},
                                 {"client_id", client_id("connector")},
                                 {"client_secret", "connector-secret-76e2507b-c7b1-4aa8"},
                                 {"refresh_token", token}});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 70000);
  EXPECT_EQ(json_body(response)["error"], "invalid_grant");
  EXPECT_EQ(refresh(kContoso, token).status, 200);  // still the caller's
}

TEST_F(RefreshTokenTest, RevokedRefreshTokenIsRefusedWith50173) {
  const auto token = alice_refresh_token();
  auto revoked = server_.post_json("/_admin/revoke", {{"user", "alice"}});
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  auto response = refresh(kContoso, token);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 50173);
}

TEST_F(RefreshTokenTest, ExpiredRefreshTokenIsRefusedWith700082BadToken) {
  const auto token = alice_refresh_token();
  server_.advance_clock(std::chrono::days(91));
  auto response = refresh(kContoso, token);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 700082);
  EXPECT_EQ(json_body(response)["suberror"], "bad_token");
}

TEST_F(RefreshTokenTest, UnknownRefreshTokenIsRefusedWith9002313) {
  auto response = refresh(kContoso, "not-a-refresh-token");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 9002313);
}

TEST_F(RefreshTokenTest, EntraRefreshMayNameAnotherConsentedResource) {
  const auto token = alice_refresh_token();
  auto graph = refresh(kContoso, token, "User.Read offline_access");
  ASSERT_EQ(graph.status, 200) << graph.body;
  EXPECT_EQ(jwt_claims(json_body(graph)["access_token"].get<std::string>())["aud"],
            "https://graph.microsoft.com");
  auto unconsented = refresh(kContoso, token, "api://" + client_id("mcp-api") + "/Tools.Read");
  EXPECT_EQ(unconsented.status, 400);
  EXPECT_EQ(aadsts(unconsented), 65001);
}

TEST_F(RefreshTokenTest, FailedRefreshLeavesTheTokenUsable) {
  carol_consents();
  const auto token =
      password_tokens(kFabrikam, "carol@fabrikam.onmicrosoft.com", "carol-Passw0rd!",
                      "mcp.tools offline_access", fabrikam_resource())["refresh_token"]
          .get<std::string>();
  EXPECT_EQ(refresh(kFabrikam, token, "mcp.nothing").status, 400);  // strict tenant
  EXPECT_EQ(refresh(kFabrikam, token).status, 200);
}

TEST_F(RefreshTokenTest, McpFamilyIsBoundToItsResource) {
  carol_consents();
  const auto resource = fabrikam_resource();
  const auto token = password_tokens(kFabrikam, "carol@fabrikam.onmicrosoft.com", "carol-Passw0rd!",
                                     "mcp.tools offline_access", resource)["refresh_token"]
                         .get<std::string>();
  auto other = refresh(kFabrikam, token, "", "https://localhost:4783/mcp/other");
  EXPECT_EQ(other.status, 400);
  EXPECT_EQ(json_body(other)["error"], "invalid_target");
  auto same = refresh(kFabrikam, token, "", resource);
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(jwt_claims(json_body(same)["access_token"].get<std::string>())["aud"], resource);
}

TEST_F(RefreshTokenTest, RefreshTokenOfAnotherTenantIsRefused) {
  const auto token = alice_refresh_token();
  auto response = refresh(kFabrikam, token);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(aadsts(response), 9002313);
}

TEST_F(RefreshTokenTest, JournalNeverHoldsTheToken) {
  const auto token = alice_refresh_token();
  refresh(kContoso, token);
  for (const auto& entry : server_.journal().query({.kind = "token"}))
    EXPECT_EQ(entry.fields.dump().find(token), std::string::npos);
}

}  // namespace
}  // namespace toolauth::idp
