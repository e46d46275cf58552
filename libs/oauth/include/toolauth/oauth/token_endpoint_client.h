#pragma once
// Requests to an OAuth 2.0 token endpoint (Entra v2 and RFC 6749 servers) over http::Client,
// for the grants the Agent Service tool-auth engine uses and the conformance suite replays:
//   client_credentials   scope (e.g. "api://x/.default"), optional Entra Agent ID `fmi_path`
//   authorization_code   code, redirect_uri, code_verifier (PKCE), optional scope
//   refresh_token        sent to the connection's refresh URL, which may differ from its
//                        token URL: the caller passes whichever URL applies
//   jwt-bearer OBO       assertion (the caller's token), scope,
//                        requested_token_use=on_behalf_of
// with the client authenticated as ClientAuthentication says. This library sits in libs/ and
// not in the emulator because the conformance suite uses the same code to fetch tokens and
// follow flows against any implementation.
//
// Results are TokenResult: a TokenResponse, or a TokenError that classifies the failure
// (invalid_grant / interaction_required → the user must consent again; transient → retry;
// rejected → misconfigured). No call throws for a bad answer or a network failure.
//
// Security: the endpoint must be https, or http to a loopback address (a local mock); nothing
// else is sent. Logs carry the grant type, client id, host and outcome only — never a token,
// code, secret, verifier or assertion, and never a response body.
//
// Arguments are taken by value: these are coroutines, and a reference to a caller's temporary
// would dangle once the caller's full expression ends.
//
// Threading: like http::Client, use from coroutines on one executor thread; the client and
// clock must outlive this object.

#include <boost/asio/awaitable.hpp>
#include <string>

#include "toolauth/core/clock.h"
#include "toolauth/core/log.h"
#include "toolauth/http/client.h"
#include "toolauth/http/params.h"
#include "toolauth/oauth/client_authentication.h"
#include "toolauth/oauth/token_response.h"

namespace toolauth::oauth {

inline constexpr std::string_view kGrantJwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";

struct ClientCredentialsGrant {
  std::string scope;
  // Entra Agent ID: the agent identity's client id when a blueprint asks for the exchange
  // token T1 (scope api://AzureADTokenExchange/.default). Empty: not sent.
  std::string fmi_path;
};

struct AuthorizationCodeGrant {
  std::string code;
  std::string redirect_uri;   // exactly as sent in the authorization request
  std::string code_verifier;  // the PKCE verifier of that request
  std::string scope;          // optional; Entra uses the authorization request's scopes
};

struct RefreshTokenGrant {
  std::string refresh_token;
  std::string scope;  // optional
};

struct OnBehalfOfGrant {
  std::string assertion;  // the incoming user access token
  std::string scope;      // downstream scopes (add offline_access for a refresh token)
};

class TokenEndpointClient {
 public:
  TokenEndpointClient(http::Client& http, const core::Clock& clock,
                      core::Logger logger = core::null_logger());

  boost::asio::awaitable<TokenResult> client_credentials(std::string token_url,
                                                         ClientAuthentication client,
                                                         ClientCredentialsGrant grant);
  boost::asio::awaitable<TokenResult> authorization_code(std::string token_url,
                                                         ClientAuthentication client,
                                                         AuthorizationCodeGrant grant);
  boost::asio::awaitable<TokenResult> refresh(std::string refresh_url, ClientAuthentication client,
                                              RefreshTokenGrant grant);
  boost::asio::awaitable<TokenResult> on_behalf_of(std::string token_url,
                                                   ClientAuthentication client,
                                                   OnBehalfOfGrant grant);

  // Any grant: `form` carries grant_type and the grant's parameters; the client credential is
  // added here. Used by the typed calls above and for grants they do not cover.
  boost::asio::awaitable<TokenResult> request(std::string token_url, ClientAuthentication client,
                                              http::Params form);

 private:
  http::Client* http_;
  const core::Clock* clock_;
  core::Logger logger_;
};

// Whether `url` may receive credentials: https, or http to localhost / 127.0.0.0/8 / [::1].
// Errors: Errc::invalid_argument naming the reason (never the query, which may hold data).
core::Result<void> check_credential_url(std::string_view url);

}  // namespace toolauth::oauth
