// The IdP's own admin routes (keys, redirect URIs, lifetimes, revocation, consents) over HTTPS
// against a running IdpServer.

#include "toolauth/idp/admin_routes.h"

#include <gtest/gtest.h>

#include "idp_fixture.h"
#include "toolauth/jose/error.h"
#include "toolauth/jose/jwt.h"

namespace toolauth::idp {
namespace {

using testing::IdpInstance;
using testing::kFabrikamDaemonSecret;

class AdminRoutesTest : public ::testing::Test {
 protected:
  std::string mcp_api_scope() {
    return testing::named(idp_.world()["resources"], "mcp-api")["app_id_uri"].get<std::string>() +
           "/.default";
  }
  testing::Reply foundry_token_reply() {
    const auto foundry = idp_.client("foundry");
    return idp_.post_form(idp_.endpoint_path("contoso"),
                          {{"grant_type", "client_credentials"},
                           {"client_id", foundry["client_id"]},
                           {"client_secret", foundry["client_secret"]},
                           {"scope", mcp_api_scope()}});
  }
  std::string foundry_token() { return foundry_token_reply().body.value("access_token", ""); }
  static std::string kid_of(const std::string& token) {
    return jose::decode_jwt(token)->header.value("kid", "");
  }
  std::size_t published_keys() {
    return idp_.get("/" + idp_.tenant_id("contoso") + "/discovery/v2.0/keys").body["keys"].size();
  }
  testing::Reply admin(http::Method method, const std::string& path,
                       const nlohmann::json& body = nlohmann::json::object()) {
    return idp_.send_json(method, path, body);
  }
  std::string daemon_id() { return idp_.client("fabrikam-daemon")["client_id"]; }
  // Whether fabrikam-daemon's refresh token is still usable, as introspection reports it.
  bool active(const std::string& refresh_token) {
    const auto reply = idp_.post_form(idp_.endpoint_path("fabrikam", "introspect"),
                                      {{"token", refresh_token},
                                       {"client_id", daemon_id()},
                                       {"client_secret", std::string(kFabrikamDaemonSecret)}});
    EXPECT_EQ(reply.status, 200) << reply.text;
    return reply.body.value("active", false);
  }

  IdpInstance idp_{{.fixtures = testing::test_fixtures()}};
};

TEST_F(AdminRoutesTest, KeyRotationKeepsTheOldKeyPublishedUntilTheOverlapEnds) {
  const auto before = foundry_token();
  ASSERT_EQ(published_keys(), 1u);
  const auto rotated = admin(http::Method::post, "/_admin/keys/rotate", {{"overlap_seconds", 120}});
  ASSERT_EQ(rotated.status, 200) << rotated.text;
  EXPECT_EQ(rotated.body["published"], 2);
  EXPECT_NE(rotated.body["active"], kid_of(before));

  // Verifiers that cached the old JWKS, and tokens signed before the rotation, keep working.
  EXPECT_EQ(published_keys(), 2u);
  EXPECT_TRUE(idp_.verify("contoso", before).ok());
  const auto after = foundry_token();
  EXPECT_EQ(kid_of(after), rotated.body["active"]);
  EXPECT_TRUE(idp_.verify("contoso", after).ok());

  ASSERT_EQ(admin(http::Method::post, "/_admin/clock", {{"advance_seconds", 121}}).status, 200);
  EXPECT_EQ(published_keys(), 1u);
  EXPECT_EQ(idp_.verify("contoso", before).code(), jose::Errc::unknown_kid);
  EXPECT_TRUE(idp_.verify("contoso", after).ok());
  EXPECT_EQ(admin(http::Method::get, "/_admin/keys").body["active"], kid_of(after));
}

TEST_F(AdminRoutesTest, KeyRotationRefusesBadInput) {
  EXPECT_EQ(admin(http::Method::post, "/_admin/keys/rotate", {{"overlap_seconds", -1}}).status,
            400);
  EXPECT_EQ(admin(http::Method::post, "/_admin/keys/rotate", {{"overlap", 1}}).status, 400);
  EXPECT_EQ(idp_.send(http::Method::post, "/_admin/keys/rotate", "{").status, 400);
  EXPECT_EQ(published_keys(), 1u);
}

TEST_F(AdminRoutesTest, LifetimeOverrideShortensOneClientsTokens) {
  const std::string foundry = idp_.client("foundry")["client_id"];
  const auto set = admin(http::Method::put, "/_admin/lifetimes",
                         {{"client_id", foundry}, {"access_token_seconds", 120}});
  ASSERT_EQ(set.status, 200) << set.text;
  EXPECT_EQ(set.body, nlohmann::json({{foundry, 120}}));

  const auto reply = foundry_token_reply();
  EXPECT_EQ(reply.body["expires_in"], 120);
  const auto claims = idp_.verify("contoso", reply.body["access_token"].get<std::string>());
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->claims["exp"].get<std::int64_t>() - claims->claims["iat"].get<std::int64_t>(),
            120);
  const auto other = idp_.post_form(idp_.endpoint_path("contoso"),
                                    {{"grant_type", "client_credentials"},
                                     {"client_id", idp_.client("test-daemon")["client_id"]},
                                     {"client_secret", std::string(testing::kDaemonSecret)},
                                     {"scope", mcp_api_scope()}});
  EXPECT_EQ(other.body["expires_in"], 3600);

