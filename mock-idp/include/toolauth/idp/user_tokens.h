#pragma once
// What a user grant (authorization code, refresh token, device code, password) asks for and
// what it gets. Entra semantics (reference/entra-oauth.md §2.5, §2.6):
//   - explicit delegated permissions must all be consented (by the user, by an administrator,
//     or through the resource's pre-authorized clients), else AADSTS65001;
//   - `<resource>/.default` gives every consented permission (none consented: 65001);
//   - a request naming only OIDC scopes gets a Microsoft Graph token carrying the consented
//     Graph permissions and the OIDC scopes;
//   - `openid` adds an ID token, `offline_access` a refresh token, `client_info=1` (body or
//     query) the client_info MSAL builds its home account id from.
// In the `mcp` profile an RFC 8707 `resource` becomes the token's audience, and the refresh
// token family is bound to it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/result.h"
#include "toolauth/idp/aad_error.h"
#include "toolauth/idp/identity_provider.h"
#include "toolauth/idp/scopes.h"
#include "toolauth/idp/token_endpoint.h"

namespace toolauth::idp {

// Delegated permissions of the OIDC scopes, as the consent page lists them.
std::string_view oidc_scope_description(std::string_view scope);

// A scope request resolved for one user and client.
struct UserScopes {
  ScopeRequest request;
  const Application* resource = nullptr;  // never null: Graph for OIDC-only requests
  std::string resource_identifier;        // as the client named the resource (v1 `aud`)
  std::optional<std::string> audience;    // RFC 8707 audience (accept mode)
  std::vector<std::string> permissions;   // what the access token's scp carries
};

// Resolves `scope` (with RFC 8707 `resource` as `tenant`'s profile says) against consent.
core::Result<UserScopes, AadError> resolve_user_scopes(IdentityProvider& idp, const Tenant& tenant,
                                                       const Application& client, const User& user,
                                                       std::string_view scope,
                                                       std::string_view resource);

// The permissions an interactive sign-in asks the user to consent to for `request` (explicit
// permissions, or every permission of the resource for `.default`), and whether consent is
// missing. OIDC-only requests need none.
struct ConsentNeed {
  const Application* resource = nullptr;
  std::vector<std::string> permissions;
  bool missing = false;
};
ConsentNeed consent_need(IdentityProvider& idp, const Application& client, const User& user,
                         const ScopeRequest& request);

struct UserGrant {
  const Tenant* tenant = nullptr;  // the user's tenant: it issues the tokens
  const User* user = nullptr;
  UserScopes scopes;
  std::string scope;     // the scope string to remember with a new refresh token
  std::string resource;  // the RFC 8707 resource to bind a new refresh token family to
  std::string nonce;
  std::string session_id;
  std::optional<core::Clock::time_point> auth_time;
  std::string family_id;  // the refresh token family to continue; empty: a new family
};

struct UserTokens {
  nlohmann::json body;    // the token response
  std::string family_id;  // of the refresh token issued, if any
};

// Mints the access token (and ID token, refresh token, client_info as asked) for `grant`
// and fills the context's journal (user, resource, scope, uti, family).
core::Result<UserTokens, AadError> issue_user_tokens(TokenContext& context, const UserGrant& grant);

// Whether the request asked for client_info (client_info=1 in the body or the query).
bool wants_client_info(const TokenContext& context);

}  // namespace toolauth::idp
