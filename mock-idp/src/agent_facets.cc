#include "toolauth/idp/agent_facets.h"

namespace toolauth::idp {

nlohmann::json agent_facet_claims(const Directory& directory, const Identity& agent,
                                  AgentSubject subject) {
  nlohmann::json claims = {{"xms_act_fct", "3 9 11"}};
  switch (subject) {
    case AgentSubject::agent_identity:
      claims["xms_sub_fct"] = "9 3 11";
      break;
    case AgentSubject::user:
      claims["xms_sub_fct"] = "2 3";
      break;
    case AgentSubject::agent_user:
      claims["xms_sub_fct"] = "3 13";
      break;
  }
  if (const auto* blueprint = directory.identity_named(agent.blueprint))
    claims["xms_par_app_azp"] = blueprint->client_id;
  return claims;
}

}  // namespace toolauth::idp
