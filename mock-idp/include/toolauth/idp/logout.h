#pragma once
// The end-session endpoint (OIDC RP-Initiated Logout; reference/entra-oauth.md §1.7):
//   GET /{tenant}/oauth2/v2.0/logout  (and the v1 /{tenant}/oauth2/logout)
//       ?post_logout_redirect_uri=&state=&client_id=&id_token_hint=&logout_hint=
// Ends the browser's sign-in session (and clears its cookie), then redirects to
// post_logout_redirect_uri only when it is registered, by exact match, for the client named by
// client_id or by the id_token_hint's `aud` (its post-logout and redirect URIs), or without a
// named client as some application's post-logout URI; `state` is passed back. Anything else
// shows a signed-out page: an unregistered URI is never followed (no open redirect).

#include "toolauth/http/router.h"
#include "toolauth/idp/identity_provider.h"

namespace toolauth::idp {

void add_logout_routes(http::Router& router, IdentityProvider& idp);

}  // namespace toolauth::idp
