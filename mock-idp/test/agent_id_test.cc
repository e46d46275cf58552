// client_credentials in the Entra Agent ID flows over HTTPS: the blueprint's exchange token T1
// (fmi_path), the agent identity redeeming it, and the blueprint authenticating with its
// project's managed identity token as a federated credential.

#include <gtest/gtest.h>

#include "agent_id_flows.h"
#include "idp_server_thread.h"

namespace toolauth::idp {
namespace {

using testing::aadsts;
using testing::claims_of;

// The default world plus a second blueprint with its own agent identity: test-only principals.
nlohmann::json world_with_second_blueprint() {
  auto world = testing::default_world_document();
  world["identities"].push_back({{"name", "other-blueprint"},
                                 {"kind", "agent-blueprint"},
                                 {"client_id", "5b0d8f7e-3c2a-4e6b-9d1f-0a2b4c6d8e10"},
                                 {"object_id", "6c1e907f-4d3b-4f7c-8e20-1b3c5d7e9f21"},
                                 {"tenant", "contoso"},
                                 {"secrets", {{{"value", "other-blueprint-secret-0123456789"}}}}});
  world["identities"].push_back({{"name", "other-agent"},
                                 {"kind", "agent-identity"},
                                 {"client_id", "7d2fa180-5e4c-4a8d-9f31-2c4d6e8fa032"},
                                 {"object_id", "8e30b291-6f5d-4b9e-8a42-3d5e7f9ab143"},
                                 {"tenant", "contoso"},
                                 {"blueprint", "other-blueprint"}});
  return world;
}

class AgentIdClientCredentialsTest : public ::testing::Test {
 protected:
  testing::IdpServerThread idp_{{.fixtures = world_with_second_blueprint()}};
  const Directory& d_ = idp_.directory();
  const Identity& blueprint_ = *d_.identity_named("agent-blueprint");
  const Identity& agent_one_ = *d_.identity_named("agent-one");
};

TEST_F(AgentIdClientCredentialsTest, BlueprintSecretToT1ToAgentTokenWithRolesAndAgentFacets) {
  auto t1 = testing::request_t1(idp_, "agent-one");
  ASSERT_EQ(t1.status, 200) << t1.body.dump();
  const auto t1_claims = claims_of(t1.body["access_token"]);
  EXPECT_EQ(t1_claims["aud"], "api://AzureADTokenExchange");
  EXPECT_EQ(t1_claims["appid"], blueprint_.client_id);

  auto reply = testing::agent_client_credentials(idp_, "agent-one", t1.body["access_token"],
                                                 testing::mcp_api_uri(idp_) + "/.default");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_FALSE(reply.body.contains("refresh_token"));
  const auto claims = claims_of(reply.body["access_token"]);
  EXPECT_EQ(claims["aud"], d_.application_named("mcp-api")->client_id);
  EXPECT_EQ(claims["azp"], agent_one_.client_id);
  EXPECT_EQ(claims["azpacr"], "2");
  EXPECT_EQ(claims["oid"], agent_one_.object_id);
  EXPECT_EQ(claims["idtyp"], "app");
  EXPECT_EQ(claims["roles"], nlohmann::json({"Tools.Invoke.All"}));
  EXPECT_EQ(claims["xms_act_fct"], "3 9 11");
  EXPECT_EQ(claims["xms_sub_fct"], "9 3 11");
  EXPECT_EQ(claims["xms_par_app_azp"], blueprint_.client_id);
}

TEST_F(AgentIdClientCredentialsTest, FmiPathToAgentOfAnotherBlueprintIsRefusedWith700016) {
  auto reply = testing::request_t1(idp_, "other-agent");  // asked by agent-blueprint
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "unauthorized_client");
  EXPECT_EQ(aadsts(reply), 700016);
  EXPECT_NE(reply.body["error_description"].get<std::string>().find("not a child"),
            std::string::npos);
  // Its own blueprint may.
  EXPECT_EQ(testing::request_t1(idp_, "other-agent", "other-blueprint").status, 200);
}

TEST_F(AgentIdClientCredentialsTest, AgentPresentingT1MintedForItsSiblingIsRefusedWith700211) {
  const auto t1 = testing::t1_for(idp_, "agent-one");
  auto reply = testing::agent_client_credentials(idp_, "agent-two", t1,
                                                 testing::mcp_api_uri(idp_) + "/.default");
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.body["error"], "invalid_client");
  EXPECT_EQ(aadsts(reply), 700211);
}

