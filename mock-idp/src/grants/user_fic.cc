// grant_type=user_fic (Entra Agent ID, agent user accounts; reference §8): an agent identity,
// authenticated with its blueprint's T1, signs in as the agent user bound to it. Its credential
// for the user is T2 (`user_federated_identity_credential`): a token the same agent identity got
// with client_credentials for api://AzureADTokenExchange. The user is named by UPN (`username`)
// or object id (`user_id`) and must be an agent user whose agent identity is the caller. The
// result is a delegated token for the agent user, with the consented scopes and the agent facets
// (agent_facets.h) marking the subject as an agent user.

#include "toolauth/idp/agent_facets.h"
#include "toolauth/idp/delegated_token.h"
#include "toolauth/idp/issued_tokens.h"
#include "toolauth/idp/json_fields.h"

namespace toolauth::idp {

namespace {
constexpr std::string_view kTokenExchangeAudience = "api://AzureADTokenExchange";

// T2 must be an app-only token of `agent` itself for the token exchange audience.
core::Result<void, AadError> check_user_credential(const IssuedAccessToken& t2,
                                                   const Identity& agent) {
  if (!t2.app_only() || !iequals_ascii(t2.client_id(), agent.client_id) ||
      !iequals_ascii(string_field(t2.claims, "oid"), agent.object_id)) {
    return aad::assertion_invalid(
        "user_federated_identity_credential must be a token the agent identity obtained for "
        "itself.");
  }
  if (!iequals_ascii(string_field(t2.claims, "aud"), kTokenExchangeAudience)) {
    return aad::assertion_invalid(
        "user_federated_identity_credential must be a token for api://AzureADTokenExchange.");
  }
  return {};
}
}  // namespace

GrantResult user_fic_grant(TokenContext& context) {
  auto& idp = context.idp;
  const auto& client = context.client;
  const auto& form = context.form;
  const Tenant& tenant = *context.tenant;  // the policy keeps /common away
  const Identity* agent = client.identity;
  if (agent == nullptr || agent->kind != IdentityKind::agent_identity)
    return aad::unauthorized_grant(client.client_id, context.grant_type);

  const auto use = form.get_or("requested_token_use", "");
  if (use.empty()) return aad::missing_parameter("requested_token_use");
  if (use != "on_behalf_of")
    return aad::invalid_request("requested_token_use must be 'on_behalf_of'.");
  const auto credential = form.get_or("user_federated_identity_credential", "");
  if (credential.empty()) return aad::missing_parameter("user_federated_identity_credential");
  const auto username = form.get_or("username", "");
  const auto user_id = form.get_or("user_id", "");
  if (username.empty() && user_id.empty()) return aad::missing_parameter("username");

  TOOLAUTH_ASSIGN_OR_RETURN(auto t2, verify_issued_access_token(idp, credential));
  context.journal["t2_uti"] = string_field(t2.claims, "uti");
  TOOLAUTH_RETURN_IF_ERROR(check_user_credential(t2, *agent));

  if (agent->tenant != tenant.name) return aad::unknown_client(client.client_id, tenant.domain);
  const auto& directory = idp.directory();
  const User* user =
      !username.empty() ? directory.find_user(username, &tenant) : directory.user_by_oid(user_id);
  if (user != nullptr && !username.empty() && !user_id.empty() &&
      !iequals_ascii(user->oid, user_id)) {
    return aad::invalid_request("username and user_id name different users.");
  }
  if (user == nullptr || user->tenant != tenant.name)
    return aad::user_not_in_tenant(username.empty() ? user_id : username, tenant.domain);
  if (user->agent_identity != agent->name)
    return aad::agent_user_not_bound(user->username, agent->client_id);

  DelegatedTokenRequest request;
  request.tenant = &tenant;
  request.user = user;
  TOOLAUTH_ASSIGN_OR_RETURN(request.scopes, delegated_scopes(context, tenant, &request.audience));
  request.extra_claims = agent_facet_claims(directory, *agent, AgentSubject::agent_user);
  return issue_delegated_token(context, request);
}

}  // namespace toolauth::idp
