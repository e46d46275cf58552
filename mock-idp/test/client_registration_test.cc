// RFC 7591 dynamic registration over HTTPS against a running IdpServer.

#include "toolauth/idp/client_registration.h"

#include <gtest/gtest.h>

#include <chrono>

#include "idp_fixture.h"
#include "toolauth/core/random.h"
#include "toolauth/idp/fixtures.h"

namespace toolauth::idp {
namespace {

using testing::basic_credentials;
using testing::expect_aad_error;
using testing::IdpInstance;

class ClientRegistrationTest : public ::testing::Test {
 protected:
  std::string path(std::string_view tenant = "fabrikam") {
    return idp_.endpoint_path(tenant, "register");
  }
  testing::Reply register_client(const nlohmann::json& metadata) {
    return idp_.send_json(http::Method::post, path(), metadata);
  }
  const Application* application(const std::string& client_id) {
    return idp_.on_server_thread(
        [&] { return idp_.provider().directory().find_application(client_id); });
  }
  std::string fabrikam_mcp_scope() {
    return testing::named(idp_.world()["resources"], "fabrikam-mcp")["app_id_uri"]
               .get<std::string>() +
           "/.default";
  }

  IdpInstance idp_;
};

TEST_F(ClientRegistrationTest, FaultAtRegistrationAnswersItsErrorAndRegistersNothing) {
  auto added = idp_.send_json(
      http::Method::post, "/_admin/faults",
      // The tenant as the request's path names it.
      {{"match", {{"endpoint", "register"}, {"tenant", idp_.tenant_id("fabrikam")}}},
       {"action", {{"status", 503}, {"error", "temporarily_unavailable"}, {"retry_after", 3}}},
       {"count", 1}});
  ASSERT_EQ(added.status, 201) << added.text;
  const nlohmann::json metadata = {{"redirect_uris", {"https://client.example/callback"}}};
  auto reply = register_client(metadata);
  EXPECT_EQ(reply.status, 503) << reply.text;
  EXPECT_EQ(reply.body["error"], "temporarily_unavailable");
  EXPECT_EQ(reply.headers.get("retry-after").value_or(""), "3");
  EXPECT_FALSE(reply.body.contains("client_id"));
  EXPECT_EQ(idp_.get("/_admin/journal?kind=register&outcome=fault").body["entries"].size(), 1u);
  EXPECT_TRUE(idp_.get("/_admin/journal?kind=register&outcome=registered").body["entries"].empty());

  reply = register_client(metadata);
  EXPECT_EQ(reply.status, 201) << reply.text;
}

TEST_F(ClientRegistrationTest, FaultLatencyDelaysRegistration) {
  auto added = idp_.send_json(
      http::Method::post, "/_admin/faults",
      {{"match", {{"endpoint", "register"}}}, {"action", {{"latency_ms", 200}}}, {"count", 1}});
  ASSERT_EQ(added.status, 201) << added.text;
  const auto start = std::chrono::steady_clock::now();
  const auto reply = register_client({{"redirect_uris", {"https://client.example/callback"}}});
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
  EXPECT_EQ(reply.status, 201) << reply.text;
}

TEST_F(ClientRegistrationTest, RegistersAConfidentialClient) {
  const auto before = idp_.clock().unix_seconds();
  const auto reply = register_client({{"redirect_uris", {"https://client.example/callback"}},
                                      {"client_name", "Example"},
                                      {"software_id", "ignored"}});
  ASSERT_EQ(reply.status, 201) << reply.text;
  EXPECT_EQ(reply.headers.get("cache-control").value_or(""), "no-store");
  const auto& body = reply.body;
  const std::string client_id = body["client_id"];
  EXPECT_TRUE(is_guid(client_id)) << client_id;
  EXPECT_EQ(body["client_secret"].get<std::string>().size(), 43u);
  EXPECT_EQ(body["client_secret_expires_at"], 0);
  EXPECT_GE(body["client_id_issued_at"].get<std::int64_t>(), before);
  EXPECT_LE(body["client_id_issued_at"].get<std::int64_t>(), idp_.clock().unix_seconds());
  EXPECT_EQ(body["token_endpoint_auth_method"], "client_secret_basic");
  EXPECT_EQ(body["grant_types"], nlohmann::json::array({"authorization_code"}));
  EXPECT_EQ(body["response_types"], nlohmann::json::array({"code"}));
  EXPECT_EQ(body["redirect_uris"], nlohmann::json::array({"https://client.example/callback"}));
  EXPECT_EQ(body["client_name"], "Example");
  EXPECT_FALSE(body.contains("software_id"));

  const auto* app = application(client_id);
  ASSERT_NE(app, nullptr);
  EXPECT_TRUE(app->registered_dynamically);
  EXPECT_FALSE(app->public_client);
  EXPECT_EQ(app->tenant, "fabrikam");
  EXPECT_EQ(app->display_name, "Example");

  // The secret authenticates the client at the other endpoints, here with HTTP Basic.
  http::Headers headers;
  headers.set("Authorization",
              basic_credentials(client_id, body["client_secret"].get<std::string>()));
  const auto introspected = idp_.post_form(idp_.endpoint_path("fabrikam", "introspect"),
                                           {{"token", "anything"}}, headers);
  EXPECT_EQ(introspected.status, 200) << introspected.text;
}

TEST_F(ClientRegistrationTest, RegistersAPublicClientAsTheMcpSdkDoes) {
  const nlohmann::json metadata = {
      {"redirect_uris", {"http://localhost:6274/oauth/callback"}},
      {"token_endpoint_auth_method", "none"},
      {"grant_types", {"authorization_code", "refresh_token"}},
      {"response_types", {"code"}},
      {"client_name", "MCP Inspector"},
      {"client_uri", "https://github.com/modelcontextprotocol/inspector"}};
  const auto reply = register_client(metadata);
  ASSERT_EQ(reply.status, 201) << reply.text;
  EXPECT_FALSE(reply.body.contains("client_secret"));
  EXPECT_FALSE(reply.body.contains("client_secret_expires_at"));
  for (const auto& [key, value] : metadata.items()) EXPECT_EQ(reply.body[key], value) << key;

  const auto* app = application(reply.body["client_id"]);
  ASSERT_NE(app, nullptr);
  EXPECT_TRUE(app->public_client);
  EXPECT_TRUE(app->secrets.empty());
  EXPECT_EQ(app->redirect_uris, std::vector<std::string>{"http://localhost:6274/oauth/callback"});
  EXPECT_EQ(app->grants, (std::vector<std::string>{"authorization_code", "refresh_token"}));
}

TEST_F(ClientRegistrationTest, EntraTenantsHaveNoRegistrationEndpoint) {
  const nlohmann::json metadata = {{"redirect_uris", {"https://client.example/callback"}}};
  EXPECT_EQ(idp_.send_json(http::Method::post, path("contoso"), metadata).status, 404);
  EXPECT_EQ(idp_.send_json(http::Method::post, "/common/oauth2/v2.0/register", metadata).status,
            404);
  expect_aad_error(
      idp_.send_json(http::Method::post, "/nowhere.example/oauth2/v2.0/register", metadata), 400,
      "invalid_request", 90002);
}

TEST_F(ClientRegistrationTest, BadMetadataGetsRfc7591Errors) {
  auto expect_error = [&](const testing::Reply& reply, std::string_view error) {
    EXPECT_EQ(reply.status, 400) << reply.text;
    EXPECT_EQ(reply.body.value("error", ""), error) << reply.text;
    EXPECT_TRUE(reply.body["error_description"].is_string()) << reply.text;
    EXPECT_EQ(reply.headers.get("cache-control").value_or(""), "no-store");
  };
  expect_error(register_client({{"redirect_uris", {"https://client.example/cb#x"}}}),
               "invalid_redirect_uri");
  expect_error(register_client({{"redirect_uris", {"http://attacker.example/cb"}}}),
               "invalid_redirect_uri");
  expect_error(register_client({{"redirect_uris", {"https://client.example/cb"}},
                                {"grant_types", {"authorization_code", "client_credentials"}}}),
               "invalid_client_metadata");
}

TEST_F(ClientRegistrationTest, BodiesThatAreNotStrictJsonAreRefused) {
  http::Headers json;
  json.set("Content-Type", "application/json");
  for (const auto* body : {"{\"redirect_uris\": [\"https://a.example/cb\"]",
                           "{\"redirect_uris\": [\"https://a.example/cb\"], \"redirect_uris\": "
                           "[\"https://b.example/cb\"]}",
                           "[]"}) {
    const auto reply = idp_.send(http::Method::post, path(), body, json);
    EXPECT_EQ(reply.status, 400) << body;
    EXPECT_EQ(reply.body.value("error", ""), "invalid_client_metadata") << reply.text;
  }
  const auto form = idp_.post_form(path(), {{"redirect_uris", "https://client.example/callback"}});
  EXPECT_EQ(form.status, 400);
  EXPECT_EQ(form.body.value("error", ""), "invalid_client_metadata");
  std::string deep(100, '[');
  EXPECT_EQ(idp_.send(http::Method::post, path(), deep, json).status, 400);
}

TEST_F(ClientRegistrationTest, RegisteredClientCannotUseClientCredentials) {
  // Registration grants only user-approved flows; the token endpoint holds it to that.
  const auto reply = register_client({{"redirect_uris", {"https://client.example/callback"}}});
  ASSERT_EQ(reply.status, 201);
  const auto token = idp_.post_form(idp_.endpoint_path("fabrikam"),
                                    {{"grant_type", "client_credentials"},
                                     {"client_id", reply.body["client_id"]},
                                     {"client_secret", reply.body["client_secret"]},
                                     {"scope", fabrikam_mcp_scope()}});
  expect_aad_error(token, 400, "unauthorized_client", 700054);
  const auto wrong =
      idp_.post_form(idp_.endpoint_path("fabrikam"), {{"grant_type", "client_credentials"},
                                                      {"client_id", reply.body["client_id"]},
                                                      {"client_secret", "guessed"},
                                                      {"scope", fabrikam_mcp_scope()}});
  expect_aad_error(wrong, 401, "invalid_client", 7000215);
}

TEST_F(ClientRegistrationTest, RegistrationsAreLimited) {
  // Fill up to one below the limit directly, then take the last place over HTTP.
  idp_.on_server_thread([&] {
    auto& idp = idp_.provider();
    for (std::size_t i = idp.registered_clients().size(); i + 1 < RegisteredClients::kMaxClients;
         ++i) {
      ClientRegistration r;
      r.client_id = core::uuid_v4();
      r.object_id = core::uuid_v4();
      r.tenant = "fabrikam";
      r.client_secret = "s";
      r.metadata = {{"redirect_uris", {"https://client.example/callback"}},
                    {"token_endpoint_auth_method", "client_secret_basic"},
                    {"grant_types", {"authorization_code"}},
                    {"response_types", {"code"}}};
      ASSERT_TRUE(idp.registered_clients().add(idp.directory(), std::move(r)));
    }
  });
  const nlohmann::json metadata = {{"redirect_uris", {"https://client.example/callback"}}};
  EXPECT_EQ(register_client(metadata).status, 201);
  const auto refused = register_client(metadata);
  EXPECT_EQ(refused.status, 403) << refused.text;
  EXPECT_EQ(refused.body.value("error", ""), "access_denied");
  EXPECT_EQ(idp_.on_server_thread([&] { return idp_.provider().registered_clients().size(); }),
            RegisteredClients::kMaxClients);
}

TEST_F(ClientRegistrationTest, RegistrationIsJournalledWithoutTheSecret) {
  const auto reply = register_client({{"redirect_uris", {"https://client.example/callback"}}});
  ASSERT_EQ(reply.status, 201);
  const auto journal = idp_.get("/_admin/journal?kind=register&outcome=registered&client_id=" +
                                reply.body["client_id"].get<std::string>());
  ASSERT_EQ(journal.body["entries"].size(), 1u) << journal.text;
  EXPECT_EQ(journal.body["entries"][0]["auth_method"], "client_secret_basic");
  EXPECT_EQ(idp_.get("/_admin/journal").text.find(reply.body["client_secret"].get<std::string>()),
            std::string::npos);
}

}  // namespace
}  // namespace toolauth::idp
