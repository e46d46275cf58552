// grant_type=password (RFC 6749 §4.3, ROPC) for fixture users, so headless tests can get user
// tokens without a browser. The credentials are checked before anything that would tell
// whether an account exists: an unknown user and a wrong password are both AADSTS50126. A
// user of another tenant is 50020. The user must already have consented (65001 otherwise):
// ROPC cannot show a consent page.

#include "toolauth/core/constant_time.h"
#include "toolauth/idp/token_endpoint.h"
#include "toolauth/idp/user_tokens.h"

namespace toolauth::idp {

GrantResult password_grant(TokenContext& context) {
  auto& idp = context.idp;
  const auto username = context.form.get_or("username", "");
  const auto password = context.form.get_or("password", "");
  if (username.empty()) return aad::missing_parameter("username");
  if (password.empty()) return aad::missing_parameter("password");
  const auto* client = context.client.application;
  if (client == nullptr) return aad::unauthorized_grant(context.client.client_id, "password");

  const auto* user = idp.directory().find_user(username);
  // Compared even for an unknown user, so timing does not reveal which accounts exist.
  const bool password_ok =
      core::constant_time_equal(password, user != nullptr ? user->password : std::string(64, '\0'));
  if (user == nullptr || !password_ok || user->password.empty()) {
    context.journal["outcome_detail"] = "invalid_credentials";
    return aad::invalid_credentials();
  }
  const Tenant* tenant = idp.directory().tenant_named(user->tenant);
  if (tenant == nullptr) return aad::invalid_credentials();
  if (context.tenant != nullptr && context.tenant->name != user->tenant)
    return aad::user_not_in_tenant(user->username, context.tenant->domain);
  if (!client->multi_tenant && client->tenant != user->tenant)
    return aad::user_not_in_tenant(user->username, client->tenant);

  const auto scope = context.form.get_or("scope", "");
  if (split_spaces(scope).empty()) return aad::missing_parameter("scope");
  const auto resource = context.form.get_or("resource", "");
  TOOLAUTH_ASSIGN_OR_RETURN(auto scopes,
                            resolve_user_scopes(idp, *tenant, *client, *user, scope, resource));
  UserGrant grant;
  grant.tenant = tenant;
  grant.user = user;
  grant.scopes = std::move(scopes);
  grant.scope = scope;
  grant.resource = grant.scopes.audience ? resource : std::string();
  grant.auth_time = idp.clock().now();
  TOOLAUTH_ASSIGN_OR_RETURN(auto tokens, issue_user_tokens(context, grant));
  return std::move(tokens.body);
}

}  // namespace toolauth::idp
