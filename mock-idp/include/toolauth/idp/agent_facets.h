#pragma once
// Entra Agent ID facet claims (learn.microsoft.com/entra/agent-id/agent-token-claims) in the
// tokens an agent identity obtains. Facets are space-separated numbers. Microsoft documents
// 11 = agent identity and 13 = agent user; 3 and 9 appear on every published agent token and
// are copied as they are. Resource servers should look only for 11 and 13, as Microsoft advises.
//
//   subject               xms_act_fct   xms_sub_fct
//   the agent identity    "3 9 11"      "9 3 11"   autonomous, client_credentials
//   a user (OBO)          "3 9 11"      "2 3"      as in a published agent OBO token
//   an agent user         "3 9 11"      "3 13"     user_fic
//
// Every agent token also carries xms_par_app_azp = the client id of the agent's blueprint.

#include <nlohmann/json.hpp>

#include "toolauth/idp/directory.h"

namespace toolauth::idp {

enum class AgentSubject { agent_identity, user, agent_user };

// {"xms_act_fct", "xms_sub_fct", "xms_par_app_azp"} for tokens of `agent`.
nlohmann::json agent_facet_claims(const Directory& directory, const Identity& agent,
                                  AgentSubject subject);

}  // namespace toolauth::idp
