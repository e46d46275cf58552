// The user_fic grant (Entra Agent ID agent users) over HTTPS, end to end from the blueprint's
// secret: T1, then T2, then the agent user's token.

#include <gtest/gtest.h>

#include "agent_id_flows.h"
#include "idp_server_thread.h"

namespace toolauth::idp {
namespace {

using testing::aadsts;
using testing::claims_of;

class UserFicTest : public ::testing::Test {
 protected:
  testing::IdpServerThread idp_;
  const Directory& d_ = idp_.directory();
  const User& agent_user_ = *d_.user_named("agent-one-user");

  // T2: the agent identity's own token for the token exchange audience.
  std::string t2_for(std::string_view agent) {
    auto reply = testing::agent_client_credentials(idp_, agent, testing::t1_for(idp_, agent),
                                                   "api://AzureADTokenExchange/.default");
    EXPECT_EQ(reply.status, 200) << reply.body.dump();
    return reply.body.value("access_token", "");
  }
  testing::Reply user_fic(std::string_view agent, const std::string& t2, http::Params user,
                          std::string scope = {}) {
    http::Params form = {
        {"grant_type", "user_fic"},
        {"client_id", d_.identity_named(agent)->client_id},
        {"client_assertion_type", std::string(testing::kJwtBearerType)},
        {"client_assertion", testing::t1_for(idp_, agent)},
        {"user_federated_identity_credential", t2},
        {"requested_token_use", "on_behalf_of"},
        {"scope", scope.empty() ? testing::mcp_api_uri(idp_) + "/.default" : scope}};
    for (const auto& [name, value] : user.items()) form.add(name, value);
    return idp_.post_form(idp_.token_url("contoso"), form);
  }
  // agent-one signed in as its agent user with offline_access: the reply with a refresh token.
  testing::Reply agent_user_tokens() {
    auto reply = user_fic("agent-one", t2_for("agent-one"), {{"username", agent_user_.username}},
                          testing::mcp_api_uri(idp_) + "/.default offline_access");
    EXPECT_EQ(reply.status, 200) << reply.body.dump();
    return reply;
  }
};

TEST_F(UserFicTest, AgentSignsInAsItsAgentUserFromBlueprintSecretThroughT1AndT2) {
  auto reply = user_fic("agent-one", t2_for("agent-one"), {{"username", agent_user_.username}},
                        testing::mcp_api_uri(idp_) + "/.default offline_access");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_TRUE(reply.body["refresh_token"].is_string());
  const auto claims = claims_of(reply.body["access_token"]);
  EXPECT_EQ(claims["aud"], d_.application_named("mcp-api")->client_id);
  EXPECT_EQ(claims["oid"], agent_user_.oid);
  EXPECT_EQ(claims["preferred_username"], agent_user_.username);
  EXPECT_EQ(claims["idtyp"], "user");
  EXPECT_EQ(claims["azp"], d_.identity_named("agent-one")->client_id);
  EXPECT_EQ(claims["scp"], "Tools.Read Tools.Invoke");
  EXPECT_EQ(claims["xms_act_fct"], "3 9 11");
  EXPECT_EQ(claims["xms_sub_fct"], "3 13");
  EXPECT_EQ(claims["xms_par_app_azp"], d_.identity_named("agent-blueprint")->client_id);
  EXPECT_FALSE(claims.contains("roles"));

  auto journal = idp_.server().provider().journal().query(
      {.kind = "token", .where = {{"grant_type", "user_fic"}, {"outcome", "issued"}}});
  ASSERT_EQ(journal.size(), 1u);
  EXPECT_EQ(journal[0].fields["user"], "agent-one-user");
}

// Entra documents the refresh_token grant for agent identities; a user_fic family is
// refreshed with T1 and keeps the agent user as subject.
TEST_F(UserFicTest, AgentRefreshesItsAgentUserTokenWithT1AndKeepsTheAgentUserFacets) {
  auto first = agent_user_tokens();
  ASSERT_TRUE(first.body["refresh_token"].is_string());
  const std::string refresh_token = first.body["refresh_token"];

  auto reply =
      testing::agent_refresh(idp_, "agent-one", refresh_token, testing::t1_for(idp_, "agent-one"));
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  ASSERT_TRUE(reply.body["refresh_token"].is_string());
  EXPECT_NE(reply.body["refresh_token"], refresh_token);
  EXPECT_NE(reply.body["access_token"], first.body["access_token"]);
  const auto claims = claims_of(reply.body["access_token"]);
  EXPECT_EQ(claims["oid"], agent_user_.oid);
  EXPECT_EQ(claims["idtyp"], "user");
  EXPECT_EQ(claims["azp"], d_.identity_named("agent-one")->client_id);
  EXPECT_EQ(claims["azpacr"], "2");
  EXPECT_EQ(claims["scp"], "Tools.Read Tools.Invoke");
  EXPECT_EQ(claims["xms_act_fct"], "3 9 11");
  EXPECT_EQ(claims["xms_sub_fct"], "3 13");
  EXPECT_EQ(claims["xms_par_app_azp"], d_.identity_named("agent-blueprint")->client_id);
  EXPECT_NE(claims["uti"], claims_of(first.body["access_token"])["uti"]);

  // The new token continues the family the user_fic grant started.
  auto journal = idp_.server().provider().journal().query(
      {.kind = "token", .where = {{"grant_type", "refresh_token"}, {"outcome", "issued"}}});
  ASSERT_EQ(journal.size(), 1u);
  EXPECT_EQ(journal[0].fields["agent_subject"], "agent_user");
  EXPECT_EQ(journal[0].fields["family"], journal[0].fields["rt_family"]);
  EXPECT_EQ(journal[0].fields["user"], "agent-one-user");
}

TEST_F(UserFicTest, SiblingAgentRedeemingAnotherAgentsRefreshTokenIsRefusedWith70000) {
  auto first = agent_user_tokens();
  ASSERT_TRUE(first.body["refresh_token"].is_string());
  auto reply = testing::agent_refresh(idp_, "agent-two", first.body["refresh_token"],
                                      testing::t1_for(idp_, "agent-two"));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "invalid_grant");
  EXPECT_EQ(aadsts(reply), 70000);
}

TEST_F(UserFicTest, AgentRefreshWithoutT1IsRefusedWith7000218) {
  auto first = agent_user_tokens();
  ASSERT_TRUE(first.body["refresh_token"].is_string());
  auto reply = idp_.post_form(idp_.token_url("contoso"),
                              {{"grant_type", "refresh_token"},
                               {"client_id", d_.identity_named("agent-one")->client_id},
                               {"refresh_token", first.body["refresh_token"]}});
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.body["error"], "invalid_client");
  EXPECT_EQ(aadsts(reply), 7000218);
}

