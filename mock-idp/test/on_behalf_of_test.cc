// On-behalf-of (jwt-bearer, requested_token_use=on_behalf_of) over HTTPS against a running IdP,
// for applications and for Entra agent identities.

#include <gtest/gtest.h>

#include "agent_id_flows.h"
#include "idp_server_thread.h"
#include "toolauth/idp/token_endpoint.h"
#include "toolauth/jose/forge.h"

namespace toolauth::idp {
namespace {

using testing::aadsts;
using testing::claims_of;

class OnBehalfOfTest : public ::testing::Test {
 protected:
  testing::IdpServerThread idp_;
  const Directory& d_ = idp_.directory();
  const Application& foundry_ = *d_.application_named("foundry");
  const User& alice_ = *d_.user_named("alice");

  // Alice's token as the caller app got it for Foundry (https://ai.azure.com, a v1 API).
  AccessTokenRequest alice_token_for(std::string identifier, const Application* resource) {
    AccessTokenRequest r;
    r.tenant = &idp_.tenant("contoso");
    r.client_id = d_.application_named("caller")->client_id;
    r.user = &alice_;
    r.resource = resource;
    r.resource_identifier = std::move(identifier);
    r.scopes = {"user_impersonation"};
    r.session_id = "session-1";
    return r;
  }
  std::string alice_foundry_token() {
    return idp_.mint(alice_token_for("https://ai.azure.com", &foundry_));
  }

  testing::Reply obo(const Application& client, const std::string& assertion,
                     const std::string& scope, http::Params extra = {}) {
    http::Params form = {{"grant_type", std::string(kGrantJwtBearer)},
                         {"client_id", client.client_id},
                         {"assertion", assertion},
                         {"scope", scope},
                         {"requested_token_use", "on_behalf_of"}};
    if (!client.secrets.empty()) form.add("client_secret", client.secrets.front().value);
    for (const auto& [name, value] : extra.items()) form.add(name, value);
    return idp_.post_form(idp_.token_url("contoso"), form);
  }
  std::string mcp_default() { return testing::mcp_api_uri(idp_) + "/.default"; }
};

TEST_F(OnBehalfOfTest, AliceTokenForFoundryBecomesMcpApiTokenWithHerOidAndConsentedScopes) {
  auto reply = obo(foundry_, alice_foundry_token(), mcp_default() + " offline_access",
                   {{"client_info", "1"}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(reply.body["token_type"], "Bearer");
  EXPECT_EQ(reply.body["expires_in"], 3600);
  EXPECT_EQ(reply.body["ext_expires_in"], 3600);
  EXPECT_EQ(reply.body["scope"], testing::mcp_api_uri(idp_) + "/Tools.Read " +
                                     testing::mcp_api_uri(idp_) + "/Tools.Invoke offline_access");
  EXPECT_TRUE(reply.body["refresh_token"].is_string());
  EXPECT_EQ(reply.body["client_info"], TokenFactory::client_info(alice_, idp_.tenant("contoso")));

  const auto claims = claims_of(reply.body["access_token"]);
  EXPECT_EQ(claims["aud"], d_.application_named("mcp-api")->client_id);  // v2: the API's id
  EXPECT_EQ(claims["iss"], idp_.server().url() + "/" + idp_.tenant("contoso").id + "/v2.0");
  EXPECT_EQ(claims["oid"], alice_.oid);
  EXPECT_EQ(claims["idtyp"], "user");
  EXPECT_EQ(claims["scp"], "Tools.Read Tools.Invoke");
  EXPECT_EQ(claims["azp"], foundry_.client_id);
  EXPECT_EQ(claims["azpacr"], "1");
  EXPECT_EQ(claims["sid"], "session-1");
  // Neither Foundry's application permission nor Alice's app role flows through OBO.
  EXPECT_FALSE(claims.contains("roles"));
  EXPECT_FALSE(claims.contains("xms_act_fct"));

  auto journal = idp_.server().provider().journal().query(
      {.kind = "token", .where = {{"grant_type", std::string(kGrantJwtBearer)}}});
  ASSERT_EQ(journal.size(), 1u);
  EXPECT_EQ(journal[0].fields["outcome"], "issued");
  EXPECT_EQ(journal[0].fields["user"], "alice");
  EXPECT_EQ(journal[0].fields["resource"], "mcp-api");
  EXPECT_EQ(journal[0].fields.dump().find(reply.body["access_token"].get<std::string>()),
            std::string::npos);
}

TEST_F(OnBehalfOfTest, ExplicitScopeGivesOnlyThatScopeAndNoRefreshTokenWithoutOfflineAccess) {
  auto reply = obo(foundry_, alice_foundry_token(), testing::mcp_api_uri(idp_) + "/Tools.Read");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(claims_of(reply.body["access_token"])["scp"], "Tools.Read");
  EXPECT_FALSE(reply.body.contains("refresh_token"));
  EXPECT_FALSE(reply.body.contains("client_info"));
}

TEST_F(OnBehalfOfTest, AssertionAudienceMayBeTheClientIdOfTheCallingApp) {
  const auto token = idp_.mint(alice_token_for(foundry_.client_id, &foundry_));
  EXPECT_EQ(obo(foundry_, token, mcp_default()).status, 200);
}

TEST_F(OnBehalfOfTest, OboWithTokenForAnotherAudienceIsRefusedWith500131) {
  // Alice's token for the MCP API, replayed by Foundry to get tokens as Alice elsewhere.
  const auto* mcp_api = d_.application_named("mcp-api");
  auto request = alice_token_for(testing::mcp_api_uri(idp_), mcp_api);
  request.scopes = {"Tools.Read"};
  auto reply = obo(foundry_, idp_.mint(request), mcp_default());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "invalid_grant");
  EXPECT_EQ(aadsts(reply), 500131);
  EXPECT_NE(reply.body["error_description"].get<std::string>().find(
                "Assertion audience does not match the Client app presenting the assertion"),
            std::string::npos);
}

TEST_F(OnBehalfOfTest, OboWithExpiredTokenIsRefusedWith500133) {
  const auto token = alice_foundry_token();
  idp_.clock().advance(std::chrono::seconds(3601));
  auto reply = obo(foundry_, token, mcp_default());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "invalid_grant");
  EXPECT_EQ(aadsts(reply), 500133);
}

TEST_F(OnBehalfOfTest, OboWithAppOnlyTokenIsRefusedWith50013) {
  // An app-only token for Foundry (the project's managed identity): there is no user to act for.
  const auto* mi = d_.identity_named("project-alpha");
  AccessTokenRequest r;
  r.tenant = &idp_.tenant("contoso");
  r.client_id = mi->client_id;
  r.app_object_id = mi->object_id;
  r.resource = &foundry_;
  r.resource_identifier = "https://ai.azure.com";
  auto reply = obo(foundry_, idp_.mint(r), mcp_default());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "invalid_grant");
  EXPECT_EQ(aadsts(reply), 50013);
  EXPECT_NE(reply.body["error_description"].get<std::string>().find("app-only"), std::string::npos);
}

TEST_F(OnBehalfOfTest, OboByPublicClientIsRefusedWith7000218) {
  const auto& caller = *d_.application_named("caller");
  auto reply = obo(caller, alice_foundry_token(), mcp_default());
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.body["error"], "invalid_client");
  EXPECT_EQ(aadsts(reply), 7000218);
}