  EXPECT_EQ(admin(http::Method::delete_, "/_admin/lifetimes").status, 200);
  EXPECT_EQ(foundry_token_reply().body["expires_in"], 3600);
}

TEST_F(AdminRoutesTest, LifetimeOverrideRefusesBadInput) {
  const std::string foundry = idp_.client("foundry")["client_id"];
  for (const auto& body : {nlohmann::json{{"client_id", foundry}, {"access_token_seconds", 0}},
                           nlohmann::json{{"client_id", foundry}, {"access_token_seconds", 86401}},
                           nlohmann::json{{"client_id", foundry}, {"access_token_seconds", "60"}},
                           nlohmann::json{{"access_token_seconds", 60}}}) {
    EXPECT_EQ(admin(http::Method::put, "/_admin/lifetimes", body).status, 400) << body.dump();
  }
}

TEST_F(AdminRoutesTest, RevokeByUserRevokesEveryFamilyOfThatUser) {
  const auto carol_one = idp_.issue_refresh_token("fabrikam", "carol", daemon_id());
  const auto carol_two = idp_.issue_refresh_token("fabrikam", "carol", daemon_id());
  const auto dave = idp_.issue_refresh_token("fabrikam", "dave", daemon_id());

  const auto reply = admin(http::Method::post, "/_admin/revoke", {{"user", "carol"}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["revoked"], 2);
  EXPECT_FALSE(active(carol_one));
  EXPECT_FALSE(active(carol_two));
  EXPECT_TRUE(active(dave));

  // A user may also be named by UPN.
  EXPECT_EQ(admin(http::Method::post, "/_admin/revoke", {{"user", "dave@fabrikam.onmicrosoft.com"}})
                .body["revoked"],
            1);
  EXPECT_FALSE(active(dave));
}

TEST_F(AdminRoutesTest, RevokeByFamilyRevokesOnlyThatFamily) {
  const auto first = idp_.issue_refresh_token("fabrikam", "carol", daemon_id());
  const auto family = idp_.family_of(first);
  const auto second = idp_.issue_refresh_token("fabrikam", "carol", daemon_id(), family);
  const auto other = idp_.issue_refresh_token("fabrikam", "carol", daemon_id());

  const auto reply = admin(http::Method::post, "/_admin/revoke", {{"family", family}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["revoked"], 2);
  EXPECT_FALSE(active(first));
  EXPECT_FALSE(active(second));
  EXPECT_TRUE(active(other));
}

TEST_F(AdminRoutesTest, RevokeNeedsAUserOrAFamily) {
  EXPECT_EQ(admin(http::Method::post, "/_admin/revoke").status, 400);
  EXPECT_EQ(admin(http::Method::post, "/_admin/revoke", {{"user", "nobody"}}).status, 404);
  EXPECT_EQ(admin(http::Method::post, "/_admin/revoke", {{"everyone", true}}).status, 400);
}

TEST_F(AdminRoutesTest, RedirectUriRegistrationAddsToTheClient) {
  const std::string connector = idp_.client("connector")["client_id"];
  const std::string uri = "https://localhost:45678/oauth/callback";
  const auto reply = admin(http::Method::post, "/_admin/redirect-uris",
                           {{"client_id", connector}, {"redirect_uri", uri}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  const auto uris = idp_.on_server_thread(
      [&] { return idp_.provider().directory().find_application(connector)->redirect_uris; });
  EXPECT_NE(std::find(uris.begin(), uris.end(), uri), uris.end());

  for (const auto& body :
       {nlohmann::json{{"client_id", connector}, {"redirect_uri", uri + "#fragment"}},
        nlohmann::json{{"client_id", connector}, {"redirect_uri", "ftp://localhost/cb"}},
        nlohmann::json{{"client_id", connector}, {"redirect_uri", "/relative"}},
        nlohmann::json{{"client_id", "8f7e6d5c-4b3a-4291-8a7b-6c5d4e3f2a1b"},
                       {"redirect_uri", uri}},
        nlohmann::json{{"client_id", connector}}}) {
    EXPECT_EQ(admin(http::Method::post, "/_admin/redirect-uris", body).status, 400) << body.dump();
  }
}

TEST_F(AdminRoutesTest, ConsentsCanBeListedAndRevoked) {
  idp_.on_server_thread([&] {
    auto& idp = idp_.provider();
    const auto& d = idp.directory();
    idp.consents().grant(*d.application_named("caller"), *d.application_named("mcp-api"),
                         *d.user_named("alice"), {"Tools.Read"});
    idp.changed();
  });
  const auto listed = admin(http::Method::get, "/_admin/consents");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.body["grants"].size(), 1u) << listed.text;
  EXPECT_EQ(listed.body["grants"][0]["client"], "caller");
  EXPECT_EQ(listed.body["grants"][0]["scopes"], nlohmann::json::array({"Tools.Read"}));

  const auto revoked = admin(http::Method::post, "/_admin/consents/revoke",
                             {{"client", "caller"}, {"user", "alice"}});
  EXPECT_EQ(revoked.body["revoked"], 1);
  EXPECT_TRUE(admin(http::Method::get, "/_admin/consents").body["grants"].empty());
}

}  // namespace
}  // namespace toolauth::idp
