#pragma once
// Steps of the Entra Agent ID flows over the wire, shared by the tests of the grants that take
// part in them (reference §8): the blueprint's exchange token T1 and the agent identity's own
// tokens.

#include <string>

#include "idp_server_thread.h"

namespace toolauth::idp::testing {

inline constexpr std::string_view kJwtBearerType =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

// T1: the blueprint (by its secret) asks for api://AzureADTokenExchange with fmi_path.
inline Reply request_t1(IdpServerThread& idp, std::string_view agent,
                        std::string_view blueprint = "agent-blueprint") {
  const auto& d = idp.directory();
  const auto* bp = d.identity_named(blueprint);
  return idp.post_form(idp.token_url("contoso"),
                       {{"grant_type", "client_credentials"},
                        {"client_id", bp->client_id},
                        {"client_secret", bp->secrets.front().value},
                        {"scope", "api://AzureADTokenExchange/.default"},
                        {"fmi_path", d.identity_named(agent)->client_id}});
}

inline std::string t1_for(IdpServerThread& idp, std::string_view agent) {
  auto reply = request_t1(idp, agent);
  EXPECT_EQ(reply.status, 200) << reply.body.dump();
  return reply.body.value("access_token", "");
}

// The agent identity's client_credentials request, authenticated with `t1`.
inline Reply agent_client_credentials(IdpServerThread& idp, std::string_view agent,
                                      const std::string& t1, std::string_view scope) {
  return idp.post_form(idp.token_url("contoso"),
                       {{"grant_type", "client_credentials"},
                        {"client_id", idp.directory().identity_named(agent)->client_id},
                        {"client_assertion_type", std::string(kJwtBearerType)},
                        {"client_assertion", t1},
                        {"scope", std::string(scope)}});
}

// The agent identity redeems a refresh token of its own (from on-behalf-of or user_fic),
// authenticated with a fresh `t1` as Entra documents for agent identities.
inline Reply agent_refresh(IdpServerThread& idp, std::string_view agent,
                           const std::string& refresh_token, const std::string& t1,
                           std::string_view scope = {}) {
  http::Params form = {{"grant_type", "refresh_token"},
                       {"client_id", idp.directory().identity_named(agent)->client_id},
                       {"client_assertion_type", std::string(kJwtBearerType)},
                       {"client_assertion", t1},
                       {"refresh_token", refresh_token}};
  if (!scope.empty()) form.add("scope", std::string(scope));
  return idp.post_form(idp.token_url("contoso"), form);
}

inline std::string mcp_api_uri(const IdpServerThread& idp) {
  return "api://" + idp.directory().application_named("mcp-api")->client_id;
}

}  // namespace toolauth::idp::testing
