// The assembled server over HTTPS: readiness, faults injected at the token endpoint, the
// journal, reset, state export/import, and persistence across a restart on one state folder.

#include "toolauth/idp/idp_server.h"

#include <gtest/gtest.h>

#include <chrono>

#include "idp_fixture.h"

namespace toolauth::idp {
namespace {

using testing::expect_aad_error;
using testing::IdpInstance;
using testing::kFabrikamDaemonSecret;

std::string mcp_api_scope(const IdpInstance& idp) {
  return testing::named(idp.world()["resources"], "mcp-api")["app_id_uri"].get<std::string>() +
         "/.default";
}

testing::Reply client_credentials(const IdpInstance& idp, std::string_view client,
                                  std::string secret = {}) {
  const auto entry = idp.client(client);
  if (secret.empty()) secret = entry["client_secret"];
  return idp.post_form(idp.endpoint_path("contoso"), {{"grant_type", "client_credentials"},
                                                      {"client_id", entry["client_id"]},
                                                      {"client_secret", secret},
                                                      {"scope", mcp_api_scope(idp)}});
}
testing::Reply foundry(const IdpInstance& idp) { return client_credentials(idp, "foundry"); }
testing::Reply daemon(const IdpInstance& idp) {
  return client_credentials(idp, "test-daemon", std::string(testing::kDaemonSecret));
}

testing::Reply add_fault(const IdpInstance& idp, const nlohmann::json& rule) {
  auto reply = idp.send_json(http::Method::post, "/_admin/faults", rule);
  EXPECT_EQ(reply.status, 201) << reply.text;
  return reply;
}

struct Credentials {
  std::string client_id;
  std::string secret;
};

Credentials register_client(const IdpInstance& idp) {
  const auto reply = idp.send_json(http::Method::post, idp.endpoint_path("fabrikam", "register"),
                                   {{"redirect_uris", {"https://client.example/callback"}}});
  EXPECT_EQ(reply.status, 201) << reply.text;
  return {reply.body.value("client_id", ""), reply.body.value("client_secret", "")};
}

testing::Reply introspect(const IdpInstance& idp, const Credentials& client,
                          const std::string& token) {
  return idp.post_form(
      idp.endpoint_path("fabrikam", "introspect"),
      {{"token", token}, {"client_id", client.client_id}, {"client_secret", client.secret}});
}

Credentials fabrikam_daemon(const IdpInstance& idp) {
  return {idp.client("fabrikam-daemon")["client_id"], std::string(kFabrikamDaemonSecret)};
}

std::string fabrikam_daemon_token(const IdpInstance& idp) {
  return idp.app_token(
      "fabrikam", fabrikam_daemon(idp).client_id, kFabrikamDaemonSecret,
      testing::named(idp.world()["resources"], "fabrikam-mcp")["app_id_uri"].get<std::string>() +
          "/.default");
}

nlohmann::json jwks(const IdpInstance& idp) {
  return idp.get("/" + idp.tenant_id("contoso") + "/discovery/v2.0/keys").body;
}

TEST(IdpServerTest, ReadyOnBothListeners) {
  IdpInstance idp;
  const auto ready = idp.get("/_admin/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, nlohmann::json({{"status", "ready"}, {"component", "idp"}}));
  EXPECT_EQ(idp.get("/_admin/healthz").status, 200);
  const auto mi = idp.get(idp.mi_url() + "/_admin/readyz");
  EXPECT_EQ(mi.status, 200);
  EXPECT_EQ(mi.body["component"], "idp-mi");
}

TEST(IdpServerTest, FaultForOneClientReturnsItsAadstsError) {
  IdpInstance idp({.fixtures = testing::test_fixtures()});
  add_fault(
      idp, {{"match", {{"endpoint", "token"}, {"client_id", idp.client("foundry")["client_id"]}}},
            {"action", {{"status", 401}, {"error", "invalid_client"}, {"code", "AADSTS7000222"}}}});
  expect_aad_error(foundry(idp), 401, "invalid_client", 7000222);
  EXPECT_EQ(daemon(idp).status, 200);
  const auto journal = idp.get("/_admin/journal?kind=token&outcome=fault");
  EXPECT_EQ(journal.body["entries"].size(), 1u) << journal.text;
}

// A client that authenticates with HTTP Basic names itself only there: the rule still fires.
TEST(IdpServerTest, FaultForOneClientFiresWhenItAuthenticatesWithHttpBasic) {
  IdpInstance idp({.fixtures = testing::test_fixtures()});
  const auto foundry = idp.client("foundry");
  add_fault(idp,
            {{"match", {{"endpoint", "token"}, {"client_id", foundry["client_id"]}}},
             {"action", {{"status", 400}, {"error", "invalid_grant"}, {"code", "AADSTS50173"}}}});
  http::Headers headers;
  headers.set("Authorization",
              testing::basic_credentials(foundry["client_id"].get<std::string>(),
                                         foundry["client_secret"].get<std::string>()));
  const auto reply =
      idp.post_form(idp.endpoint_path("contoso"),
                    {{"grant_type", "client_credentials"}, {"scope", mcp_api_scope(idp)}}, headers);
  expect_aad_error(reply, 400, "invalid_grant", 50173);
  EXPECT_EQ(daemon(idp).status, 200);
  const auto journal = idp.get("/_admin/journal?kind=token&outcome=fault&client_id=" +
                               foundry["client_id"].get<std::string>());
  EXPECT_EQ(journal.body["entries"].size(), 1u) << journal.text;
}

TEST(IdpServerTest, FaultAnswers429WithRetryAfter) {
  IdpInstance idp;
  add_fault(idp, {{"match", {{"endpoint", "token"}, {"grant_type", "client_credentials"}}},
                  {"action", {{"status", 429}, {"retry_after", 7}}}});
  const auto reply = foundry(idp);
  EXPECT_EQ(reply.status, 429) << reply.text;
  EXPECT_EQ(reply.headers.get("retry-after").value_or(""), "7");
  EXPECT_EQ(reply.body["error"], "temporarily_unavailable");
}

TEST(IdpServerTest, FaultLatencyDelaysTheAnswer) {
  IdpInstance idp;
  add_fault(idp, {{"match", {{"endpoint", "token"}}}, {"action", {{"latency_ms", 300}}}});
  const auto start = std::chrono::steady_clock::now();
  const auto reply = foundry(idp);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(reply.status, 200) << reply.text;
  EXPECT_GE(elapsed, std::chrono::milliseconds(300));
}

TEST(IdpServerTest, FaultWithCountOneFiresOnceThenTheEndpointIsHealthy) {
  IdpInstance idp;
  add_fault(idp, {{"match", {{"endpoint", "token"}}},
                  {"action", {{"status", 503}, {"error", "temporarily_unavailable"}}},
                  {"count", 1}});
  EXPECT_EQ(foundry(idp).status, 503);
  EXPECT_EQ(foundry(idp).status, 200);
  EXPECT_EQ(foundry(idp).status, 200);
  EXPECT_EQ(idp.get("/_admin/faults").body["rules"][0]["hits"], 1);
}

TEST(IdpServerTest, SeededProbabilityFaultsAreReproducible) {
  IdpInstance idp;
  ASSERT_EQ(idp.send_json(http::Method::post, "/_admin/faults/seed", {{"seed", 7}}).status, 200);
  add_fault(
      idp,
      {{"match", {{"endpoint", "token"}}}, {"action", {{"status", 503}}}, {"probability", 0.5}});
  auto run = [&] {
    std::string pattern;
    for (int i = 0; i < 16; ++i) pattern += foundry(idp).status == 503 ? 'F' : '.';
    return pattern;
  };
  const auto first = run();
  ASSERT_EQ(idp.send_json(http::Method::post, "/_admin/faults/seed", {{"seed", 7}}).status, 200);
  EXPECT_EQ(run(), first);
  EXPECT_NE(first.find('F'), std::string::npos) << first;
  EXPECT_NE(first.find('.'), std::string::npos) << first;
}

TEST(IdpServerTest, JournalIsQueryableByGrantClientAndOutcome) {
  IdpInstance idp({.fixtures = testing::test_fixtures()});
  ASSERT_EQ(foundry(idp).status, 200);
  ASSERT_EQ(foundry(idp).status, 200);
  ASSERT_EQ(client_credentials(idp, "foundry", "wrong-secret").status, 401);
  ASSERT_EQ(daemon(idp).status, 200);

  const std::string foundry_id = idp.client("foundry")["client_id"];
  const auto query = [&](const std::string& filter) {
    const auto reply =
        idp.get("/_admin/journal?kind=token&grant_type=client_credentials&" + filter);
    EXPECT_EQ(reply.status, 200) << reply.text;
    return reply.body["entries"];
  };
  const auto issued = query("client_id=" + foundry_id + "&outcome=issued");
  ASSERT_EQ(issued.size(), 2u);
  EXPECT_EQ(issued[0]["client"], "foundry");
  EXPECT_EQ(issued[0]["resource"], "mcp-api");
  EXPECT_NE(issued[0]["uti"], issued[1]["uti"]);
  const auto failed = query("client_id=" + foundry_id + "&outcome=error");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["error_code"], 7000215);
  EXPECT_EQ(query("client=test-daemon").size(), 1u);

  // No secret or token in the journal.
  const auto all = idp.get("/_admin/journal").text;
  EXPECT_EQ(all.find(idp.client("foundry")["client_secret"].get<std::string>()), std::string::npos);
  EXPECT_EQ(all.find("wrong-secret"), std::string::npos);
  EXPECT_EQ(all.find("eyJ"), std::string::npos);
}

TEST(IdpServerTest, ResetReturnsToTheFixtures) {
  IdpInstance idp({.fixtures = testing::test_fixtures()});
  const auto client = register_client(idp);
  const auto revoked = fabrikam_daemon_token(idp);
  ASSERT_EQ(idp.post_form(idp.endpoint_path("fabrikam", "revoke"),
                          {{"token", revoked},
                           {"client_id", fabrikam_daemon(idp).client_id},
                           {"client_secret", fabrikam_daemon(idp).secret}})
                .status,
            200);
  add_fault(idp, {{"match", {{"endpoint", "token"}, {"grant_type", "refresh_token"}}},
                  {"action", {{"status", 500}}}});
  ASSERT_EQ(idp.send_json(http::Method::put, "/_admin/lifetimes",
                          {{"client_id", idp.client("foundry")["client_id"]},
                           {"access_token_seconds", 60}})
                .status,
            200);

  ASSERT_EQ(idp.send_json(http::Method::post, "/_admin/reset").status, 200);
  // Dynamically registered clients are runtime state: gone.
  expect_aad_error(introspect(idp, client, "x"), 400, "unauthorized_client", 700016);
  EXPECT_TRUE(idp.get("/_admin/faults").body["rules"].empty());
  EXPECT_EQ(foundry(idp).body["expires_in"], 3600);
  // Keys are kept, so tokens issued before still verify; their revocation stays.
  EXPECT_EQ(introspect(idp, fabrikam_daemon(idp), revoked).body["active"], false);
  EXPECT_EQ(introspect(idp, fabrikam_daemon(idp), fabrikam_daemon_token(idp)).body["active"], true);
}

TEST(IdpServerTest, StateExportImportRoundTrip) {
  IdpInstance idp({.fixtures = testing::test_fixtures()});
  const auto kept = register_client(idp);
  const auto exported = idp.get("/_admin/state");
  ASSERT_EQ(exported.status, 200);
  EXPECT_EQ(exported.headers.get("cache-control").value_or(""), "no-store");
  const auto keys = jwks(idp);

  const auto dropped = register_client(idp);
  ASSERT_EQ(idp.send_json(http::Method::post, "/_admin/keys/rotate").status, 200);
  ASSERT_NE(jwks(idp), keys);

  const auto imported = idp.send(http::Method::put, "/_admin/state", exported.text);
  ASSERT_EQ(imported.status, 200) << imported.text;
  EXPECT_EQ(introspect(idp, kept, "x").status, 200);
  expect_aad_error(introspect(idp, dropped, "x"), 400, "unauthorized_client", 700016);
  EXPECT_EQ(jwks(idp), keys);
  EXPECT_TRUE(idp.verify("contoso", foundry(idp).body["access_token"].get<std::string>()).ok());
}

TEST(IdpServerTest, ImportOfMalformedStateChangesNothing) {
  IdpInstance idp({.fixtures = testing::test_fixtures()});
  const auto client = register_client(idp);
  const auto keys = jwks(idp);
  for (const auto* body : {R"({"idp": {"keys": {"keys": [{"key_pem": 5, "certificate_pem": 6}]}}})",
                           R"({"idp": {"keys": {"keys": []}}})", R"([])", R"({"idp": 5})"}) {
    const auto reply = idp.send(http::Method::put, "/_admin/state", body);
    EXPECT_EQ(reply.status, 400) << body << " -> " << reply.text;
  }
  EXPECT_EQ(jwks(idp), keys);
  EXPECT_EQ(introspect(idp, client, "x").status, 200);
}

TEST(IdpServerTest, RestartOnTheSameStateDirKeepsKeysConsentsRefreshTokensAndClients) {
  testing::TempDir state;
  nlohmann::json keys;
  std::uint16_t port = 0;
  Credentials client;
  std::string refresh_token, revoked_token, live_token;
  const std::string redirect_uri = "https://localhost:45678/oauth/callback";
  {
    IdpInstance idp({.state_dir = state.path(), .fixtures = testing::test_fixtures()});
    port = idp.port();
    ASSERT_EQ(idp.send_json(http::Method::post, "/_admin/keys/rotate").status, 200);
    keys = jwks(idp);
    ASSERT_EQ(keys["keys"].size(), 2u);
    client = register_client(idp);
    idp.on_server_thread([&] {
      auto& p = idp.provider();
      const auto& d = p.directory();
      p.consents().grant(*d.application_named("caller"), *d.application_named("mcp-api"),
                         *d.user_named("alice"), {"Tools.Read"});
      p.changed();
    });
    refresh_token = idp.issue_refresh_token("fabrikam", "carol", fabrikam_daemon(idp).client_id);
    revoked_token = fabrikam_daemon_token(idp);
    live_token = fabrikam_daemon_token(idp);
    ASSERT_EQ(idp.post_form(idp.endpoint_path("fabrikam", "revoke"),
                            {{"token", revoked_token},
                             {"client_id", fabrikam_daemon(idp).client_id},
                             {"client_secret", fabrikam_daemon(idp).secret}})
                  .status,
              200);
    ASSERT_EQ(idp.send_json(http::Method::post, "/_admin/redirect-uris",
                            {{"client_id", idp.client("connector")["client_id"]},
                             {"redirect_uri", redirect_uri}})
                  .status,
              200);
  }

  IdpInstance idp({.state_dir = state.path(), .fixtures = testing::test_fixtures(), .port = port});
  EXPECT_EQ(jwks(idp), keys);
  const auto consents = idp.get("/_admin/consents").body["grants"];
  ASSERT_EQ(consents.size(), 1u) << consents.dump();
  EXPECT_EQ(consents[0]["user"], "alice");
  const auto daemon = fabrikam_daemon(idp);
  EXPECT_EQ(introspect(idp, daemon, refresh_token).body["active"], true);
  EXPECT_EQ(introspect(idp, daemon, live_token).body["active"], true);
  EXPECT_EQ(introspect(idp, daemon, revoked_token).body["active"], false);
  EXPECT_EQ(introspect(idp, client, "x").status, 200);
  const auto uris = idp.on_server_thread([&] {
    return idp.provider()
        .directory()
        .find_application(idp.client("connector")["client_id"].get<std::string>())
        ->redirect_uris;
  });
  EXPECT_NE(std::find(uris.begin(), uris.end(), redirect_uri), uris.end());
}

}  // namespace
}  // namespace toolauth::idp
