#pragma once
// The OIDC UserInfo endpoint (OIDC Core §5.3), which the discovery documents point at:
//   GET|POST /oidc/userinfo            (v2 discovery's userinfo_endpoint)
//   GET|POST /{tenant}/openid/userinfo (v1 discovery's)
// with `Authorization: Bearer <access token>`: a Microsoft Graph token this IdP issued to a
// user, unexpired, whose scp holds `openid` (as Entra's Graph userinfo wants). The answer has
// `sub` (the same pairwise subject as the client's ID token) and `oid`, with `profile`
// name, given_name, family_name and preferred_username, with `email` email. Anything else is
// 401 with an RFC 6750 §3 Bearer challenge (error="invalid_token" when a token was sent,
// "insufficient_scope" (403) for a token without openid).

#include "toolauth/http/router.h"
#include "toolauth/idp/identity_provider.h"

namespace toolauth::idp {

void add_userinfo_routes(http::Router& router, IdentityProvider& idp);

}  // namespace toolauth::idp
