#pragma once
// The device authorization endpoint (RFC 8628 §3.1-3.2, Entra's shape in
// reference/entra-oauth.md §1.6):
//   POST /{tenant}/oauth2/v2.0/devicecode   (and the v1 /{tenant}/oauth2/devicecode)
//   form: client_id, scope (+ RFC 8707 resource as the tenant's profile says)
//   200 {"user_code", "device_code", "verification_uri" (our /devicelogin page), "expires_in",
//        "interval", "message"}
// Errors are Entra-shaped JSON: unknown tenant 90002, unknown client 700016, a client not
// allowed the device code grant 700054, bad scopes as at the token endpoint. The device then
// polls the token endpoint (grant_type device_code, see token_endpoint.h).

#include "toolauth/http/router.h"
#include "toolauth/idp/identity_provider.h"

namespace toolauth::idp {

void add_device_authorization_routes(http::Router& router, IdentityProvider& idp);

}  // namespace toolauth::idp
