#pragma once
// Metadata endpoints (reference/entra-oauth.md §1):
//   /{tenant}/v2.0/.well-known/openid-configuration   v2 OIDC discovery, every field Entra has
//   /{tenant}/.well-known/openid-configuration        v1 discovery (for v1 access tokens)
//   /{tenant}/discovery/v2.0/keys, /{tenant}/discovery/keys   JWKS (kid = x5t, x5c)
//   /common/discovery/instance                        MSAL's instance discovery
// and, for tenants in the `mcp` profile only, RFC 8414 metadata at the path-inserted
// well-known URLs, with PKCE methods, registration, revocation and introspection endpoints.
// URLs name the tenant by GUID even when requested by domain, as Entra does.

#include "toolauth/http/router.h"
#include "toolauth/idp/identity_provider.h"

namespace toolauth::idp {

// The v2 document for `tenant` (nullptr: the /common form with the {tenantid} template).
nlohmann::json openid_configuration_v2(const IdentityProvider& idp, const Tenant* tenant,
                                       std::string_view segment);
nlohmann::json openid_configuration_v1(const IdentityProvider& idp, const Tenant* tenant,
                                       std::string_view segment);
// RFC 8414 metadata of an `mcp` profile tenant.
nlohmann::json authorization_server_metadata(const IdentityProvider& idp, const Tenant& tenant);

void add_discovery_routes(http::Router& router, IdentityProvider& idp);

}  // namespace toolauth::idp
