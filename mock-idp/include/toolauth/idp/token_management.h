#pragma once
// Token revocation (RFC 7009) and introspection (RFC 7662) for tenants in the `mcp` profile.
// Entra has neither, so `entra` tenants and /common answer 404 there.
//
//   POST /{tenant}/oauth2/v2.0/revoke       token, token_type_hint?
//   POST /{tenant}/oauth2/v2.0/introspect   token, token_type_hint?
//
// Both take a form body and authenticate the client as the token endpoint does (client_auth.h;
// a client assertion's aud may name this endpoint, the token endpoint or the issuer); a client
// of another tenant is AADSTS700016. Errors are Entra-shaped (aad_error.h). A presented token
// is recognised as
//   - a refresh token of the tenant (looked up by hash), or
//   - an access token the IdP signed for the tenant: a published key, the tenant's v1 or v2
//     issuer, within its lifetime, carrying `uti` and the client as `azp` (v2) or `appid` (v1).
//
// Revocation (public clients too): 200 with an empty body whether the token was known or not
// (RFC 7009 §2.2). A refresh token revokes its whole family; an access token's `uti` is
// recorded (revoked_tokens.h) so that introspection reports it inactive — resource servers
// that verify the JWT offline cannot be told. A token issued to another client is refused
// (RFC 7009 §2.1): 400 invalid_grant, AADSTS70000. A token_type_hint other than access_token
// or refresh_token is 400 unsupported_token_type.
//
// Introspection (confidential clients only; a public client gets AADSTS7000218, 401):
// {"active": false} for anything unknown, malformed, forged, expired, revoked or of another
// tenant, and for a token the caller has no business seeing: an access token is visible to
// the client it was issued to and to the API it is for (its `aud`), a refresh token only to
// its client. Active answers carry active, scope, client_id, username, token_type ("Bearer"
// or "refresh_token"), exp, iat, nbf, sub, aud (access tokens), iss, jti (the `uti`, or the
// refresh token's journal hash), and roles for app tokens. token_type_hint is ignored: RFC
// 7662 §2.1 lets the server search every type.
//
// Journal kinds "revoke" and "introspect": client, outcome, token_type, uti or family short
// hash, reason of an inactive answer; never the token.

#include "toolauth/http/router.h"
#include "toolauth/idp/identity_provider.h"

namespace toolauth::idp {

void add_token_management_routes(http::Router& router, IdentityProvider& idp);

}  // namespace toolauth::idp
