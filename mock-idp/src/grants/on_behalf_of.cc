// grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer with requested_token_use=on_behalf_of
// (reference §2.4): a confidential client presents the access token a user called it with
// (`assertion`) and gets a token for a downstream API, as that user, with the scopes consented
// for the client there.
//
// The assertion must be a user access token this IdP issued (app-only tokens have no user to
// act for) whose `aud` is the calling client: its client id or one of its App ID URIs. For an
// Entra agent identity (authenticated with its blueprint's T1) the user's token is for the
// blueprint, as in Entra's agent on-behalf-of flow, and the new token carries the agent facets
// (agent_facets.h) with the user as subject.

#include "toolauth/idp/agent_facets.h"
#include "toolauth/idp/delegated_token.h"
#include "toolauth/idp/issued_tokens.h"
#include "toolauth/idp/json_fields.h"

namespace toolauth::idp {

GrantResult on_behalf_of_grant(TokenContext& context) {
  auto& idp = context.idp;
  const auto& client = context.client;
  const auto& form = context.form;
  const auto use = form.get_or("requested_token_use", "");
  if (use.empty()) return aad::missing_parameter("requested_token_use");
  if (use != "on_behalf_of") {
    return aad::invalid_request(
        "requested_token_use must be 'on_behalf_of': the jwt-bearer grant is on-behalf-of only.");
  }
  const auto assertion = form.get_or("assertion", "");
  if (assertion.empty()) return aad::missing_parameter("assertion");

  TOOLAUTH_ASSIGN_OR_RETURN(auto incoming, verify_issued_access_token(idp, assertion));
  context.journal["subject_uti"] = string_field(incoming.claims, "uti");
  if (incoming.app_only()) return aad::obo_app_token();

  const Identity* agent =
      client.identity != nullptr && client.identity->kind == IdentityKind::agent_identity
          ? client.identity
          : nullptr;
  bool audience_ok = false;
  if (agent != nullptr) {
    const auto* blueprint = idp.directory().identity_named(agent->blueprint);
    audience_ok =
        blueprint != nullptr && audience_names_client(incoming.claims, blueprint->client_id);
  } else if (client.application != nullptr) {
    audience_ok = audience_names_client(incoming.claims, client.client_id,
                                        client.application->identifier_uris);
  }
  if (!audience_ok) return aad::obo_audience_mismatch();

  // On /organizations the user's token says which tenant the request is for.
  const Tenant& tenant = context.tenant != nullptr ? *context.tenant : *incoming.tenant;
  if (incoming.user->tenant != tenant.name)
    return aad::user_not_in_tenant(incoming.user->username, tenant.domain);
  if (client.tenant() != tenant.name && !(client.application && client.application->multi_tenant))
    return aad::unknown_client(client.client_id, tenant.domain);

  DelegatedTokenRequest request;
  request.tenant = &tenant;
  request.user = incoming.user;
  TOOLAUTH_ASSIGN_OR_RETURN(request.scopes, delegated_scopes(context, tenant, &request.audience));
  request.session_id = string_field(incoming.claims, "sid");
  if (agent != nullptr)
    request.extra_claims = agent_facet_claims(idp.directory(), *agent, AgentSubject::user);
  context.journal["subject_client"] = incoming.client_id();
  return issue_delegated_token(context, request);
}

}  // namespace toolauth::idp
