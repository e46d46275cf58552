// RFC 7009 revocation and RFC 7662 introspection in the mcp profile, over HTTPS against a
// running IdpServer.

#include "toolauth/idp/token_management.h"

#include <gtest/gtest.h>

#include "idp_fixture.h"
#include "toolauth/jose/forge.h"
#include "toolauth/jose/hash.h"

namespace toolauth::idp {
namespace {

using testing::basic_credentials;
using testing::expect_aad_error;
using testing::IdpInstance;
using testing::kFabrikamDaemonSecret;
using testing::kFabrikamMcpSecret;

struct Credentials {
  std::string client_id;
  std::string secret;  // empty: a public client
};

class TokenManagementTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    idp_ = std::make_unique<IdpInstance>(
        testing::IdpInstanceOptions{.fixtures = testing::test_fixtures()});
  }
  static void TearDownTestSuite() { idp_.reset(); }

  IdpInstance& idp() { return *idp_; }
  Credentials daemon() {
    return {idp().client("fabrikam-daemon")["client_id"], std::string(kFabrikamDaemonSecret)};
  }
  Credentials api() {
    return {testing::named(idp().world()["resources"], "fabrikam-mcp")["client_id"],
            std::string(kFabrikamMcpSecret)};
  }
  std::string scope() {
    return testing::named(idp().world()["resources"], "fabrikam-mcp")["app_id_uri"]
               .get<std::string>() +
           "/.default";
  }
  std::string daemon_token() {
    return idp().app_token("fabrikam", daemon().client_id, daemon().secret, scope());
  }
  // A client registered through RFC 7591 ("none" makes it public).
  Credentials registered(std::string auth_method = "client_secret_basic") {
    const auto reply =
        idp().send_json(http::Method::post, idp().endpoint_path("fabrikam", "register"),
                        {{"redirect_uris", {"https://client.example/callback"}},
                         {"token_endpoint_auth_method", auth_method}});
    EXPECT_EQ(reply.status, 201) << reply.text;
    return {reply.body.value("client_id", ""), reply.body.value("client_secret", "")};
  }
  testing::Reply call(std::string_view endpoint, const Credentials& client,
                      const std::string& token, std::string hint = {},
                      std::string tenant = "fabrikam") {
    http::Params form = {{"token", token}, {"client_id", client.client_id}};
    if (!client.secret.empty()) form.add("client_secret", client.secret);
    if (!hint.empty()) form.add("token_type_hint", hint);
    return idp().post_form(idp().endpoint_path(tenant, endpoint), form);
  }
  testing::Reply introspect(const Credentials& client, const std::string& token) {
    return call("introspect", client, token);
  }
  testing::Reply revoke(const Credentials& client, const std::string& token,
                        std::string hint = {}) {
    return call("revoke", client, token, std::move(hint));
  }
  bool active(const Credentials& client, const std::string& token) {
    const auto reply = introspect(client, token);
    EXPECT_EQ(reply.status, 200) << reply.text;
    return reply.body.value("active", false);
  }

  static inline std::unique_ptr<IdpInstance> idp_;
};

const nlohmann::json kInactive = {{"active", false}};

TEST_F(TokenManagementTest, IntrospectionDescribesAnActiveAccessToken) {
  const auto token = daemon_token();
  const auto claims = idp().verify("fabrikam", token);
  ASSERT_TRUE(claims.ok());
  const auto reply = introspect(daemon(), token);
  ASSERT_EQ(reply.status, 200) << reply.text;
  const auto& body = reply.body;
  EXPECT_EQ(body["active"], true);
  EXPECT_EQ(body["client_id"], daemon().client_id);
  EXPECT_EQ(body["token_type"], "Bearer");
  for (const auto* name : {"exp", "iat", "nbf", "sub", "aud", "iss"})
    EXPECT_EQ(body[name], claims->claims[name]) << name;
  EXPECT_EQ(body["jti"], claims->claims["uti"]);
  EXPECT_EQ(body["roles"], nlohmann::json::array({testing::kFabrikamMcpRole}));
  // An app token has no user and no delegated scope.
  EXPECT_FALSE(body.contains("username"));
  EXPECT_FALSE(body.contains("scope"));
  EXPECT_EQ(reply.headers.get("cache-control").value_or(""), "no-store");
}

TEST_F(TokenManagementTest, TheApiATokenIsForMayIntrospectIt) {
  const auto reply = introspect(api(), daemon_token());
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["active"], true);
}

