#pragma once
// What a token endpoint answered, as a typed value: a TokenResponse on success, a TokenError
// otherwise. A TokenError keeps everything a caller branches on or reports — the OAuth
// `error`, `error_description`, the AADSTS code, `suberror`, the HTTP status, Retry-After —
// and classifies it, so that an engine decides in one place between "ask the user again"
// (invalid_grant), "try later" (5xx, 429, network) and "this is misconfigured".
//
// Neither type has an operator<<: a token must never reach a log by accident. Log
// TokenError::summary(), which holds no secret.
//
// Parsing follows MSAL: any body with an `error` member is an error whatever the status, and
// `expires_in` may be a number or a numeric string.

#include <chrono>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/http/client.h"

namespace toolauth::oauth {

// A lifetime a server gives beyond this is taken as this: no token lives a century, and
// received_at + a larger one could overflow.
inline constexpr std::chrono::seconds kLongestTokenLifetime = std::chrono::hours(24 * 365 * 100);

struct TokenResponse {
  std::string access_token;
  std::string token_type;     // "Bearer" (as sent)
  std::string refresh_token;  // empty when none was issued
  std::string id_token;       // empty when none was issued
  std::string scope;          // empty when the server did not say (client_credentials on Entra)
  // 0 when the server gave no lifetime: the token is then treated as expired at once, so it
  // is never served from a cache on a guess.
  std::chrono::seconds expires_in{0};
  std::optional<std::chrono::seconds> ext_expires_in;
  // The caller's clock when the answer arrived; expires_at() counts from it.
  core::Clock::time_point received_at;

  core::Clock::time_point expires_at() const { return received_at + expires_in; }
};

enum class TokenFailure {
  // `invalid_grant`: the refresh token, code or assertion is no good any more (revoked,
  // expired, already used). For a refresh this means the user must consent again.
  invalid_grant,
  // interaction_required / consent_required / login_required (or such a suberror): only the
  // user can fix it, in the browser.
  interaction_required,
  // 5xx, 429, `temporarily_unavailable`, `server_error`, or no answer at all (connect, TLS,
  // timeout): the same request may succeed later; `retry_after` says when, if the server did.
  transient,
  // Any other OAuth error (invalid_client, unauthorized_client, invalid_scope, ...): retrying
  // the same request will fail the same way.
  rejected,
  // A success status whose body is not a token response (not JSON, no access_token).
  malformed_response,
  // Nothing was sent: the URL or a parameter cannot be used (http to a non-loopback host).
  bad_request,
};
std::string_view to_string(TokenFailure failure);

struct TokenError {
  TokenFailure failure = TokenFailure::rejected;
  int http_status = 0;  // 0 when no HTTP answer arrived
  std::string error;    // the OAuth error code, e.g. "invalid_grant"
  std::string error_description;
  std::vector<long> error_codes;  // Entra's error_codes
  long aadsts = 0;                // the first AADSTS code (from error_codes or the description)
  std::string suberror;
  std::string correlation_id;
  std::string trace_id;
  std::optional<std::chrono::seconds> retry_after;
  std::error_code transport;  // the http::Errc for failures without an HTTP answer

  bool needs_consent() const {
    return failure == TokenFailure::invalid_grant || failure == TokenFailure::interaction_required;
  }
  bool is_transient() const { return failure == TokenFailure::transient; }
  // Whether the server may have carried out the request without us learning how: a success
  // status whose body could not be read, or no HTTP answer after the request may have been
  // written (a timeout, a connection closed or a garbled answer; not a failed connect or TLS
  // handshake). A single-use grant (a rotating refresh token) must then count as spent.
  bool outcome_unknown() const;
  // "invalid_grant AADSTS50173 (HTTP 400)" and the like: for logs and journals.
  std::string summary() const;
};

using TokenResult = core::Result<TokenResponse, TokenError>;

// The answer of a token endpoint to one request, received at `received_at`.
TokenResult parse_token_response(const http::ClientResponse& response,
                                 core::Clock::time_point received_at);

// A request that got no HTTP answer (`error` from http::Client::send).
TokenError transport_failure(const core::Error& error);

// A request that was never sent.
TokenError bad_request(std::string description);

// "Retry-After: <seconds>" (an HTTP date is not understood and gives nullopt).
std::optional<std::chrono::seconds> parse_retry_after(const http::Headers& headers);

}  // namespace toolauth::oauth
