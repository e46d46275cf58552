#pragma once
// The HTML pages of interactive sign-in: server-rendered, no JavaScript (except the one line
// that auto-submits a form_post response, with a <noscript> button), every control labelled.
//
// Driving the pages without a browser (the conformance suite's headless user agent, Node
// tests): every step is a plain form POST, and every form carries two hidden inputs,
//   <input type="hidden" name="flow" value="...">        the sign-in in progress
//   <input type="hidden" name="csrf_token" value="...">  valid for this one form, once
// which a script copies from the page it got (e.g. /name="csrf_token" value="([^"]*)"/).
//
//   1. GET (or POST) /{tenant}/oauth2/v2.0/authorize?...      → 200 a page, or 302 (or a
//      form_post page) to the redirect URI when no interaction is needed (an existing
//      session and consent) or the request is refused.
//   2. The sign-in page (<form id="login" action="/login">):
//        POST /login  flow, csrf_token, username=<UPN>, password=<password>
//      `username` is a radio group (the user picker) whose values are the users' UPNs; a
//      script may post any UPN of the tenant. A wrong password shows the page again with
//      AADSTS50126 and a new csrf_token. With prompt=select_account, picking the account the
//      browser is already signed in with needs no password (send it empty).
//      Success sets the session cookie (toolauth_idp_session; HttpOnly, Secure,
//      SameSite=Lax, Path=/) and answers with step 3 or the final redirect.
//   3. The consent page (<form id="consent" action="/consent">), when the client lacks
//      consent for the requested permissions or prompt=consent:
//        POST /consent  flow, csrf_token, decision=approve | decision=decline
//      approve remembers the consent (per user and client) and redirects with the code;
//      decline redirects with error=access_denied (AADSTS65004).
//   Device code: GET /devicelogin shows <form id="devicelogin" action="/devicelogin">;
//        POST /devicelogin  user_code=<the code the device showed>
//      then steps 2 and 3 as above; the last page says the device may continue.
//   Each page names its step in <meta name="toolauth-step" content="login|consent|
//   devicelogin|done|declined|error|signed-out|form_post">. A refused form POST (unknown or
//   expired flow, wrong or replayed csrf_token) is a 400 error page.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/http/message.h"
#include "toolauth/http/params.h"
#include "toolauth/idp/aad_error.h"

namespace toolauth::idp {

struct LoginPageUser {
  std::string username;  // UPN: the radio value
  std::string display_name;
  bool selected = false;
};

struct LoginPage {
  std::string flow_id;
  std::string csrf_token;
  std::string client_name;
  std::string tenant_label;  // e.g. contoso.onmicrosoft.com; empty: any tenant
  std::vector<LoginPageUser> users;
  std::string session_username;   // signed in already: password optional for this account
  std::optional<AadError> error;  // shown above the form (e.g. 50126)
};

struct ConsentPermission {
  std::string value;  // e.g. Tools.Read
  std::string description;
  std::string resource_name;  // display name of the API, empty for OIDC scopes
};

struct ConsentPage {
  std::string flow_id;
  std::string csrf_token;
  std::string client_name;
  std::string client_id;
  std::string username;
  std::vector<ConsentPermission> permissions;
};

struct DeviceLoginPage {
  std::string user_code;  // prefilled
  std::optional<AadError> error;
};

// Pages are 200 unless said otherwise; every response is no-store and may not be framed.
http::Response login_page(const LoginPage& page);
http::Response consent_page(const ConsentPage& page);
http::Response device_login_page(const DeviceLoginPage& page, int status = 200);
// The last page of a device flow: "you may return to your device" or "you declined".
http::Response device_done_page(std::string_view client_name, bool approved);
// An error the user sees instead of a redirect (unknown client, unregistered redirect URI,
// refused form post): the AADSTS code and message, trace and correlation ids.
http::Response error_page(const AadError& error, const ErrorContext& context);
// RFC 6749 response_mode=form_post (OAuth 2.0 Form Post Response Mode): a form that posts
// `params` to `action` as soon as it loads.
http::Response form_post_page(std::string_view action, const http::Params& params);
http::Response signed_out_page();

// Sets the headers every sign-in page response carries.
void add_page_headers(http::Response& response);

}  // namespace toolauth::idp
