// grant_type=urn:ietf:params:oauth:grant-type:token-exchange (RFC 8693), for tenants in the
// `mcp` profile only: Entra has no such grant and answers AADSTS82001, so `entra` tenants do too
// (the token endpoint answers that before it looks at the client: token_endpoint.h).
//
// Policy (RFC 8693 leaves it to the authorization server):
//   - subject_token is an access token this IdP issued in this tenant (subject_token_type
//     access_token or jwt), and its `aud` names the requesting client, as for on-behalf-of: a
//     client exchanges only tokens that were sent to it;
//   - actor_token (with actor_token_type) is another such token; the new token's `act` names
//     its subject ({"sub", "iss"}), nesting the subject token's own `act` as the prior actor.
//     Without an actor token the subject token's `act`, if any, is kept;
//   - the target is `resource` and/or `audience` (which must name the same API) and/or `scope`;
//     the new token's `aud` is the resource or audience as given;
//   - a user subject gets the consented scopes of the client on the target (65001 otherwise);
//     an application subject gets its own application permissions there as roles;
//   - only access tokens are issued (requested_token_type), and no refresh token.

#include "toolauth/idp/delegated_token.h"
#include "toolauth/idp/issued_tokens.h"
#include "toolauth/idp/json_fields.h"

namespace toolauth::idp {

namespace {
constexpr std::string_view kAccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
constexpr std::string_view kJwtTokenType = "urn:ietf:params:oauth:token-type:jwt";

bool accepted_input_type(std::string_view type) {
  return type == kAccessTokenType || type == kJwtTokenType;
}

// A token of the exchange, verified and issued in `tenant`.
core::Result<IssuedAccessToken, AadError> verify_input(IdentityProvider& idp, const Tenant& tenant,
                                                       std::string_view token,
                                                       std::string_view name) {
  TOOLAUTH_ASSIGN_OR_RETURN(auto verified, verify_issued_access_token(idp, token));
  if (verified.tenant != &tenant)
    return aad::assertion_invalid("The " + std::string(name) + " was issued in another tenant.");
  return verified;
}

// The target of the new token: the API and the scopes asked for on it, and its `aud`.
core::Result<ScopeRequest, AadError> exchange_target(const TokenContext& context,
                                                     const Tenant& tenant,
                                                     std::optional<std::string>* aud) {
  const auto& directory = context.idp.directory();
  const auto scope = context.form.get_or("scope", "");
  const auto resource = context.form.get_or("resource", "");
  const auto audience = context.form.get_or("audience", "");
  if (audience.empty()) {
    if (resource.empty() && split_spaces(scope).empty()) {
      return aad::invalid_request(
          "The token exchange needs a target: resource, audience or scope.");
    }
    if (resource.empty()) return parse_scopes(directory, scope, tenant.domain);
    return resolve_scopes(directory, tenant, scope, resource, aud);
  }
  const auto* api = find_resource_lenient(directory, audience);
  if (api == nullptr) return aad::invalid_target(audience);
  if (!resource.empty() && find_resource_lenient(directory, resource) != api)
    return aad::invalid_target(resource);
  ScopeRequest target;
  if (!split_spaces(scope).empty()) {
    TOOLAUTH_ASSIGN_OR_RETURN(target, parse_scopes(directory, scope, tenant.domain, api));
    if (target.resource != nullptr && target.resource != api) return aad::invalid_target(audience);
  }
  target.resource = api;
  target.resource_identifier = resource.empty() ? audience : resource;
  if (target.permissions.empty()) target.dot_default = true;
  *aud = target.resource_identifier;
  return target;
}

// The application permissions of the principal an app-only token was issued to.
std::vector<std::string> subject_roles(const Directory& directory, const IssuedAccessToken& subject,
                                       const Application& resource) {
  const std::map<std::string, std::vector<std::string>>* permissions = nullptr;
  if (const auto* app = directory.find_application(subject.client_id())) {
    permissions = &app->app_permissions;
  } else if (const auto* identity = directory.find_identity(subject.client_id())) {
    permissions = &identity->app_permissions;
  }
  if (permissions == nullptr) return {};
  auto it = permissions->find(resource.name);
  return it == permissions->end() ? std::vector<std::string>{} : it->second;
}
}  // namespace

GrantResult token_exchange_grant(TokenContext& context) {
  auto& idp = context.idp;
  const auto& client = context.client;
  const auto& form = context.form;
  // The grant's policy keeps /common and `entra` tenants (82001) away.
  const Tenant& tenant = *context.tenant;

  const auto subject_token = form.get_or("subject_token", "");
  if (subject_token.empty()) return aad::missing_parameter("subject_token");
  const auto subject_type = form.get_or("subject_token_type", "");
  if (subject_type.empty()) return aad::missing_parameter("subject_token_type");
  if (!accepted_input_type(subject_type))
    return aad::invalid_request("Unsupported subject_token_type " + subject_type + ".");
  const auto requested_type = form.get_or("requested_token_type", "");
  if (!requested_type.empty() && requested_type != kAccessTokenType) {
    return aad::invalid_request("Unsupported requested_token_type " + requested_type +
                                ": only access tokens are issued.");
  }
  const auto actor_token = form.get_or("actor_token", "");
  const auto actor_type = form.get_or("actor_token_type", "");
  if (actor_token.empty() != actor_type.empty()) {
    return aad::invalid_request(
        "actor_token and actor_token_type must be given together (RFC 8693 §2.1).");
  }
  if (!actor_type.empty() && !accepted_input_type(actor_type))
    return aad::invalid_request("Unsupported actor_token_type " + actor_type + ".");

  TOOLAUTH_ASSIGN_OR_RETURN(auto subject,
                            verify_input(idp, tenant, subject_token, "subject_token"));
  context.journal["subject_uti"] = string_field(subject.claims, "uti");
  const auto& app_id_uris =
      client.application ? client.application->identifier_uris : std::vector<std::string>{};
  if (!audience_names_client(subject.claims, client.client_id, app_id_uris))
    return aad::obo_audience_mismatch();

  nlohmann::json act;
  if (subject.claims.contains("act") && subject.claims["act"].is_object())
    act = subject.claims["act"];
  if (!actor_token.empty()) {
    TOOLAUTH_ASSIGN_OR_RETURN(auto actor, verify_input(idp, tenant, actor_token, "actor_token"));
    nlohmann::json prior = std::move(act);
    act = {{"sub", string_field(actor.claims, "sub")}, {"iss", string_field(actor.claims, "iss")}};
    if (prior.is_object()) act["act"] = std::move(prior);
    context.journal["actor"] = string_field(actor.claims, "oid");
  }

  std::optional<std::string> audience;
  TOOLAUTH_ASSIGN_OR_RETURN(auto target, exchange_target(context, tenant, &audience));
  if (target.resource == nullptr) return aad::invalid_scope(form.get_or("scope", ""));

  AccessTokenRequest token;
  token.tenant = &tenant;
  token.client_id = client.client_id;
  token.client_auth = client.level;
  token.resource = target.resource;
  token.resource_identifier = target.resource_identifier;
  token.audience = audience;
  token.lifetime = idp.access_token_lifetime(client.client_id);
  if (act.is_object()) token.extra_claims["act"] = act;
  if (subject.user != nullptr) {
    token.user = subject.user;
    TOOLAUTH_ASSIGN_OR_RETURN(token.scopes,
                              consented_permissions(idp, client, *subject.user, target));
    context.journal["user"] = subject.user->name;
  } else {
    token.app_object_id = string_field(subject.claims, "oid");
    token.app_display_name = subject.client_id();
    token.roles = subject_roles(idp.directory(), subject, *target.resource);
    context.journal["subject"] = token.app_object_id;
  }
  TOOLAUTH_ASSIGN_OR_RETURN(auto minted, or_internal_error(idp.tokens().access_token(token)));

  context.journal["resource"] = target.resource->name;
  context.journal["scopes"] = token.scopes;
  context.journal["roles"] = token.roles;
  context.journal["uti"] = minted.uti;
  const auto lifetime = token.lifetime.count();
  nlohmann::json body = {{"access_token", minted.token},
                         {"issued_token_type", kAccessTokenType},
                         {"token_type", "Bearer"},
                         {"expires_in", lifetime}};
  if (!token.scopes.empty()) body["scope"] = join(token.scopes);
  return body;
}

}  // namespace toolauth::idp