TEST_F(AgentIdClientCredentialsTest, AgentPresentingT1OfAnotherBlueprintIsRefusedWith700211) {
  auto t1 = testing::request_t1(idp_, "other-agent", "other-blueprint");
  ASSERT_EQ(t1.status, 200);
  auto reply = testing::agent_client_credentials(idp_, "agent-one", t1.body["access_token"],
                                                 testing::mcp_api_uri(idp_) + "/.default");
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(aadsts(reply), 700211);
}

TEST_F(AgentIdClientCredentialsTest, AgentWithoutCredentialIsRefusedWith7000218) {
  auto reply = idp_.post_form(idp_.token_url("contoso"),
                              {{"grant_type", "client_credentials"},
                               {"client_id", agent_one_.client_id},
                               {"scope", testing::mcp_api_uri(idp_) + "/.default"}});
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(aadsts(reply), 7000218);
}

// The blueprint's federated credential trusts project-alpha: the project's managed identity
// token for api://AzureADTokenExchange, fetched from IMDS, is its client assertion.
class BlueprintFederatedCredentialTest : public AgentIdClientCredentialsTest {
 protected:
  std::string mi_token(std::string_view selector = {}) {
    auto reply = idp_.get_mi(
        "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=api://"
        "AzureADTokenExchange" +
            std::string(selector),
        {{"Metadata", "true"}});
    EXPECT_EQ(reply.status, 200) << reply.body.dump();
    return reply.body.value("access_token", "");
  }
  testing::Reply t1_with_assertion(const std::string& assertion) {
    return idp_.post_form(idp_.token_url("contoso"),
                          {{"grant_type", "client_credentials"},
                           {"client_id", blueprint_.client_id},
                           {"client_assertion_type", std::string(testing::kJwtBearerType)},
                           {"client_assertion", assertion},
                           {"scope", "api://AzureADTokenExchange/.default"},
                           {"fmi_path", agent_one_.client_id}});
  }
};

TEST_F(BlueprintFederatedCredentialTest, ProjectManagedIdentityTokenGetsT1ThenAgentToken) {
  auto t1 = t1_with_assertion(mi_token());
  ASSERT_EQ(t1.status, 200) << t1.body.dump();
  EXPECT_EQ(claims_of(t1.body["access_token"])["appidacr"], "2");
  auto reply = testing::agent_client_credentials(idp_, "agent-one", t1.body["access_token"],
                                                 testing::mcp_api_uri(idp_) + "/.default");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(claims_of(reply.body["access_token"])["azp"], agent_one_.client_id);
}

TEST_F(BlueprintFederatedCredentialTest, TokenOfAnotherManagedIdentityIsRefusedWith700213) {
  const auto* uami = d_.identity_named("tools-uami");
  auto reply = t1_with_assertion(mi_token("&client_id=" + uami->client_id));
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.body["error"], "invalid_client");
  EXPECT_EQ(aadsts(reply), 700213);
}

TEST_F(BlueprintFederatedCredentialTest, ManagedIdentityTokenForAnotherAudienceIsRefused) {
  auto reply = idp_.get_mi(
      "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://ai.azure.com",
      {{"Metadata", "true"}});
  ASSERT_EQ(reply.status, 200);
  reply = t1_with_assertion(reply.body["access_token"]);
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.body["error"], "invalid_client");
}

}  // namespace
}  // namespace toolauth::idp
