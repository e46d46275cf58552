// RFC 8693 token exchange over HTTPS: served in the `mcp` profile tenant (fabrikam), refused
// with AADSTS82001 in the `entra` one (contoso), as Entra does.

#include <gtest/gtest.h>

#include "idp_server_thread.h"
#include "toolauth/idp/token_endpoint.h"
#include "toolauth/jose/forge.h"

namespace toolauth::idp {
namespace {

using testing::aadsts;
using testing::claims_of;

constexpr std::string_view kAccessTokenType = "urn:ietf:params:oauth:token-type:access_token";

// The default world plus a fabrikam gateway that receives carol's tokens and exchanges them for
// the Fabrikam MCP server (admin consent), and a fabrikam client without the grant.
nlohmann::json exchange_world() {
  auto world = testing::default_world_document();
  world["applications"].push_back(
      {{"name", "fabrikam-gateway"},
       {"client_id", "c0a8e1f2-1111-4a2b-8c3d-4e5f6a7b8c9d"},
       {"object_id", "d1b9f203-2222-4b3c-9d4e-5f6a7b8c9dae"},
       {"tenant", "fabrikam"},
       {"secrets", {{{"value", "fabrikam-gateway-secret-0123456789"}}}},
       {"grants", {std::string(kGrantTokenExchange), "client_credentials"}},
       {"identifier_uris", {"api://fabrikam-gateway"}},
       {"scopes", {{{"value", "access"}}}},
       {"app_permissions", {{"fabrikam-mcp", {"Tools.All"}}}}});
  world["applications"].push_back({{"name", "fabrikam-worker"},
                                   {"client_id", "e2c0a314-3333-4c4d-8e5f-6a7b8c9daebf"},
                                   {"object_id", "f3d1b425-4444-4d5e-9f60-7b8c9daebfc0"},
                                   {"tenant", "fabrikam"},
                                   {"secrets", {{{"value", "fabrikam-worker-secret-0123456789"}}}},
                                   {"grants", {"client_credentials"}}});
  world["consents"].push_back({{"client", "fabrikam-gateway"},
                               {"resource", "fabrikam-mcp"},
                               {"scopes", {"mcp.tools"}},
                               {"tenant", "fabrikam"}});
  for (auto& app : world["applications"]) {
    if (app["name"] == "fabrikam-mcp") app["app_roles"] = {{{"value", "Tools.All"}}};
  }
  return world;
}

class TokenExchangeTest : public ::testing::Test {
 protected:
  testing::IdpServerThread idp_{{.fixtures = exchange_world()}};
  const Directory& d_ = idp_.directory();
  const Application& gateway_ = *d_.application_named("fabrikam-gateway");
  const Application& mcp_ = *d_.application_named("fabrikam-mcp");
  const std::string mcp_url_ = "https://localhost:4783/mcp/bearer-fabrikam";

