#pragma once
// OAuth2 identity passthrough, the user's side: consent requests and the two browser routes.
//
//   issue()                       a consent request for (project, connection, user), made while
//                                 a response runs; its link is <emulator>/oauth/consent/{id}
//   GET /oauth/consent/{id}       single use, expires after kLinkLifetime: makes a state and a
//                                 PKCE verifier and redirects (302) to the connection's
//                                 authorization URL with its client id, the redirect URI
//                                 <emulator>/oauth/callback, its scopes plus offline_access,
//                                 the state and the S256 challenge
//   GET /oauth/callback           ?code&state: the state must be one this flow made and not yet
//                                 used; the code is exchanged at the connection's token URL
//                                 (client credentials, the same redirect URI, the verifier) and
//                                 the tokens are sealed into the vault under the user of the
//                                 consent request. ?error=access_denied&state: the request is
//                                 recorded as declined. Anything else (no state, an unknown,
//                                 tampered or replayed state, a failed exchange) is a 400 page
//                                 and nothing is stored.
//
// A consent request is bound to its user and connection when it is issued: the tokens land in
// that user's entry for that connection and nowhere else. When the access token is a JWT of
// the user's own tenant, the user who signed in must be that user (a link forwarded to
// someone else is refused and stores nothing); other authorization servers cannot tell us.
// Requests live in memory (a restart forgets links in flight, never stored tokens).
// Pages are plain HTML that says what happened and never echoes input or a secret; journal
// kind "consent" records the consent id, stage and the state's short hash only.
//
// Threading: the server's io_context thread.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "toolauth/core/clock.h"
#include "toolauth/emulator/defects.h"
#include "toolauth/emulator/emulator_state.h"
#include "toolauth/emulator/tool_auth.h"
#include "toolauth/http/router.h"
#include "toolauth/oauth/token_endpoint_client.h"
#include "toolauth/oauth/token_vault.h"
#include "toolauth/service/journal.h"

namespace toolauth::emulator {

// Whose delegated tokens: the vault entry of one user for one connection of one project.
struct ConsentSubject {
  std::string project;
  std::string connection;
  std::string tid;
  std::string oid;

  // "<project>/<connection>/<tid>/<oid>": the vault key. The consent-not-per-* defects leave
  // out a part (as "*"), so one entry serves every user, connection or project.
  std::string vault_key(const EmulatorDefects& defects) const;
};

class ConsentFlow {
 public:
  static constexpr std::chrono::minutes kLinkLifetime{10};

  // All references must outlive the flow. `emulator_url`: the public URL links derive from.
  // Defects honoured here: no-pkce, skip-state-check, reusable-consent-link and the vault keys'.
  ConsentFlow(EmulatorState& state, oauth::TokenEndpointClient& tokens, oauth::TokenVault& vault,
              service::Journal& journal, const core::Clock& clock, std::string emulator_url,
              EmulatorDefects defects = {});

  // A new consent request, issued in response `response_id`.
  ConsentRequired issue(const ConsentSubject& subject, std::string response_id);
  // Whether the user declined the consent request issued for `subject` in `response_id`.
  bool declined(const ConsentSubject& subject, std::string_view response_id) const;

  std::string redirect_uri() const { return emulator_url_ + "/oauth/callback"; }
  void mount(http::Router& router);
  void clear() { requests_.clear(); }
  const EmulatorDefects& defects() const { return defects_; }

 private:
  enum class Stage { issued, started, completed, declined, failed };
  struct Request {
    std::string id;
    ConsentSubject subject;
    std::string response_id;
    core::Clock::time_point expires_at;
    Stage stage = Stage::issued;
    std::string state;              // set when the link was followed
    std::string authorization_url;  // where the link sent the user (RFC 9207 iss check)
    std::string code_verifier;      // a secret; memory only
  };

  boost::asio::awaitable<http::Response> open(http::Request& request);
  boost::asio::awaitable<http::Response> callback(http::Request& request);
  Request* by_state(std::string_view state);
  void journal(const Request& request, std::string_view event, nlohmann::json fields = {});

  EmulatorState* state_;
  oauth::TokenEndpointClient* tokens_;
  oauth::TokenVault* vault_;
  service::Journal* journal_;
  const core::Clock* clock_;
  std::string emulator_url_;
  EmulatorDefects defects_;
  std::map<std::string, Request, std::less<>> requests_;  // by consent id
};

}  // namespace toolauth::emulator
