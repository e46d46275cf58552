#pragma once
// Interactive sign-in (sign_in_pages.h documents the pages and their form fields):
//   GET|POST /{tenant}/oauth2/v2.0/authorize   authorization request (v2)
//   GET|POST /{tenant}/oauth2/authorize        the same with v1's `resource`
//   POST     /login                            the sign-in form (user picker and password)
//   POST     /consent                          the consent form (approve or decline)
//   GET|POST /devicelogin                      the page a device flow's user code is typed in
//
// The flow: check the request (authorize_protocol.h) → an existing browser session signs the
// user in unless prompt=login|select_account (or max_age has passed) → otherwise the sign-in
// page → the consent page when the client lacks consent for the requested permissions or
// prompt=consent → a single-use code at the redirect URI (or, for a device flow, the device
// code approved). prompt=none never shows a page: without a session it answers
// login_required (50058), without consent consent_required (65001), at the redirect URI.
//
// Every authorization request and every later step of it is journalled as an `authorize`
// entry (device flows as `device_login`): the request's fields (authorize_journal_fields),
// `step` (request | login | consent), `flow` (short hash of the flow id), `outcome`
// (login_page | consent_page | code | error), `error` and `error_code` on errors, `user` once
// known.

#include "toolauth/http/router.h"
#include "toolauth/idp/identity_provider.h"

namespace toolauth::idp {

void add_sign_in_routes(http::Router& router, IdentityProvider& idp);

// Every route of user sign-in: the routes above, the device authorization endpoint, logout
// and userinfo.
void add_user_flow_routes(http::Router& router, IdentityProvider& idp);

}  // namespace toolauth::idp