TEST_F(TokenManagementTest, IntrospectionByAnUnrelatedClientSeesInactive) {
  // Neither the token's client nor its audience: it learns nothing about the token.
  const auto reply = introspect(registered(), daemon_token());
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body, kInactive);
}

TEST_F(TokenManagementTest, RevokedAccessTokenIsInactive) {
  const auto token = daemon_token();
  ASSERT_TRUE(active(daemon(), token));
  const auto reply = revoke(daemon(), token, "access_token");
  EXPECT_EQ(reply.status, 200) << reply.text;
  EXPECT_TRUE(reply.text.empty());
  EXPECT_FALSE(active(daemon(), token));
  EXPECT_FALSE(active(api(), token));
  // Revoking twice is harmless.
  EXPECT_EQ(revoke(daemon(), token).status, 200);
}

TEST_F(TokenManagementTest, RevokingAnUnknownTokenSucceeds) {
  // RFC 7009 §2.2: the client wanted the token gone, and an invalid token is gone already.
  EXPECT_EQ(revoke(daemon(), "not-a-token-at-all").status, 200);
  EXPECT_EQ(revoke(daemon(), "eyJhbGciOiJub25lIn0.eyJ1dGkiOiJ4In0.").status, 200);
}

TEST_F(TokenManagementTest, RevokingAnAccessTokenOfAnotherClientIsRefused) {
  const auto token = daemon_token();
  expect_aad_error(revoke(registered(), token), 400, "invalid_grant", 70000);
  EXPECT_TRUE(active(daemon(), token));
}

TEST_F(TokenManagementTest, RevokingARefreshTokenRevokesItsWholeFamily) {
  const auto first = idp().issue_refresh_token("fabrikam", "carol", daemon().client_id);
  const auto second =
      idp().issue_refresh_token("fabrikam", "carol", daemon().client_id, idp().family_of(first));
  const auto other = idp().issue_refresh_token("fabrikam", "carol", daemon().client_id);
  ASSERT_TRUE(active(daemon(), second));

  EXPECT_EQ(revoke(daemon(), first, "refresh_token").status, 200);
  EXPECT_FALSE(active(daemon(), first));
  EXPECT_FALSE(active(daemon(), second));
  EXPECT_TRUE(active(daemon(), other));
}

TEST_F(TokenManagementTest, IntrospectionDescribesAnActiveRefreshToken) {
  const auto token = idp().issue_refresh_token("fabrikam", "dave", daemon().client_id);
  const auto reply = introspect(daemon(), token);
  ASSERT_EQ(reply.status, 200) << reply.text;
  const auto& body = reply.body;
  EXPECT_EQ(body["active"], true);
  EXPECT_EQ(body["token_type"], "refresh_token");
  EXPECT_EQ(body["client_id"], daemon().client_id);
  EXPECT_EQ(body["username"], "dave@fabrikam.onmicrosoft.com");
  EXPECT_EQ(body["scope"], "openid offline_access");
  EXPECT_EQ(body["iss"], idp().url() + "/" + idp().tenant_id("fabrikam") + "/v2.0");
  EXPECT_EQ(body["sub"], TokenFactory::pairwise_subject("f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9",
                                                        daemon().client_id));
  EXPECT_EQ(body["jti"], jose::short_hash(token));
  EXPECT_GT(body["exp"].get<std::int64_t>(), body["iat"].get<std::int64_t>());
}

TEST_F(TokenManagementTest, RefreshTokenOfAnotherClientIsNeitherShownNorRevoked) {
  const auto token = idp().issue_refresh_token("fabrikam", "dave", daemon().client_id);
  EXPECT_EQ(introspect(api(), token).body, kInactive);
  expect_aad_error(revoke(api(), token), 400, "invalid_grant", 70000);
  EXPECT_TRUE(active(daemon(), token));
}

TEST_F(TokenManagementTest, UnsupportedTokenTypeHintIsRejectedByRevocation) {
  expect_aad_error(revoke(daemon(), daemon_token(), "id_token"), 400, "unsupported_token_type",
                   90014);
  // Introspection may ignore the hint (RFC 7662 §2.1) and does.
  const auto reply = call("introspect", daemon(), daemon_token(), "id_token");
  EXPECT_EQ(reply.body["active"], true) << reply.text;
}

