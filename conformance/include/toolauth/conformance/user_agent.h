#pragma once
// The headless user agent: a fixture user with a browser that has no JavaScript. It opens a
// URL (a consent link, an authorize URL), follows redirects, keeps cookies per origin, and
// drives mock-idp's sign-in and consent forms exactly as sign_in_pages.h documents them:
//   login page    (<meta name="toolauth-step" content="login">)
//                 POST /login    flow, csrf_token, username, password
//   consent page  (content="consent")
//                 POST /consent  flow, csrf_token, decision=approve|decline
//   form_post     the auto-submitting form is posted to its action with its hidden inputs.
// Any other page ends the walk: it is the answer (the platform's callback page, an error),
// and so does a second login page (the password was refused).
//
// It stops following redirects at `stop_at` (a URL prefix: a redirect URI nobody serves, e.g.
// a public client's https://localhost/callback), returning that URL's parameters (code,
// state, error) without requesting it.
//
//   UserAgent browser(client, {.username = upn, .password = pw});
//   auto walk = co_await browser.open(authorize_url, ConsentDecision::approve,
//                                     "https://localhost/callback");
//   walk->params.get("code");
//
// Threading: use from coroutines on the client's executor. Passwords are sent only in the
// login form and never recorded in the walk.

#include <boost/asio/awaitable.hpp>
#include <map>
#include <string>
#include <vector>

#include "toolauth/core/result.h"
#include "toolauth/http/client.h"
#include "toolauth/http/params.h"

namespace toolauth::conformance {

struct FixtureUser {
  std::string username;  // UPN
  std::string password;
};

enum class ConsentDecision { approve, decline };

struct UserAgentWalk {
  // Where the walk ended: the last URL requested, or the stop_at redirect.
  std::string final_url;
  int final_status = 0;            // 0 when it ended at stop_at
  std::string final_body;          // the last page (empty at stop_at)
  http::Params params;             // query (or fragment) parameters of final_url
  std::vector<std::string> trail;  // "GET <url without query> -> 302", "login", "consent", ...
  bool signed_in = false;          // a login form was posted
  bool consent_shown = false;
};

class UserAgent {
 public:
  static constexpr int kMaxHops = 20;

  UserAgent(http::Client& client, FixtureUser user);

  // Errors: core::Errc::limit_exceeded after kMaxHops, core::Errc::parse_error for a page that
  // claims a step but lacks its form fields, and the client's errors.
  boost::asio::awaitable<core::Result<UserAgentWalk>> open(std::string url,
                                                           ConsentDecision decision,
                                                           std::string stop_at = {});

  // An attacker's hand on the way back: a redirect (or form_post) to a URL starting with
  // `prefix` goes out with its `state` changed (same length, one character different).
  void tamper_state_at(std::string prefix) { tamper_state_at_ = std::move(prefix); }

  // Forget the sign-in session (cookies), as a new browser would.
  void clear_cookies() { cookies_.clear(); }

 private:
  boost::asio::awaitable<core::Result<http::ClientResponse>> send(http::Method method,
                                                                  const std::string& url,
                                                                  std::string form_body);
  void remember_cookies(const std::string& origin, const http::Headers& headers);

  http::Client* client_;
  FixtureUser user_;
  std::string tamper_state_at_;
  std::map<std::string, std::map<std::string, std::string>> cookies_;  // origin -> name -> value
};

// Helpers for pages and URLs (exposed for tests).
std::string page_step(std::string_view html);
std::string input_value(std::string_view html, std::string_view name);
std::string form_action(std::string_view html);
std::string url_origin(std::string_view url);
// `location` resolved against `base` (absolute URLs, absolute paths).
std::string resolve_url(std::string_view base, std::string_view location);
http::Params url_params(std::string_view url);
// `state` with one character changed (the first, to another base64url character).
std::string tampered_state(std::string_view state);
// `url` with the value of its query parameter `state` replaced by tampered_state().
std::string with_tampered_state(std::string_view url);

}  // namespace toolauth::conformance
