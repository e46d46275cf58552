#pragma once
// What on-behalf-of and user_fic share: a delegated access token for a user, issued to a
// confidential client (an application, or an Entra agent identity), holding only the scopes the
// user or an administrator consented to for that client on the resource. Roles never flow
// through these grants, neither the client's application permissions nor anything else.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/idp/token_endpoint.h"

namespace toolauth::idp {

struct DelegatedTokenRequest {
  const Tenant* tenant = nullptr;
  const User* user = nullptr;
  ScopeRequest scopes;                  // the resource and the permissions asked for
  std::optional<std::string> audience;  // RFC 8707 resource (tenants in the mcp profile)
  nlohmann::json extra_claims = nlohmann::json::object();  // agent facets
  std::string session_id;  // the sign-in session of the token the request came with
  std::string family_id;   // the refresh token family to continue (a refresh); empty: new
};

// The request's `scope` (and RFC 8707 `resource`, as the tenant's profile says) for a delegated
// token. OIDC scopes alone name Microsoft Graph, as in Entra.
core::Result<ScopeRequest, AadError> delegated_scopes(const TokenContext& context,
                                                      const Tenant& tenant,
                                                      std::optional<std::string>* audience);
// The same for a `scope` and `resource` given by the caller (a refresh falls back to the ones
// its family was issued for).
core::Result<ScopeRequest, AadError> delegated_scopes(const TokenContext& context,
                                                      const Tenant& tenant, std::string_view scope,
                                                      std::string_view resource,
                                                      std::optional<std::string>* audience);

// The permissions on `scopes.resource` that `client` may use for `user`: every consented one
// for `.default`, else the explicit ones, which must all be consented. Consent is the user's
// own, an administrator's for the tenant, or the resource's pre-authorization of the client;
// an agent identity has only consent grants naming it. Errors: consent_required (65001).
core::Result<std::vector<std::string>, AadError> consented_permissions(
    IdentityProvider& idp, const AuthenticatedClient& client, const User& user,
    const ScopeRequest& scopes);

// Checks consent, mints the token and answers as Entra does (reference §2.4): token_type,
// scope, expires_in, ext_expires_in, access_token; with offline_access a refresh_token bound to
// the user and the client, in a new family or in `request.family_id`; client_info when the
// request had client_info=1.
GrantResult issue_delegated_token(TokenContext& context, const DelegatedTokenRequest& request);

}  // namespace toolauth::idp
