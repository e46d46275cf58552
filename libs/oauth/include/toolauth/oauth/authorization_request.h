#pragma once
// The authorization request URL (RFC 6749 §4.1.1 with PKCE, RFC 7636 §4.3) an OAuth2
// connection sends the user's browser to for consent:
//   <authorization_url>?<its own parameters>&response_type=code&client_id=…&redirect_uri=…
//     &scope=…&state=…&code_challenge=…&code_challenge_method=S256[&extra…]
//
// Built with Boost.URL: the authorization URL's own query parameters are kept (some IdPs need
// them, e.g. a tenant or policy selector); every added value is percent-encoded except the
// RFC 3986 unreserved characters, so a '+', '&' or space in a value cannot be misread (a space
// is %20, never '+').
//
// Strict: PKCE S256 and a state are required; `offline_access` is added when a refresh token
// is wanted (Entra and most IdPs only issue one then); the URL must be https (or http on a
// loopback address) and carry no fragment (§3.1); a parameter the URL already carries and
// the builder would add is refused rather than sent twice (§3.1: parameters must not repeat).

#include <string>
#include <utility>
#include <vector>

#include "toolauth/core/result.h"

namespace toolauth::oauth {

inline constexpr std::string_view kOfflineAccessScope = "offline_access";

struct AuthorizationRequest {
  std::string authorization_url;
  std::string client_id;
  std::string redirect_uri;
  std::vector<std::string> scopes;
  // Adds offline_access to the scopes unless present.
  bool offline_access = true;
  std::string state;           // unguessable, bound to the user and connection by the caller
  std::string code_challenge;  // Pkce::challenge (S256)
  // More parameters, in order (prompt, login_hint, resource, response_mode, ...).
  std::vector<std::pair<std::string, std::string>> extra;
};

// Errors: Errc::invalid_argument naming the problem (a bad URL, missing client id, redirect
// URI, state or challenge, a scope with a space or quote, a repeated parameter).
core::Result<std::string> build_authorization_url(const AuthorizationRequest& request);

// The scopes as sent: `scopes` plus offline_access when asked for, space-separated.
std::string scope_string(const std::vector<std::string>& scopes, bool offline_access);

}  // namespace toolauth::oauth