  // Carol's token for the gateway, as her client got it.
  std::string carol_token(std::string identifier = "api://fabrikam-gateway") {
    AccessTokenRequest r;
    r.tenant = &idp_.tenant("fabrikam");
    r.client_id = d_.application_named("caller")->client_id;
    r.user = d_.user_named("carol");
    r.resource = &gateway_;
    r.resource_identifier = std::move(identifier);
    r.scopes = {"access"};
    return idp_.mint(r);
  }
  testing::Reply exchange(const http::Params& extra, const Application* client = nullptr,
                          std::string_view tenant = "fabrikam") {
    if (client == nullptr) client = &gateway_;
    http::Params form = {{"grant_type", std::string(kGrantTokenExchange)},
                         {"client_id", client->client_id},
                         {"client_secret", client->secrets.front().value}};
    for (const auto& [name, value] : extra.items()) form.add(name, value);
    return idp_.post_form(idp_.token_url(tenant), form);
  }
};

TEST_F(TokenExchangeTest, CarolsTokenForTheGatewayBecomesATokenForTheMcpServer) {
  auto reply = exchange({{"subject_token", carol_token()},
                         {"subject_token_type", std::string(kAccessTokenType)},
                         {"resource", mcp_url_}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(reply.body["issued_token_type"], kAccessTokenType);
  EXPECT_EQ(reply.body["token_type"], "Bearer");
  EXPECT_EQ(reply.body["expires_in"], 3600);
  EXPECT_EQ(reply.body["scope"], "mcp.tools");
  EXPECT_FALSE(reply.body.contains("refresh_token"));
  const auto claims = claims_of(reply.body["access_token"]);
  EXPECT_EQ(claims["aud"], mcp_url_);  // RFC 8707: the resource as requested
  EXPECT_EQ(claims["oid"], d_.user_named("carol")->oid);
  EXPECT_EQ(claims["scp"], "mcp.tools");
  EXPECT_EQ(claims["scope"], "mcp.tools");
  EXPECT_EQ(claims["client_id"], gateway_.client_id);
  EXPECT_EQ(claims["iss"], idp_.server().url() + "/" + idp_.tenant("fabrikam").id + "/v2.0");
  EXPECT_FALSE(claims.contains("act"));
}

TEST_F(TokenExchangeTest, ActorTokenBecomesTheActClaimAndPriorActorsNest) {
  AccessTokenRequest actor;
  actor.tenant = &idp_.tenant("fabrikam");
  actor.client_id = gateway_.client_id;
  actor.app_object_id = gateway_.object_id;
  actor.resource = &gateway_;
  actor.resource_identifier = "api://fabrikam-gateway";
  const auto actor_token = idp_.mint(actor);
  auto reply = exchange({{"subject_token", carol_token()},
                         {"subject_token_type", "urn:ietf:params:oauth:token-type:jwt"},
                         {"actor_token", actor_token},
                         {"actor_token_type", std::string(kAccessTokenType)},
                         {"audience", mcp_.client_id},
                         {"requested_token_type", std::string(kAccessTokenType)}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  auto claims = claims_of(reply.body["access_token"]);
  EXPECT_EQ(claims["aud"], mcp_.client_id);
  EXPECT_EQ(claims["act"],
            nlohmann::json({{"sub", gateway_.object_id}, {"iss", claims_of(actor_token)["iss"]}}));

  // The exchanged token, sent on to the gateway again and exchanged once more, keeps the chain.
  AccessTokenRequest again;
  again.tenant = &idp_.tenant("fabrikam");
  again.client_id = gateway_.client_id;
  again.user = d_.user_named("carol");
  again.resource = &gateway_;
  again.resource_identifier = "api://fabrikam-gateway";
  again.scopes = {"access"};
  again.extra_claims["act"] = claims["act"];
  reply = exchange({{"subject_token", idp_.mint(again)},
                    {"subject_token_type", std::string(kAccessTokenType)},
                    {"actor_token", actor_token},
                    {"actor_token_type", std::string(kAccessTokenType)},
                    {"resource", mcp_url_}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  claims = claims_of(reply.body["access_token"]);
  EXPECT_EQ(claims["act"]["sub"], gateway_.object_id);
  EXPECT_EQ(claims["act"]["act"]["sub"], gateway_.object_id);
}

TEST_F(TokenExchangeTest, AppOnlySubjectKeepsItsSubjectAndGetsItsOwnRoles) {
  AccessTokenRequest app;
  app.tenant = &idp_.tenant("fabrikam");
  app.client_id = gateway_.client_id;
  app.app_object_id = gateway_.object_id;
  app.resource = &gateway_;
  app.resource_identifier = "api://fabrikam-gateway";
  auto reply = exchange({{"subject_token", idp_.mint(app)},
                         {"subject_token_type", std::string(kAccessTokenType)},
                         {"scope", "api://" + mcp_.client_id + "/.default"}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  const auto claims = claims_of(reply.body["access_token"]);
  EXPECT_EQ(claims["idtyp"], "app");
  EXPECT_EQ(claims["oid"], gateway_.object_id);
  EXPECT_EQ(claims["roles"], nlohmann::json({"Tools.All"}));
  EXPECT_FALSE(reply.body.contains("scope"));
}

// The tenant has no such grant, whoever asks: 82001 comes before the client's own `grants`
// check (Foundry's lack the grant, which used to hide 82001 behind 700054).
TEST_F(TokenExchangeTest, TokenExchangeInEntraProfileTenantIsRefusedWith82001) {
  const auto& foundry = *d_.application_named("foundry");
  ASSERT_FALSE(foundry.allows_grant(kGrantTokenExchange));
  auto reply =
      exchange({{"subject_token", carol_token()},
                {"subject_token_type", std::string(kAccessTokenType)},
                {"scope", "api://" + d_.application_named("mcp-api")->client_id + "/.default"}},
               &foundry, "contoso");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "unsupported_grant_type");
  EXPECT_EQ(aadsts(reply), 82001);
}

TEST_F(TokenExchangeTest, TokenExchangeInEntraProfileTenantIsRefusedWith82001BeforeClientAuth) {
  auto reply = idp_.post_form(idp_.token_url("contoso"),
                              {{"grant_type", std::string(kGrantTokenExchange)},
                               {"client_id", d_.application_named("foundry")->client_id},
                               {"client_secret", "wrong-secret"},
                               {"subject_token", carol_token()},
                               {"subject_token_type", std::string(kAccessTokenType)}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(aadsts(reply), 82001);
}

TEST_F(TokenExchangeTest, ClientWithoutTheGrantInMcpProfileTenantIsRefusedWith700054) {
  auto reply = exchange({{"subject_token", carol_token()},
                         {"subject_token_type", std::string(kAccessTokenType)},
                         {"resource", mcp_url_}},
                        d_.application_named("fabrikam-worker"));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "unauthorized_client");
  EXPECT_EQ(aadsts(reply), 700054);
}

TEST_F(TokenExchangeTest, ForgedSubjectTokenIsInvalidGrant) {
  jose::TokenForge forge(
      idp_.on_server_thread([this] { return idp_.server().provider().keys().active(); }),
      idp_.clock());
  auto reply = exchange({{"subject_token", *forge.signed_by_other_key(claims_of(carol_token()))},
                         {"subject_token_type", std::string(kAccessTokenType)},
                         {"resource", mcp_url_}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "invalid_grant");
}

TEST_F(TokenExchangeTest, ExpiredSubjectTokenIsInvalidGrant) {
  const auto token = carol_token();
  idp_.clock().advance(std::chrono::seconds(3601));
  auto reply = exchange({{"subject_token", token},
                         {"subject_token_type", std::string(kAccessTokenType)},
                         {"resource", mcp_url_}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "invalid_grant");
  EXPECT_EQ(aadsts(reply), 500133);
}

TEST_F(TokenExchangeTest, ExchangingTokenSentToAnotherClientIsRefusedWith500131) {
  // Carol's token for the MCP server itself, captured and exchanged by the gateway.
  AccessTokenRequest r;
  r.tenant = &idp_.tenant("fabrikam");
  r.client_id = d_.application_named("caller")->client_id;
  r.user = d_.user_named("carol");
  r.resource = &mcp_;
  r.resource_identifier = mcp_url_;
  r.scopes = {"mcp.tools"};
  auto reply = exchange({{"subject_token", idp_.mint(r)},
                         {"subject_token_type", std::string(kAccessTokenType)},
                         {"resource", mcp_url_}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "invalid_grant");
  EXPECT_EQ(aadsts(reply), 500131);
}

TEST_F(TokenExchangeTest, RequestShapeErrors) {
  const auto subject = carol_token();
  auto reply = exchange({{"subject_token_type", std::string(kAccessTokenType)}});
  EXPECT_EQ(aadsts(reply), 900144);
  reply = exchange({{"subject_token", subject}, {"resource", mcp_url_}});
  EXPECT_EQ(aadsts(reply), 900144);
  reply = exchange({{"subject_token", subject},
                    {"subject_token_type", "urn:ietf:params:oauth:token-type:saml2"},
                    {"resource", mcp_url_}});
  EXPECT_EQ(reply.body["error"], "invalid_request");
  reply = exchange({{"subject_token", subject},
                    {"subject_token_type", std::string(kAccessTokenType)},
                    {"requested_token_type", "urn:ietf:params:oauth:token-type:refresh_token"},
                    {"resource", mcp_url_}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "invalid_request");
  reply = exchange({{"subject_token", subject},
                    {"subject_token_type", std::string(kAccessTokenType)},
                    {"actor_token_type", std::string(kAccessTokenType)},
                    {"resource", mcp_url_}});
  EXPECT_EQ(reply.body["error"], "invalid_request");
  reply =
      exchange({{"subject_token", subject}, {"subject_token_type", std::string(kAccessTokenType)}});
  EXPECT_EQ(reply.body["error"], "invalid_request");
  reply = exchange({{"subject_token", subject},
                    {"subject_token_type", std::string(kAccessTokenType)},
                    {"audience", "https://unknown.example/api"}});
  EXPECT_EQ(reply.body["error"], "invalid_target");
  reply = exchange({{"subject_token", subject},
                    {"subject_token_type", std::string(kAccessTokenType)},
                    {"audience", mcp_.client_id},
                    {"resource", "api://fabrikam-gateway"}});
  EXPECT_EQ(reply.body["error"], "invalid_target");
}

TEST_F(TokenExchangeTest, WithoutConsentForTheTargetIsRefusedWith65001) {
  auto reply = exchange({{"subject_token", carol_token()},
                         {"subject_token_type", std::string(kAccessTokenType)},
                         {"resource", "api://fabrikam-gateway"}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(aadsts(reply), 65001);
}

}  // namespace
}  // namespace toolauth::idp
