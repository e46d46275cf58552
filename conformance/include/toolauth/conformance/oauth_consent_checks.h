#pragma once
// The judgements of the agent-service OAuth2 consent scenarios (agent_service_oauth_consent.cc)
// as pure functions of mock-idp's journal entries (Journal::to_json objects) and the IUT's
// answers, so each can be proven on hand-made evidence.
//
// mock-idp journals an authorize request as kind "authorize", step "request", with client_id,
// redirect_uri, scope (as sent), code_challenge_method and state_present; a token request as
// kind "token" with grant_type, client_id, outcome and, for what it issued, the access
// token's uti and the refresh token's short hash (rt_hash or refresh_issued), never a token.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "toolauth/conformance/driver.h"

namespace toolauth::conformance {

// The authorize requests (step "request") of `client_id` among mock-idp entries, oldest first.
nlohmann::json authorize_requests(const nlohmann::json& idp_entries, const std::string& client_id);

// What is wrong with an authorize request made for an OAuth2 connection of `client_id`: not
// its client id, a redirect URI not among `redirect_uris`, no S256 challenge, no state, a
// scope of `scopes` missing. Empty when it is right.
std::vector<std::string> authorize_request_problems(const nlohmann::json& entry,
                                                    const std::string& client_id,
                                                    const std::vector<std::string>& redirect_uris,
                                                    const std::vector<std::string>& scopes);

// How many authorization codes `client_id` redeemed (authorization_code grants, any outcome:
// a redemption that failed was still attempted).
std::size_t code_redemptions(const nlohmann::json& idp_entries, const std::string& client_id);

// Tokens mock-idp issued that occur in any string of `value`: a JWT whose issuer is at
// `idp_url` or whose uti a token entry names, an opaque string whose short hash is a journaled
// refresh token's or code's. One description each, naming the kind and the uti or hash, never
// the token.
std::vector<std::string> issued_tokens_in(const nlohmann::json& value,
                                          const nlohmann::json& idp_token_entries,
                                          const std::string& idp_url);

// "" when `answer` refuses the caller: a ToolError with HTTP status 401 or 403, or, when the
// driver knows no status, a ToolError that is not a failed tool call ("tool_failed"). Else
// what the answer is instead.
std::string refusal_problem(const DriverAnswer& answer);

// "" when `answer` is a failed tool call: a ToolError the IUT answered without failing itself
// (no HTTP 5xx status, no "server_error" code). Else what the answer is instead.
std::string failed_call_problem(const DriverAnswer& answer);

}  // namespace toolauth::conformance
