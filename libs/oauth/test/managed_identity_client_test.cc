// ManagedIdentityClient against mock-idp's plain-HTTP managed identity listener, with the
// endpoint and header its ready document gives (as @azure/identity would read them from env).

#include "toolauth/oauth/managed_identity_client.h"

#include <gtest/gtest.h>

#include "idp_for_oauth.h"
#include "toolauth/oauth/error.h"

namespace toolauth::oauth {
namespace {

namespace net = boost::asio;
using testing::OauthIdp;

class ManagedIdentityClientTest : public ::testing::Test {
 protected:
  ManagedIdentityEndpoint app_service(std::string header = {}) {
    const auto& env = idp_.ready()["env"];
    return ManagedIdentityEndpoint::app_service(
        env["IDENTITY_ENDPOINT"],
        header.empty() ? env["IDENTITY_HEADER"].get<std::string>() : header);
  }
  ManagedIdentityEndpoint imds() {
    return ManagedIdentityEndpoint::imds(idp_.ready()["idp"]["mi_url"]);
  }
  TokenResult get(ManagedIdentityEndpoint endpoint, std::string resource,
                  ManagedIdentitySelector identity = {}) {
    return idp_.run<TokenResult>(
        [&](TokenEndpointClient&, http::Client& http) -> net::awaitable<TokenResult> {
          ManagedIdentityClient client(http, idp_.clock(), endpoint);
          co_return co_await client.get_token(resource, identity);
        });
  }
  std::string mcp_api() { return idp_.world("resources", "mcp-api").value("app_id_uri", ""); }

  OauthIdp idp_;
};

TEST_F(ManagedIdentityClientTest, AppServiceSystemAssignedIdentity) {
  auto token = get(app_service(), mcp_api());
  ASSERT_TRUE(token.ok()) << token.error().summary();
  EXPECT_EQ(token->scope, mcp_api());
  EXPECT_EQ(token->token_type, "Bearer");
  // expires_on is absolute: the lifetime is measured on the shared clock.
  EXPECT_GT(token->expires_in.count(), 3000);
  EXPECT_LE(token->expires_in.count(), 3600);
  const auto claims = idp::testing::claims_of(token->access_token);
  EXPECT_EQ(claims["appid"], idp_.client_id("identities", "project-alpha"));
  EXPECT_EQ(claims["aud"], mcp_api());
  EXPECT_EQ(claims["roles"], nlohmann::json::array({"Tools.Invoke.All"}));
}

TEST_F(ManagedIdentityClientTest, ImdsUserAssignedIdentityByClientId) {
  const auto uami = idp_.client_id("identities", "tools-uami");
  auto token = get(imds(), mcp_api() + "/.default", ManagedIdentitySelector::by_client_id(uami));
  ASSERT_TRUE(token.ok()) << token.error().summary();
  EXPECT_EQ(idp::testing::claims_of(token->access_token)["appid"], uami);
  EXPECT_GT(token->expires_in.count(), 0);
}

TEST_F(ManagedIdentityClientTest, SelectorsByObjectIdAndResourceIdReachTheSameIdentity) {
  const auto uami = idp_.world("identities", "tools-uami");
  for (const auto& endpoint : {imds(), app_service()}) {
    for (const auto& selector : {ManagedIdentitySelector::by_object_id(uami["object_id"]),
                                 ManagedIdentitySelector::by_resource_id(uami["resource_id"])}) {
      auto token = get(endpoint, mcp_api(), selector);
      ASSERT_TRUE(token.ok()) << token.error().summary();
      EXPECT_EQ(idp::testing::claims_of(token->access_token)["appid"], uami["client_id"]);
    }
  }
}

TEST_F(ManagedIdentityClientTest, RequestsCarryTheProtocolsHeadersAndParameters) {
  auto check = [&](ManagedIdentityEndpoint endpoint, std::string_view header,
                   std::string_view expected_query) {
    idp_.run<int>([&](TokenEndpointClient&, http::Client& http) -> net::awaitable<int> {
      ManagedIdentityClient client(http, idp_.clock(), endpoint);
      auto request = client.make_request("api://x/.default",
                                         ManagedIdentitySelector::by_resource_id("/sub/r"));
      EXPECT_TRUE(request.ok());
      if (request.ok()) {
        EXPECT_TRUE(request->headers.has(header)) << header;
        EXPECT_NE(request->url.find(expected_query), std::string::npos) << request->url;
      }
      co_return 0;
    });
  };
  check(
      imds(), "Metadata",
      "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=api://x&msi_res_id=/sub/r");
  check(app_service(), "X-IDENTITY-HEADER",
        "?api-version=2019-08-01&resource=api://x&mi_res_id=/sub/r");
}

TEST_F(ManagedIdentityClientTest, WrongIdentityHeaderIsRejectedWith403) {
  auto token = get(app_service("not-the-identity-header"), mcp_api());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().http_status, 403);
  EXPECT_EQ(token.error().failure, TokenFailure::rejected);
}

TEST_F(ManagedIdentityClientTest, UnknownIdentityIsRejectedWithTheEndpointsMessage) {
  auto token = get(imds(), mcp_api(),
                   ManagedIdentitySelector::by_client_id("00000000-0000-0000-0000-000000000000"));
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().http_status, 400);
  EXPECT_EQ(token.error().error, "invalid_request");
  EXPECT_EQ(token.error().error_description, "Identity not found");
  auto app = get(app_service(), mcp_api(),
                 ManagedIdentitySelector::by_client_id("00000000-0000-0000-0000-000000000000"));
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(app.error().http_status, 400);
  EXPECT_FALSE(app.error().error_description.empty());  // App Service's `message`
}

TEST_F(ManagedIdentityClientTest, UnknownResourceIsInvalidResource500011) {
  auto token = get(imds(), "api://no-such-resource");
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().aadsts, 500011);
}

TEST_F(ManagedIdentityClientTest, RefusesAnIdentityEndpointOnARemoteHostOverPlainHttp) {
  auto token = get(ManagedIdentityEndpoint::app_service("http://metadata.example/msi/token", "h"),
                   mcp_api());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().failure, TokenFailure::bad_request);
}

}  // namespace
}  // namespace toolauth::oauth
