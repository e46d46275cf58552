// grant_type=refresh_token (RFC 6749 §6): a new access token, and a new refresh token in the
// same family, for the user and client the presented token was issued to. The tenant's
// rotation mode decides what happens to the presented token:
//   entra  - it stays valid until it expires (Entra does not revoke it);
//   strict - it is rotated out; presenting it again is reuse (RFC 9700 §4.14.2): the whole
//            family, the newest token included, is revoked and the answer is 50173.
// Errors: unknown 9002313 · another client 70000 · revoked 50173 · reused (strict) 50173 ·
// expired 700082 (suberror bad_token, so MSAL drops it).
// Entra binds refresh tokens to the user and client, not to a resource: `scope` may name any
// resource the user consented to. In the `mcp` profile a family is bound to the RFC 8707
// resource it was issued for.
// Every refresh is journalled with `family` (short hash of the family id) and `use` (short
// hash of the presented token), so a run can prove no refresh token was used twice.
//
// Entra Agent ID: an agent identity (authenticated with its blueprint's T1) redeems the
// refresh tokens of its on-behalf-of and user_fic families, as Entra documents the
// refresh_token grant for agent identities ("background operations with user context"). The
// new token is a delegated token with the agent facets again: a user subject for on-behalf-of,
// an agent user for user_fic, who must still be bound to this agent (else 50020).

#include "toolauth/idp/agent_facets.h"
#include "toolauth/idp/delegated_token.h"
#include "toolauth/idp/token_endpoint.h"
#include "toolauth/idp/user_tokens.h"
#include "toolauth/jose/hash.h"

namespace toolauth::idp {

namespace {

// The delegated token an agent identity's refresh continues its family with.
GrantResult refresh_for_agent(TokenContext& context, const RefreshToken& record,
                              const Tenant& tenant, const User& user, std::string scope,
                              std::string_view resource) {
  const Identity& agent = *context.client.identity;
  const bool agent_user = !user.agent_identity.empty();
  if (agent_user && user.agent_identity != agent.name)
    return aad::agent_user_not_bound(user.username, agent.client_id);
  DelegatedTokenRequest request;
  request.tenant = &tenant;
  request.user = &user;
  request.session_id = record.session_id;
  request.family_id = record.family_id;
  TOOLAUTH_ASSIGN_OR_RETURN(request.scopes,
                            delegated_scopes(context, tenant, scope, resource, &request.audience));
  // The family continues even when this request's scope leaves offline_access out.
  if (!request.scopes.wants("offline_access")) request.scopes.oidc.push_back("offline_access");
  request.extra_claims = agent_facet_claims(
      context.idp.directory(), agent, agent_user ? AgentSubject::agent_user : AgentSubject::user);
  context.journal["agent_subject"] = agent_user ? "agent_user" : "user";
  return issue_delegated_token(context, request);
}

}  // namespace

GrantResult refresh_token_grant(TokenContext& context) {
  auto& idp = context.idp;
  const auto now = idp.clock().now();
  const auto value = context.form.get_or("refresh_token", "");
  if (value.empty()) return aad::missing_parameter("refresh_token");
  auto* record = idp.refresh_tokens().find(value);
  if (record == nullptr) return aad::refresh_token_invalid();
  context.journal["family"] = jose::short_hash(record->family_id);
  context.journal["use"] = record->token_hash;
  if (record->client_id != context.client.client_id) return aad::refresh_token_other_client();

  const auto& directory = idp.directory();
  const auto* tenant = directory.tenant_named(record->tenant);
  const auto* user = directory.user_named(record->user);
  if (tenant == nullptr || user == nullptr) return aad::refresh_token_invalid();
  if (context.tenant != nullptr && context.tenant->name != record->tenant)
    return aad::refresh_token_invalid();

  switch (record->state) {
    case RefreshToken::State::revoked:
      return aad::refresh_token_revoked();
    case RefreshToken::State::rotated: {
      const auto revoked = idp.refresh_tokens().revoke_family(record->family_id);
      context.journal["reuse_detected"] = true;
      context.journal["family_revoked"] = revoked;
      idp.changed();
      return aad::refresh_token_reused();
    }
    case RefreshToken::State::active:
      break;
  }
  if (now >= record->expires) return aad::refresh_token_expired();

  std::string scope = context.form.get_or("scope", "");
  if (split_spaces(scope).empty()) scope = record->scope;
  std::string resource = context.form.get_or("resource", "");
  if (tenant->profile == TenantProfile::mcp && !record->resource.empty()) {
    if (resource.empty()) resource = record->resource;
    if (resource != record->resource) return aad::invalid_target(resource);
  }
  nlohmann::json body;
  if (const auto* client = context.client.application) {
    TOOLAUTH_ASSIGN_OR_RETURN(auto scopes,
                              resolve_user_scopes(idp, *tenant, *client, *user, scope, resource));
    // A family exists because offline_access was granted: every refresh continues it, even
    // when this request's scope leaves offline_access out.
    if (!scopes.request.wants("offline_access")) scopes.request.oidc.push_back("offline_access");
    UserGrant grant;
    grant.tenant = tenant;
    grant.user = user;
    grant.scopes = std::move(scopes);
    grant.scope = scope;
    grant.resource = grant.scopes.audience ? resource : std::string();
    grant.session_id = record->session_id;
    grant.family_id = record->family_id;
    TOOLAUTH_ASSIGN_OR_RETURN(auto tokens, issue_user_tokens(context, grant));
    body = std::move(tokens.body);
  } else {
    // The endpoint lets only agent identities among the Agent ID principals use this grant.
    TOOLAUTH_ASSIGN_OR_RETURN(
        body, refresh_for_agent(context, *record, *tenant, *user, std::move(scope), resource));
  }
  // Marked used only once the new tokens exist, so a failed refresh leaves the token usable.
  idp.refresh_tokens().mark_used(*record, tenant->refresh_rotation);
  idp.changed();
  context.journal["rotation"] =
      tenant->refresh_rotation == RefreshRotation::strict ? "strict" : "entra";
  return body;
}

}  // namespace toolauth::idp