TEST_F(OnBehalfOfTest, OboWithAssertionSignedByAnotherKeyIsRefusedWith50013) {
  const auto genuine = claims_of(alice_foundry_token());
  jose::TokenForge forge(
      idp_.on_server_thread([this] { return idp_.server().provider().keys().active(); }),
      idp_.clock());
  auto reply = obo(foundry_, *forge.signed_by_other_key(genuine), mcp_default());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(aadsts(reply), 50013);
  reply = obo(foundry_, *forge.alg_none(genuine), mcp_default());
  EXPECT_EQ(aadsts(reply), 50013);
}

TEST_F(OnBehalfOfTest, OboWithIdTokenInsteadOfAccessTokenIsRefusedWith50013) {
  // An ID token issued to Foundry has aud = Foundry's client id, but it is no access token.
  const auto id_token = idp_.on_server_thread([this] {
    IdTokenRequest r;
    r.tenant = &idp_.tenant("contoso");
    r.client_id = foundry_.client_id;
    r.user = &alice_;
    return idp_.server().provider().tokens().id_token(r)->token;
  });
  auto reply = obo(foundry_, id_token, mcp_default());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(aadsts(reply), 50013);
}

TEST_F(OnBehalfOfTest, OboWithoutConsentOnTheDownstreamApiIsRefusedWith65001) {
  auto reply = obo(foundry_, alice_foundry_token(), "https://graph.microsoft.com/User.Read");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "invalid_grant");
  EXPECT_EQ(reply.body["suberror"], "consent_required");
  EXPECT_EQ(aadsts(reply), 65001);
}

TEST_F(OnBehalfOfTest, OboForUserOfAnotherTenantIsRefusedWith50020) {
  // Carol (fabrikam) holds a token for Foundry; Foundry is a contoso-only application.
  auto request = alice_token_for("https://ai.azure.com", &foundry_);
  request.tenant = &idp_.tenant("fabrikam");
  request.user = d_.user_named("carol");
  auto reply = obo(foundry_, idp_.mint(request), mcp_default());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(aadsts(reply), 50020);
}