TEST_F(UserFicTest, AgentRefreshWithAnotherAgentsT1IsRefusedWith700211) {
  auto first = agent_user_tokens();
  ASSERT_TRUE(first.body["refresh_token"].is_string());
  auto reply = testing::agent_refresh(idp_, "agent-one", first.body["refresh_token"],
                                      testing::t1_for(idp_, "agent-two"));
  EXPECT_EQ(reply.status, 401) << reply.body.dump();
  EXPECT_EQ(reply.body["error"], "invalid_client");
  EXPECT_EQ(aadsts(reply), 700211);
}

TEST_F(UserFicTest, AgentUserMayBeNamedByObjectId) {
  auto reply = user_fic("agent-one", t2_for("agent-one"), {{"user_id", agent_user_.oid}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(claims_of(reply.body["access_token"])["oid"], agent_user_.oid);
}

TEST_F(UserFicTest, UserFicForUserNotBoundToTheAgentIsRefusedWith50020) {
  auto reply =
      user_fic("agent-one", t2_for("agent-one"), {{"username", d_.user_named("alice")->username}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "invalid_grant");
  EXPECT_EQ(aadsts(reply), 50020);
}

TEST_F(UserFicTest, SiblingAgentImpersonatingAnotherAgentsUserIsRefusedWith50020) {
  auto reply = user_fic("agent-two", t2_for("agent-two"), {{"username", agent_user_.username}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(aadsts(reply), 50020);
}

TEST_F(UserFicTest, SiblingAgentPresentingAnotherAgentsT2IsRefusedWith50013) {
  auto reply = user_fic("agent-two", t2_for("agent-one"), {{"username", agent_user_.username}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(aadsts(reply), 50013);
}

TEST_F(UserFicTest, BlueprintT1AsUserCredentialIsRefusedWith50013) {
  // T1 is the blueprint's token for the exchange audience, not the agent identity's.
  auto reply = user_fic("agent-one", testing::t1_for(idp_, "agent-one"),
                        {{"username", agent_user_.username}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(aadsts(reply), 50013);
}

TEST_F(UserFicTest, AgentTokenForAnotherAudienceAsUserCredentialIsRefusedWith50013) {
  auto reply =
      testing::agent_client_credentials(idp_, "agent-one", testing::t1_for(idp_, "agent-one"),
                                        testing::mcp_api_uri(idp_) + "/.default");
  ASSERT_EQ(reply.status, 200);
  reply = user_fic("agent-one", reply.body["access_token"], {{"username", agent_user_.username}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(aadsts(reply), 50013);
}

TEST_F(UserFicTest, ExpiredUserCredentialIsRefusedWith500133) {
  const auto t2 = t2_for("agent-one");
  idp_.clock().advance(std::chrono::seconds(3601));  // user_fic() gets a fresh T1
  auto reply = user_fic("agent-one", t2, {{"username", agent_user_.username}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(aadsts(reply), 500133);
}

TEST_F(UserFicTest, UsernameAndUserIdNamingDifferentUsersAreRefused) {
  auto reply =
      user_fic("agent-one", t2_for("agent-one"),
               {{"username", agent_user_.username}, {"user_id", d_.user_named("bob")->oid}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "invalid_request");
}

TEST_F(UserFicTest, MissingUserOrCredentialIsRefusedWith900144) {
  EXPECT_EQ(aadsts(user_fic("agent-one", t2_for("agent-one"), {})), 900144);
  EXPECT_EQ(aadsts(user_fic("agent-one", "", {{"username", agent_user_.username}})), 900144);
}

TEST_F(UserFicTest, ApplicationsCannotUseUserFic) {
  const auto& foundry = *d_.application_named("foundry");
  auto reply = idp_.post_form(idp_.token_url("contoso"),
                              {{"grant_type", "user_fic"},
                               {"client_id", foundry.client_id},
                               {"client_secret", foundry.secrets.front().value},
                               {"user_federated_identity_credential", t2_for("agent-one")},
                               {"username", agent_user_.username},
                               {"requested_token_use", "on_behalf_of"},
                               {"scope", testing::mcp_api_uri(idp_) + "/.default"}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "unauthorized_client");
  EXPECT_EQ(aadsts(reply), 700054);
}

}  // namespace
}  // namespace toolauth::idp
