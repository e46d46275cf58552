#pragma once
// An authorization request (/{tenant}/oauth2/v2.0/authorize, and the v1 /oauth2/authorize
// with `resource`) checked the way RFC 6749 §4.1.2.1 orders it:
//   1. the tenant, client_id and redirect_uri: when any is wrong the user gets an error page
//      and is never redirected (an unverified redirect URI would make us an open redirector);
//   2. everything else: errors go back to the (now trusted) redirect URI, with `state`.
// Strict by default: exact redirect URI match (RFC 8252 §7.3 loopback ports for public
// clients only), response_type=code only, PKCE S256 required (`plain` only where the tenant
// allows it), scopes resolved against the directory with RFC 8707 `resource` as the tenant's
// profile says.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/result.h"
#include "toolauth/http/params.h"
#include "toolauth/idp/aad_error.h"
#include "toolauth/idp/authorization_request.h"
#include "toolauth/idp/identity_provider.h"

namespace toolauth::idp {

// The outcome of checking an authorization request. `page_error` set: show an error page
// (no redirect). `redirect_error` set: send it to the redirect URI. Otherwise `request` is
// valid. `request` is filled as far as the checks got, for the journal.
struct AuthorizeCheck {
  AuthorizationRequest request;
  std::optional<AadError> page_error;
  std::optional<AadError> redirect_error;
};

// `params` are the query (GET) or form body (POST) parameters.
AuthorizeCheck check_authorization_request(const IdentityProvider& idp,
                                           std::string_view tenant_segment, bool v1,
                                           const http::Params& params);

// True when `presented` is one of `client`'s registered redirect URIs: exact string match,
// except that for a public client a registered http://localhost, http://127.0.0.1 or
// http://[::1] URI matches the same URI with any port (RFC 8252 §7.3).
bool redirect_uri_registered(const Application& client, std::string_view presented);

// The tenant whose users may sign in for `request`: the path's tenant, or on /common the
// client's home tenant for a single-tenant client; nullptr when any tenant will do.
const Tenant* sign_in_tenant(const IdentityProvider& idp, const AuthorizationRequest& request);

// The authorization response (RFC 6749 §4.1.2 / §4.1.2.1) delivered as the request's
// response_mode: a 302 to the redirect URI (query or fragment) or an auto-submitting
// form_post page. `params` are the response parameters; `state` and, for tenants in the `mcp`
// profile, `iss` (RFC 9207) are added here.
http::Response authorization_response(const IdentityProvider& idp,
                                      const AuthorizationRequest& request, http::Params params);
// The same for an error: error, error_description (AADSTS text), error_codes-free as Entra
// sends it on the front channel, error_uri, state.
http::Response authorization_error(const IdentityProvider& idp, const http::Request& http_request,
                                   const AuthorizationRequest& request, const AadError& error);

// The journal fields every `authorize` entry carries (no secret: `state` only as a presence
// flag and a short hash).
nlohmann::json authorize_journal_fields(const AuthorizationRequest& request);

}  // namespace toolauth::idp
