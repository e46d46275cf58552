// The token endpoint's shared checks, over HTTPS against a running IdpServer: tenant, body
// encoding, repeated parameters, grant types, confidential-only grants, and the Entra error
// shape.

#include "toolauth/idp/token_endpoint.h"

#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>
#include <set>

#include "idp_fixture.h"

namespace toolauth::idp {
namespace {

using testing::expect_aad_error;
using testing::IdpInstance;

class TokenEndpointTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { idp_ = std::make_unique<IdpInstance>(); }
  static void TearDownTestSuite() { idp_.reset(); }

  const IdpInstance& idp() const { return *idp_; }
  std::string scope() const {
    return testing::named(idp().world()["resources"], "mcp-api")["app_id_uri"].get<std::string>() +
           "/.default";
  }
  http::Params foundry_form() const {
    const auto foundry = idp().client("foundry");
    return {{"grant_type", "client_credentials"},
            {"client_id", foundry["client_id"]},
            {"client_secret", foundry["client_secret"]},
            {"scope", scope()}};
  }

  static inline std::unique_ptr<IdpInstance> idp_;
};

TEST_F(TokenEndpointTest, TenantByDomainIsAccepted) {
  const auto reply = idp().post_form("/contoso.onmicrosoft.com/oauth2/v2.0/token", foundry_form());
  EXPECT_EQ(reply.status, 200) << reply.text;
}

TEST_F(TokenEndpointTest, UnknownTenantIsRejected) {
  expect_aad_error(idp().post_form("/nowhere.onmicrosoft.com/oauth2/v2.0/token", foundry_form()),
                   400, "invalid_request", 90002);
}

TEST_F(TokenEndpointTest, ClientCredentialsOnCommonIsRejected) {
  // App tokens need a tenant: /common would let the caller pick any tenant the app is in.
  for (const auto* segment : {"common", "organizations"}) {
    expect_aad_error(
        idp().post_form("/" + std::string(segment) + "/oauth2/v2.0/token", foundry_form()), 400,
        "invalid_request", 9001023);
  }
}

TEST_F(TokenEndpointTest, RepeatedParameterIsRejected) {
  // RFC 6749 §3.2: two parsers may pick different copies of a repeated parameter.
  auto form = foundry_form();
  form.add("scope", "https://graph.microsoft.com/.default");
  expect_aad_error(idp().post_form(idp().endpoint_path("contoso"), form), 400, "invalid_request",
                   90014);
}

TEST_F(TokenEndpointTest, WrongContentTypeIsRejected) {
  const auto form = foundry_form();
  nlohmann::json body;
  for (const auto& [name, value] : form.items()) body[name] = value;
  expect_aad_error(idp().send_json(http::Method::post, idp().endpoint_path("contoso"), body), 400,
                   "invalid_request", 90014);
}

TEST_F(TokenEndpointTest, MissingGrantTypeIsRejected) {
  auto form = foundry_form();
  http::Params without;
  for (const auto& [name, value] : form.items())
    if (name != "grant_type") without.add(name, value);
  expect_aad_error(idp().post_form(idp().endpoint_path("contoso"), without), 400, "invalid_request",
                   900144);
}

TEST_F(TokenEndpointTest, UnsupportedGrantIsRejected) {
  const auto valid = foundry_form();
  http::Params form;
  for (const auto& [name, value] : valid.items())
    form.add(name, name == "grant_type" ? "urn:example:made-up" : value);
  expect_aad_error(idp().post_form(idp().endpoint_path("contoso"), form), 400,
                   "unsupported_grant_type", 70003);
}

TEST_F(TokenEndpointTest, PublicClientWithoutSecretOnClientCredentialsIsRejected) {
  // A public client proves nothing about itself: it must not get app tokens.
  const auto reply = idp().post_form(idp().endpoint_path("contoso"),
                                     {{"grant_type", "client_credentials"},
                                      {"client_id", idp().client("caller")["client_id"]},
                                      {"scope", scope()}});
  expect_aad_error(reply, 401, "invalid_client", 7000218);
}

TEST_F(TokenEndpointTest, ErrorsHaveTheEntraShapeAndEchoTheCorrelationId) {
  auto form = foundry_form();
  http::Params wrong;
  for (const auto& [name, value] : form.items())
    wrong.add(name, name == "client_secret" ? "wrong" : value);
  const std::string correlation = "5b1f0c3e-2d4a-4e6b-8c7d-9e0f1a2b3c4d";
  const auto reply =
      idp().post_form(idp().endpoint_path("contoso") + "?client-request-id=" + correlation, wrong);
  expect_aad_error(reply, 401, "invalid_client", 7000215);
  EXPECT_EQ(reply.body["correlation_id"], correlation);
  const std::string description = reply.body["error_description"];
  EXPECT_TRUE(description.starts_with("AADSTS7000215: ")) << description;
  EXPECT_NE(description.find("\r\nTrace ID: "), std::string::npos);
  EXPECT_NE(description.find("\r\nCorrelation ID: " + correlation), std::string::npos);
  EXPECT_TRUE(reply.body["timestamp"].is_string());
  EXPECT_TRUE(reply.body["trace_id"].is_string());
  EXPECT_EQ(reply.body["error_uri"], idp().url() + "/error?code=7000215");
  EXPECT_EQ(reply.headers.get("cache-control").value_or(""), "no-store, no-cache");
}

TEST_F(TokenEndpointTest, ConcurrentRequestsEachGetTheirOwnFreshToken) {
  // Signatures are computed on worker threads while the server takes the next requests.
  constexpr int kRequests = 16;
  boost::asio::io_context io;
  http::Client client(io.get_executor(), {.ca_file = idp().ca_file()});
  http::Headers headers;
  headers.set("Content-Type", "application/x-www-form-urlencoded");
  const http::ClientRequest request{.method = http::Method::post,
                                    .url = idp().url() + idp().endpoint_path("contoso"),
                                    .headers = headers,
                                    .body = http::encode_form(foundry_form())};
  std::vector<std::string> tokens;
  for (int i = 0; i < kRequests; ++i) {
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          auto response = co_await client.send(request);
          if (response.ok() && response->status == 200)
            tokens.push_back(nlohmann::json::parse(response->body)["access_token"]);
        },
        boost::asio::detached);
  }
  io.run();
  ASSERT_EQ(tokens.size(), static_cast<std::size_t>(kRequests));
  std::set<std::string> utis;
  for (const auto& token : tokens) {
    const auto verified = idp().verify("contoso", token);
    ASSERT_TRUE(verified.ok()) << verified.error().message();
    utis.insert(verified->claims["uti"].get<std::string>());
  }
  EXPECT_EQ(utis.size(), static_cast<std::size_t>(kRequests));
}

TEST_F(TokenEndpointTest, ClientTelemetryParametersAreIgnored) {
  // MSAL puts client-request-id in the query; older MSAL and Azure Identity put telemetry and
  // a stray response_type in the body.
  auto form = foundry_form();
  form.add("x-client-SKU", "msal.js.node");
  form.add("x-client-VER", "2.16.0");
  form.add("x-ms-lib-capability", "retry-after, h429");
  form.add("response_type", "token");
  const auto reply = idp().post_form(
      idp().endpoint_path("contoso") + "?client-request-id=0f1e2d3c-4b5a-4697-8877-665544332211",
      form);
  EXPECT_EQ(reply.status, 200) << reply.text;
}

}  // namespace
}  // namespace toolauth::idp
