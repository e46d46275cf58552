// grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.5): a code from /authorize for
// the user's tokens. The code is single use, bound to the client, the redirect URI and the
// PKCE challenge; presenting it again revokes the refresh token family issued from it
// (RFC 6749 §4.1.2). Checks run in this order, each with its own Entra error:
//   unknown code 9002313 · already redeemed 54005 (+ family revoked) · another client 70000 ·
//   expired 70008 · redirect_uri differs 50011 · PKCE verifier missing, malformed or wrong
//   501481.
// A code redeemed by its own client counts as used whatever happens next, so a stolen code
// cannot be tried against many verifiers.

#include <algorithm>

#include "toolauth/core/constant_time.h"
#include "toolauth/idp/token_endpoint.h"
#include "toolauth/idp/user_tokens.h"
#include "toolauth/jose/hash.h"

namespace toolauth::idp {

namespace {

// RFC 7636 §4.1: 43 to 128 characters of [A-Za-z0-9-._~].
bool valid_verifier(std::string_view v) {
  return v.size() >= 43 && v.size() <= 128 && std::all_of(v.begin(), v.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_' || c == '~';
         });
}

core::Result<void, AadError> check_pkce(const AuthCode& code, std::string_view verifier) {
  if (verifier.empty()) return aad::pkce_missing_verifier();
  if (!valid_verifier(verifier)) return aad::pkce_mismatch();
  const std::string expected = code.code_challenge_method == "S256"
                                   ? jose::pkce_s256_challenge(verifier)
                                   : std::string(verifier);
  if (!core::constant_time_equal(expected, code.code_challenge)) return aad::pkce_mismatch();
  return {};
}

// The OIDC scopes of `scope`, in order.
std::string oidc_part(std::string_view scope) {
  std::vector<std::string> out;
  for (const auto& s : split_spaces(scope)) {
    if (std::find(std::begin(kOidcScopes), std::end(kOidcScopes), s) != std::end(kOidcScopes))
      out.push_back(s);
  }
  return join(out);
}

}  // namespace

GrantResult authorization_code_grant(TokenContext& context) {
  auto& idp = context.idp;
  const auto now = idp.clock().now();
  const auto code_value = context.form.get_or("code", "");
  if (code_value.empty()) return aad::missing_parameter("code");
  idp.codes().purge(now);
  auto* code = idp.codes().find(code_value);
  context.journal["code_hash"] = jose::short_hash(code_value);
  if (code == nullptr) return aad::code_invalid();
  if (code->redeemed) {
    if (!code->family_id.empty()) {
      const auto revoked = idp.refresh_tokens().revoke_family(code->family_id);
      context.journal["family"] = jose::short_hash(code->family_id);
      context.journal["family_revoked"] = revoked;
      idp.changed();
    }
    context.journal["replay"] = true;
    return aad::code_redeemed();
  }
  if (code->client_id != context.client.client_id) return aad::code_for_other_client();
  code->redeemed = true;
  if (now >= code->expires) return aad::code_expired();
  if (context.tenant != nullptr && context.tenant->name != code->tenant) return aad::code_invalid();
  const auto redirect_uri = context.form.get_or("redirect_uri", "");
  if (redirect_uri.empty()) return aad::missing_parameter("redirect_uri");
  if (redirect_uri != code->redirect_uri) return aad::redirect_uri_differs();
  TOOLAUTH_RETURN_IF_ERROR(check_pkce(*code, context.form.get_or("code_verifier", "")));

  const auto& directory = idp.directory();
  const auto* user = directory.user_named(code->user);
  const auto* tenant = directory.tenant_named(code->tenant);
  const auto* client = context.client.application;
  if (user == nullptr || tenant == nullptr || client == nullptr) return aad::code_invalid();

  // The token request may name the scopes again (MSAL does) or another resource the user
  // consented to; without `scope` the authorization request's scopes apply. ID and refresh
  // tokens follow what the user authorized.
  std::string scope = code->scope;
  std::string resource = code->resource;
  const auto requested_resource = context.form.get_or("resource", "");
  if (context.v1_endpoint) {
    if (!requested_resource.empty()) scope = requested_resource + "/.default " + oidc_part(scope);
    resource.clear();
  } else {
    if (!code->resource.empty() && !requested_resource.empty() &&
        requested_resource != code->resource) {
      return aad::invalid_target(requested_resource);
    }
    if (const auto requested = context.form.get_or("scope", ""); !split_spaces(requested).empty()) {
      std::vector<std::string> items;
      for (const auto& s : split_spaces(requested)) {
        const bool oidc =
            std::find(std::begin(kOidcScopes), std::end(kOidcScopes), s) != std::end(kOidcScopes);
        if (!oidc) items.push_back(s);
      }
      if (!items.empty()) scope = join(items) + " " + oidc_part(code->scope);
    }
  }
  TOOLAUTH_ASSIGN_OR_RETURN(auto scopes,
                            resolve_user_scopes(idp, *tenant, *client, *user, scope, resource));
  UserGrant grant;
  grant.tenant = tenant;
  grant.user = user;
  grant.scopes = std::move(scopes);
  grant.scope = scope;
  grant.resource = grant.scopes.audience ? resource : std::string();
  grant.nonce = code->nonce;
  grant.session_id = code->session_id;
  grant.auth_time = code->auth_time;
  TOOLAUTH_ASSIGN_OR_RETURN(auto tokens, issue_user_tokens(context, grant));
  code->family_id = tokens.family_id;
  return std::move(tokens.body);
}

}  // namespace toolauth::idp
