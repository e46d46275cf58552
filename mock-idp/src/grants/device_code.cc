// grant_type=urn:ietf:params:oauth:grant-type:device_code (RFC 8628 §3.4; MSAL sends the
// short `device_code`, which the token endpoint maps to this): the device polls until the
// user has entered the user code at /devicelogin, signed in and consented.
// Answers: authorization_pending 70016 while the user has not finished · bad_verification_code
// 70018 for an unknown code · another client 70000 · expired_token 70019 ·
// authorization_declined 70020 when the user declined · 54005 for a code already redeemed ·
// otherwise the user's tokens. No slow_down: MSAL aborts on any error but
// authorization_pending, and it waits `interval` between polls by itself.

#include "toolauth/idp/token_endpoint.h"
#include "toolauth/idp/user_tokens.h"
#include "toolauth/jose/hash.h"

namespace toolauth::idp {

GrantResult device_code_grant(TokenContext& context) {
  auto& idp = context.idp;
  const auto now = idp.clock().now();
  const auto device_code = context.form.get_or("device_code", "");
  if (device_code.empty()) return aad::missing_parameter("device_code");
  idp.device_codes().purge(now);
  auto* authorization = idp.device_codes().find(device_code);
  context.journal["device_code_hash"] = jose::short_hash(device_code);
  if (authorization == nullptr) return aad::device_code_invalid();
  if (authorization->client_id != context.client.client_id) return aad::code_for_other_client();
  if (authorization->state == DeviceAuthorization::State::redeemed) return aad::code_redeemed();
  if (now >= authorization->expires) return aad::device_code_expired();
  switch (authorization->state) {
    case DeviceAuthorization::State::pending:
      return aad::authorization_pending();
    case DeviceAuthorization::State::declined:
      return aad::authorization_declined();
    case DeviceAuthorization::State::approved:
    case DeviceAuthorization::State::redeemed:
      break;
  }

  const auto& directory = idp.directory();
  const auto* user = directory.user_named(authorization->user);
  const auto* tenant = directory.tenant_named(authorization->user_tenant);
  const auto* client = context.client.application;
  if (user == nullptr || tenant == nullptr || client == nullptr) return aad::device_code_invalid();
  if (context.tenant != nullptr && context.tenant->name != tenant->name)
    return aad::device_code_invalid();
  authorization->state = DeviceAuthorization::State::redeemed;
  TOOLAUTH_ASSIGN_OR_RETURN(auto scopes,
                            resolve_user_scopes(idp, *tenant, *client, *user, authorization->scope,
                                                authorization->resource));
  UserGrant grant;
  grant.tenant = tenant;
  grant.user = user;
  grant.scopes = std::move(scopes);
  grant.scope = authorization->scope;
  grant.resource = grant.scopes.audience ? authorization->resource : std::string();
  grant.session_id = authorization->session_id;
  grant.auth_time = authorization->auth_time;
  TOOLAUTH_ASSIGN_OR_RETURN(auto tokens, issue_user_tokens(context, grant));
  return std::move(tokens.body);
}

}  // namespace toolauth::idp