TEST_F(TokenManagementTest, IntrospectionByAPublicClientIsRejected) {
  // Anyone can claim a public client's id: it must not learn who tokens belong to.
  const auto client = registered("none");
  expect_aad_error(introspect(client, daemon_token()), 401, "invalid_client", 7000218);
  // Public clients may revoke their own tokens (RFC 7009 §2.1).
  const auto token = idp().issue_refresh_token("fabrikam", "carol", client.client_id);
  EXPECT_EQ(revoke(client, token).status, 200);
  EXPECT_EQ(
      idp().on_server_thread([&] { return idp().provider().refresh_tokens().find(token)->state; }),
      RefreshToken::State::revoked);
}

TEST_F(TokenManagementTest, IntrospectionRequiresClientAuthentication) {
  expect_aad_error(introspect({daemon().client_id, "wrong-secret"}, daemon_token()), 401,
                   "invalid_client", 7000215);
  expect_aad_error(introspect({daemon().client_id, ""}, daemon_token()), 401, "invalid_client",
                   7000218);
  expect_aad_error(introspect({"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "x"}, daemon_token()), 400,
                   "unauthorized_client", 700016);
}

TEST_F(TokenManagementTest, HttpBasicAuthenticationIsAccepted) {
  http::Headers headers;
  headers.set("Authorization", basic_credentials(daemon().client_id, daemon().secret));
  const auto reply = idp().post_form(idp().endpoint_path("fabrikam", "introspect"),
                                     {{"token", daemon_token()}}, headers);
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["active"], true);
}

// Faults: a rule selects an endpoint and a client, named in the body or as the HTTP Basic user.
TEST_F(TokenManagementTest, FaultForOneClientAtRevocationFiresForItsHttpBasicRequest) {
  auto added = idp().send_json(
      http::Method::post, "/_admin/faults",
      {{"id", "revoke-daemon"},
       {"match", {{"endpoint", "revoke"}, {"client_id", daemon().client_id}}},
       {"action", {{"status", 503}, {"error", "temporarily_unavailable"}, {"code", "AADSTS50196"}}},
       {"count", 1}});
  ASSERT_EQ(added.status, 201) << added.text;
  // Another client and another endpoint are untouched.
  EXPECT_EQ(revoke(api(), "not-a-token").status, 200);
  EXPECT_TRUE(active(daemon(), daemon_token()));

  http::Headers headers;
  headers.set("Authorization", basic_credentials(daemon().client_id, daemon().secret));
  const auto token = daemon_token();
  auto reply =
      idp().post_form(idp().endpoint_path("fabrikam", "revoke"), {{"token", token}}, headers);
  expect_aad_error(reply, 503, "temporarily_unavailable", 50196);
  EXPECT_TRUE(active(daemon(), token)) << "the faulted revocation must not revoke";
  // count 1: the next request is served.
  reply = idp().post_form(idp().endpoint_path("fabrikam", "revoke"), {{"token", token}}, headers);
  EXPECT_EQ(reply.status, 200) << reply.text;
  EXPECT_FALSE(active(daemon(), token));

  const auto journal = idp().get("/_admin/journal?kind=revoke&outcome=fault");
  ASSERT_EQ(journal.body["entries"].size(), 1u) << journal.text;
  EXPECT_EQ(journal.body["entries"][0]["client_id"], daemon().client_id);
  EXPECT_EQ(idp().send_json(http::Method::delete_, "/_admin/faults/revoke-daemon").status, 200);
}

TEST_F(TokenManagementTest, FaultAtIntrospectionCanDropTheConnection) {
  auto added = idp().send_json(
      http::Method::post, "/_admin/faults",
      {{"match", {{"endpoint", "introspect"}}}, {"action", {{"drop", true}}}, {"count", 1}});
  ASSERT_EQ(added.status, 201) << added.text;
  EXPECT_THROW(introspect(daemon(), daemon_token()), std::runtime_error);
  EXPECT_TRUE(active(daemon(), daemon_token()));
}

TEST_F(TokenManagementTest, FaultAtIntrospectionAnswersItsStatusInTheEntraShape) {
  auto added = idp().send_json(
      http::Method::post, "/_admin/faults",
      {{"match", {{"endpoint", "introspect"}, {"client_id", api().client_id}}},
       {"action", {{"status", 401}, {"error", "invalid_client"}, {"code", "AADSTS7000222"}}},
       {"count", 1}});
  ASSERT_EQ(added.status, 201) << added.text;
  EXPECT_TRUE(active(daemon(), daemon_token()));
  expect_aad_error(introspect(api(), daemon_token()), 401, "invalid_client", 7000222);
  EXPECT_TRUE(active(api(), daemon_token()));
}

TEST_F(TokenManagementTest, ClientOfAnotherTenantIsRejected) {
  const auto foundry = idp().client("foundry");
  expect_aad_error(introspect({foundry["client_id"], foundry["client_secret"]}, daemon_token()),
                   400, "unauthorized_client", 700016);
}

TEST_F(TokenManagementTest, TokenOfAnotherTenantIsInactive) {
  const auto foundry = idp().client("foundry");
  const auto contoso_token = idp().app_token(
      "contoso", foundry["client_id"].get<std::string>(),
      foundry["client_secret"].get<std::string>(),
      testing::named(idp().world()["resources"], "mcp-api")["app_id_uri"].get<std::string>() +
          "/.default");
  EXPECT_EQ(introspect(daemon(), contoso_token).body, kInactive);
}

TEST_F(TokenManagementTest, ForgedAndExpiredTokensAreInactive) {
  const auto claims = idp().verify("fabrikam", daemon_token())->claims;
  const auto key = idp().on_server_thread([&] { return idp().provider().keys().active(); });
  const jose::TokenForge forge(key, idp().clock());
  // The control: the same claims honestly signed are active.
  EXPECT_TRUE(active(daemon(), *forge.valid(claims)));
  for (const auto& forged :
       {forge.alg_none(claims), forge.hs256_with_public_key(claims),
        forge.signed_by_other_key(claims), forge.bad_signature(claims), forge.unknown_kid(claims),
        forge.wrong_issuer(claims), forge.expired(claims), forge.not_yet_valid(claims)}) {
    ASSERT_TRUE(forged.ok());
    EXPECT_EQ(introspect(daemon(), *forged).body, kInactive);
  }
}

TEST_F(TokenManagementTest, EntraTenantsHaveNoRevocationOrIntrospection) {
  const auto foundry = idp().client("foundry");
  const Credentials client{foundry["client_id"], foundry["client_secret"]};
  for (const auto* endpoint : {"revoke", "introspect"}) {
    EXPECT_EQ(call(endpoint, client, "x", {}, "contoso").status, 404);
    const auto common = idp().post_form("/common/oauth2/v2.0/" + std::string(endpoint),
                                        {{"token", "x"}, {"client_id", client.client_id}});
    EXPECT_EQ(common.status, 404);
    expect_aad_error(
        idp().post_form("/nowhere.example/oauth2/v2.0/" + std::string(endpoint), {{"token", "x"}}),
        400, "invalid_request", 90002);
  }
}

TEST_F(TokenManagementTest, MalformedRequestsAreRejected) {
  const auto path = idp().endpoint_path("fabrikam", "introspect");
  const http::Params credentials = {{"client_id", daemon().client_id},
                                    {"client_secret", daemon().secret}};
  expect_aad_error(idp().post_form(path, credentials), 400, "invalid_request", 900144);
  auto twice = credentials;
  twice.add("token", "a");
  twice.add("token", "b");
  expect_aad_error(idp().post_form(path, twice), 400, "invalid_request", 90014);
  expect_aad_error(
      idp().send_json(
          http::Method::post, path,
          {{"token", "a"}, {"client_id", daemon().client_id}, {"client_secret", daemon().secret}}),
      400, "invalid_request", 90014);
}

TEST_F(TokenManagementTest, JournalRecordsOutcomesButNeverTokens) {
  const auto token = daemon_token();
  const auto refresh = idp().issue_refresh_token("fabrikam", "carol", daemon().client_id);
  ASSERT_TRUE(active(daemon(), token));
  ASSERT_EQ(revoke(daemon(), refresh).status, 200);
  const auto journal = idp().get("/_admin/journal");
  ASSERT_EQ(journal.status, 200);
  EXPECT_EQ(journal.text.find(token), std::string::npos);
  EXPECT_EQ(journal.text.find(refresh), std::string::npos);
  EXPECT_EQ(journal.text.find(daemon().secret), std::string::npos);
  const auto revoked =
      idp().get("/_admin/journal?kind=revoke&outcome=revoked&token_type=refresh_token&family=" +
                jose::short_hash(idp().family_of(refresh)));
  EXPECT_EQ(revoked.body["entries"].size(), 1u) << revoked.text;
}

}  // namespace
}  // namespace toolauth::idp
