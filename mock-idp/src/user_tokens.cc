#include "toolauth/idp/user_tokens.h"

#include <algorithm>

#include "toolauth/jose/hash.h"

namespace toolauth::idp {

namespace {
bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}
}  // namespace

std::string_view oidc_scope_description(std::string_view scope) {
  if (scope == "openid") return "Sign you in";
  if (scope == "profile") return "View your basic profile";
  if (scope == "email") return "View your email address";
  if (scope == "offline_access") return "Maintain access to data you have given it access to";
  return {};
}

core::Result<UserScopes, AadError> resolve_user_scopes(IdentityProvider& idp, const Tenant& tenant,
                                                       const Application& client, const User& user,
                                                       std::string_view scope,
                                                       std::string_view resource) {
  UserScopes out;
  const auto& directory = idp.directory();
  TOOLAUTH_ASSIGN_OR_RETURN(out.request,
                            resolve_scopes(directory, tenant, scope, resource, &out.audience));
  const auto& consents = idp.consents();
  if (out.request.resource == nullptr) {
    // "When a resource isn't identified, it defaults to Microsoft Graph."
    const auto* graph = directory.find_application(kGraphClientId);
    if (graph == nullptr) return aad::invalid_scope(scope);
    out.resource = graph;
    out.resource_identifier =
        graph->identifier_uris.empty() ? graph->client_id : graph->identifier_uris.front();
    out.permissions = consents.granted(client, *graph, user);
    return out;
  }
  out.resource = out.request.resource;
  out.resource_identifier = out.request.resource_identifier;
  if (out.request.dot_default) {
    out.permissions = consents.granted(client, *out.resource, user);
    if (out.permissions.empty())
      return aad::consent_required(client.client_id, client.display_name);
  } else {
    if (!consents.covers(client, *out.resource, user, out.request.permissions))
      return aad::consent_required(client.client_id, client.display_name);
    out.permissions = out.request.permissions;
  }
  return out;
}

ConsentNeed consent_need(IdentityProvider& idp, const Application& client, const User& user,
                         const ScopeRequest& request) {
  ConsentNeed need;
  if (request.resource == nullptr) return need;
  need.resource = request.resource;
  if (request.dot_default) {
    for (const auto& p : request.resource->scopes) need.permissions.push_back(p.value);
    need.missing = idp.consents().granted(client, *request.resource, user).empty();
  } else {
    need.permissions = request.permissions;
    need.missing = !idp.consents().covers(client, *request.resource, user, request.permissions);
  }
  return need;
}

bool wants_client_info(const TokenContext& context) {
  if (context.form.get_or("client_info", "") == "1") return true;
  auto query = context.request.query_params();
  return query.ok() && query->get_or("client_info", "") == "1";
}

core::Result<UserTokens, AadError> issue_user_tokens(TokenContext& context,
                                                     const UserGrant& grant) {
  auto& idp = context.idp;
  const auto& client = context.client;
  const auto& s = grant.scopes;
  const auto now = idp.clock().now();
  const bool graph = s.resource->client_id == kGraphClientId;

  AccessTokenRequest token;
  token.tenant = grant.tenant;
  token.client_id = client.client_id;
  token.client_auth = client.level;
  token.user = grant.user;
  token.resource = s.resource;
  token.resource_identifier = s.resource_identifier;
  token.audience = s.audience;
  token.scopes = s.permissions;
  // Graph tokens carry the OIDC scopes in scp as well; /oidc/userinfo relies on `openid`.
  if (graph) {
    for (const auto& oidc : s.request.oidc) {
      if (oidc != "offline_access" && !contains(token.scopes, oidc)) token.scopes.push_back(oidc);
    }
  }
  if (auto roles = grant.user->app_roles.find(s.resource->name);
      roles != grant.user->app_roles.end()) {
    token.roles = roles->second;
  }
  token.lifetime = idp.access_token_lifetime(client.client_id);
  token.session_id = grant.session_id;
  TOOLAUTH_ASSIGN_OR_RETURN(auto minted, or_internal_error(idp.tokens().access_token(token)));

  // Entra lists the granted permissions qualified by the resource, then the OIDC scopes; an
  // RFC 8707 audience already names the resource, so its permissions stay bare.
  std::vector<std::string> scope_items;
  for (const auto& p : s.permissions)
    scope_items.push_back(s.audience ? p : s.resource_identifier + "/" + p);
  for (const auto& oidc : s.request.oidc) scope_items.push_back(oidc);

  const auto lifetime = token.lifetime.count();
  UserTokens out;
  out.body = {{"token_type", "Bearer"},
              {"scope", join(scope_items)},
              {"expires_in", lifetime},
              {"ext_expires_in", lifetime},
              {"access_token", minted.token}};
  if (s.request.wants("openid")) {
    IdTokenRequest id;
    id.tenant = grant.tenant;
    id.client_id = client.client_id;
    id.user = grant.user;
    id.nonce = grant.nonce;
    id.session_id = grant.session_id;
    id.include_email = s.request.wants("email");
    id.lifetime = idp.options().lifetimes.id_token;
    id.auth_time = grant.auth_time;
    TOOLAUTH_ASSIGN_OR_RETURN(auto id_token, or_internal_error(idp.tokens().id_token(id)));
    out.body["id_token"] = id_token.token;
  }
  if (s.request.wants("offline_access")) {
    RefreshToken record;
    record.family_id = grant.family_id;
    record.client_id = client.client_id;
    record.tenant = grant.tenant->name;
    record.user = grant.user->name;
    record.scope = grant.scope;
    record.resource = grant.resource;
    record.session_id = grant.session_id;
    record.issued = now;
    record.expires = now + idp.options().lifetimes.refresh_token;
    const auto value = idp.refresh_tokens().issue(std::move(record));
    const auto* issued = idp.refresh_tokens().find(value);
    out.family_id = issued->family_id;
    out.body["refresh_token"] = value;
    context.journal["family"] = jose::short_hash(out.family_id);
    context.journal["refresh_issued"] = issued->token_hash;
    idp.changed();
  }
  if (wants_client_info(context))
    out.body["client_info"] = TokenFactory::client_info(*grant.user, *grant.tenant);

  context.journal["user"] = grant.user->name;
  context.journal["user_tenant"] = grant.tenant->name;
  context.journal["resource"] = s.resource->name;
  context.journal["scp"] = join(token.scopes);
  context.journal["uti"] = minted.uti;
  context.journal["id_token_issued"] = out.body.contains("id_token");
  return out;
}

}  // namespace toolauth::idp
