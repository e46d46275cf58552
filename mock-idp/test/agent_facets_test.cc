#include "toolauth/idp/agent_facets.h"

#include <gtest/gtest.h>

#include "test_world.h"

namespace toolauth::idp {
namespace {

TEST(AgentFacetsTest, ActorIsAlwaysTheAgentIdentityAndTheSubjectFacetsTellWhoItActsFor) {
  const auto d = testing::default_directory();
  const auto& agent = *d.identity_named("agent-one");
  const auto blueprint = d.identity_named("agent-blueprint")->client_id;
  EXPECT_EQ(
      agent_facet_claims(d, agent, AgentSubject::agent_identity),
      nlohmann::json(
          {{"xms_act_fct", "3 9 11"}, {"xms_sub_fct", "9 3 11"}, {"xms_par_app_azp", blueprint}}));
  EXPECT_EQ(agent_facet_claims(d, agent, AgentSubject::user)["xms_sub_fct"], "2 3");
  EXPECT_EQ(agent_facet_claims(d, agent, AgentSubject::agent_user)["xms_sub_fct"], "3 13");
  EXPECT_EQ(agent_facet_claims(d, agent, AgentSubject::agent_user)["xms_par_app_azp"], blueprint);
}

}  // namespace
}  // namespace toolauth::idp
