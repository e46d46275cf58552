#pragma once
// RFC 7591 dynamic client registration for tenants in the `mcp` profile, which the MCP SDK
// uses when it has no pre-registered client:
//
//   POST /{tenant}/oauth2/v2.0/register   Content-Type: application/json, client metadata
//
// 201 with the registration (registered_clients.h): a GUID client_id, a client_secret unless
// the client is public, client_id_issued_at, client_secret_expires_at 0, and the metadata as
// registered (client_metadata.h). Entra has no registration endpoint, so `entra` tenants and
// /common answer 404; an unknown tenant is AADSTS90002 as everywhere.
//
// Errors have the RFC 7591 §3.2.2 shape {"error", "error_description"} (no AADSTS code: Entra
// has no such endpoint to imitate): 400 invalid_redirect_uri or invalid_client_metadata (also
// for a body that is not strict JSON of at most kMaxRegistrationBytes, or not
// application/json), 403 access_denied once RegisteredClients::kMaxClients are registered.
// Every outcome is journalled as kind "register", without the secret.

#include "toolauth/http/router.h"
#include "toolauth/idp/identity_provider.h"

namespace toolauth::idp {

inline constexpr std::size_t kMaxRegistrationBytes = 64 * 1024;

void add_registration_routes(http::Router& router, IdentityProvider& idp);

}  // namespace toolauth::idp
