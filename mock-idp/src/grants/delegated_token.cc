#include "toolauth/idp/delegated_token.h"

#include <algorithm>

#include "toolauth/jose/hash.h"

namespace toolauth::idp {

core::Result<ScopeRequest, AadError> delegated_scopes(const TokenContext& context,
                                                      const Tenant& tenant,
                                                      std::optional<std::string>* audience) {
  return delegated_scopes(context, tenant, context.form.get_or("scope", ""),
                          context.form.get_or("resource", ""), audience);
}

core::Result<ScopeRequest, AadError> delegated_scopes(const TokenContext& context,
                                                      const Tenant& tenant, std::string_view scope,
                                                      std::string_view resource,
                                                      std::optional<std::string>* audience) {
  if (scope.empty()) return aad::missing_parameter("scope");
  const auto& directory = context.idp.directory();
  TOOLAUTH_ASSIGN_OR_RETURN(auto scopes,
                            resolve_scopes(directory, tenant, scope, resource, audience));
  if (scopes.resource == nullptr) {
    const auto* graph = directory.find_application(kGraphClientId);
    if (graph == nullptr) return aad::invalid_scope(scope);
    scopes.resource = graph;
    scopes.resource_identifier =
        graph->identifier_uris.empty() ? graph->client_id : graph->identifier_uris.front();
    scopes.dot_default = true;
  }
  return scopes;
}

core::Result<std::vector<std::string>, AadError> consented_permissions(
    IdentityProvider& idp, const AuthenticatedClient& client, const User& user,
    const ScopeRequest& scopes) {
  const auto& consents = idp.consents();
  const auto& resource = *scopes.resource;
  const auto granted = client.application != nullptr
                           ? consents.granted(*client.application, resource, user)
                           : consents.granted(client.identity->name, resource, user);
  auto refused = [&] { return aad::consent_required(client.client_id, client.display_name()); };
  if (scopes.dot_default) {
    if (granted.empty()) return refused();
    return granted;
  }
  for (const auto& permission : scopes.permissions) {
    if (std::find(granted.begin(), granted.end(), permission) == granted.end()) return refused();
  }
  return scopes.permissions;
}

GrantResult issue_delegated_token(TokenContext& context, const DelegatedTokenRequest& request) {
  auto& idp = context.idp;
  const auto& client = context.client;
  const auto& scopes = request.scopes;
  TOOLAUTH_ASSIGN_OR_RETURN(auto permissions,
                            consented_permissions(idp, client, *request.user, scopes));

  AccessTokenRequest token;
  token.tenant = request.tenant;
  token.client_id = client.client_id;
  token.client_auth = client.level;
  token.user = request.user;
  token.resource = scopes.resource;
  token.resource_identifier = scopes.resource_identifier;
  token.audience = request.audience;
  token.scopes = permissions;
  token.extra_claims = request.extra_claims;
  token.lifetime = idp.access_token_lifetime(client.client_id);
  token.session_id = request.session_id;
  TOOLAUTH_ASSIGN_OR_RETURN(auto minted, or_internal_error(idp.tokens().access_token(token)));

  const auto lifetime = token.lifetime.count();
  const auto granted_scope = qualified_scopes(scopes.resource_identifier, permissions);
  std::string scope = granted_scope;
  for (const auto& oidc : scopes.oidc) scope += " " + oidc;
  nlohmann::json body = {{"token_type", "Bearer"},
                         {"scope", scope},
                         {"expires_in", lifetime},
                         {"ext_expires_in", lifetime},
                         {"access_token", minted.token}};
  if (scopes.wants("offline_access")) {
    const auto now = idp.clock().now();
    RefreshToken record;
    record.family_id = request.family_id;
    record.client_id = client.client_id;
    record.tenant = request.tenant->name;
    record.user = request.user->name;
    record.scope = granted_scope;
    record.resource = request.audience.value_or("");
    record.session_id = request.session_id;
    record.issued = now;
    record.expires = now + idp.options().lifetimes.refresh_token;
    body["refresh_token"] = idp.refresh_tokens().issue(record);
    const auto* issued = idp.refresh_tokens().find(body["refresh_token"].get<std::string>());
    context.journal["rt_family"] = jose::short_hash(issued->family_id);
    context.journal["rt_hash"] = issued->token_hash;
    idp.changed();
  }
  if (context.form.get_or("client_info", "") == "1")
    body["client_info"] = TokenFactory::client_info(*request.user, *request.tenant);

  context.journal["user"] = request.user->name;
  context.journal["resource"] = scopes.resource->name;
  context.journal["scopes"] = permissions;
  context.journal["uti"] = minted.uti;
  return body;
}

}  // namespace toolauth::idp