TEST_F(OnBehalfOfTest, RequestShapeErrors) {
  auto reply = obo(foundry_, "", mcp_default());
  EXPECT_EQ(aadsts(reply), 900144);
  auto form = http::Params{{"grant_type", std::string(kGrantJwtBearer)},
                           {"client_id", foundry_.client_id},
                           {"client_secret", foundry_.secrets.front().value},
                           {"assertion", alice_foundry_token()},
                           {"scope", mcp_default()}};
  reply = idp_.post_form(idp_.token_url("contoso"), form);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(aadsts(reply), 900144);  // requested_token_use
  form.add("requested_token_use", "assertion");
  reply = idp_.post_form(idp_.token_url("contoso"), form);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "invalid_request");
  reply = obo(foundry_, "not-a-jwt", mcp_default());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(aadsts(reply), 50013);
}

TEST_F(OnBehalfOfTest, OrganizationsEndpointTakesTheTenantFromTheAssertion) {
  auto form = http::Params{{"grant_type", std::string(kGrantJwtBearer)},
                           {"client_id", foundry_.client_id},
                           {"client_secret", foundry_.secrets.front().value},
                           {"assertion", alice_foundry_token()},
                           {"scope", mcp_default()},
                           {"requested_token_use", "on_behalf_of"}};
  auto reply = idp_.post_form("/organizations/oauth2/v2.0/token", form);
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(claims_of(reply.body["access_token"])["tid"], idp_.tenant("contoso").id);
}

// Entra Agent ID: the user's token is for the blueprint; the agent identity redeems it with T1.
class AgentOnBehalfOfTest : public OnBehalfOfTest {
 protected:
  const Identity& blueprint_ = *d_.identity_named("agent-blueprint");

  std::string alice_blueprint_token() {
    auto request = alice_token_for(blueprint_.client_id, nullptr);
    request.version = 2;
    return idp_.mint(request);
  }
  testing::Reply agent_obo(std::string_view agent, const std::string& assertion,
                           const std::string& scope) {
    return idp_.post_form(idp_.token_url("contoso"),
                          {{"grant_type", std::string(kGrantJwtBearer)},
                           {"client_id", d_.identity_named(agent)->client_id},
                           {"client_assertion_type", std::string(testing::kJwtBearerType)},
                           {"client_assertion", testing::t1_for(idp_, agent)},
                           {"assertion", assertion},
                           {"scope", scope},
                           {"requested_token_use", "on_behalf_of"}});
  }
};

TEST_F(AgentOnBehalfOfTest, AgentIdentityActsForAliceWithAgentFacets) {
  auto reply = agent_obo("agent-one", alice_blueprint_token(), mcp_default() + " offline_access");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_TRUE(reply.body["refresh_token"].is_string());
  const auto claims = claims_of(reply.body["access_token"]);
  EXPECT_EQ(claims["oid"], alice_.oid);
  EXPECT_EQ(claims["idtyp"], "user");
  EXPECT_EQ(claims["azp"], d_.identity_named("agent-one")->client_id);
  EXPECT_EQ(claims["azpacr"], "2");
  EXPECT_EQ(claims["scp"], "Tools.Read Tools.Invoke");
  EXPECT_EQ(claims["xms_act_fct"], "3 9 11");
  EXPECT_EQ(claims["xms_sub_fct"], "2 3");
  EXPECT_EQ(claims["xms_par_app_azp"], blueprint_.client_id);
  EXPECT_FALSE(claims.contains("roles"));
}

TEST_F(AgentOnBehalfOfTest, AgentRefreshesItsOboTokenForAliceWithT1) {
  auto first = agent_obo("agent-one", alice_blueprint_token(), mcp_default() + " offline_access");
  ASSERT_EQ(first.status, 200) << first.body.dump();
  auto reply = testing::agent_refresh(idp_, "agent-one", first.body["refresh_token"],
                                      testing::t1_for(idp_, "agent-one"),
                                      testing::mcp_api_uri(idp_) + "/Tools.Read");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_TRUE(reply.body["refresh_token"].is_string());
  const auto claims = claims_of(reply.body["access_token"]);
  EXPECT_EQ(claims["oid"], alice_.oid);
  EXPECT_EQ(claims["azp"], d_.identity_named("agent-one")->client_id);
  EXPECT_EQ(claims["scp"], "Tools.Read");
  EXPECT_EQ(claims["xms_sub_fct"], "2 3");
  EXPECT_EQ(claims["xms_par_app_azp"], blueprint_.client_id);
  EXPECT_FALSE(claims.contains("roles"));
}

TEST_F(AgentOnBehalfOfTest, AgentOboWithTokenForTheAgentInsteadOfItsBlueprintIsRefusedWith500131) {
  auto request = alice_token_for(d_.identity_named("agent-one")->client_id, nullptr);
  request.version = 2;
  auto reply = agent_obo("agent-one", idp_.mint(request), mcp_default());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(aadsts(reply), 500131);
}

TEST_F(AgentOnBehalfOfTest, AgentOboWithoutConsentForThatAgentIsRefusedWith65001) {
  // Consent was granted to agent-one, not to its sibling.
  auto reply = agent_obo("agent-two", alice_blueprint_token(), mcp_default());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(aadsts(reply), 65001);
}

}  // namespace
}  // namespace toolauth::idp
