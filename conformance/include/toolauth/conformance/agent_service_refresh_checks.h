#pragma once
// The judgements of the agent-service OAuth refresh scenarios (agent_service_oauth_refresh.cc)
// as pure functions of mock-idp's journal, so each is proven on hand-made entries too.
//
// mock-idp journals every token request as kind "token" with grant_type, client_id, outcome
// (issued|error) and, for user tokens, `family` (short hash of the refresh-token family),
// `refresh_issued` (short hash of the refresh token it issued) and, for the refresh_token
// grant, `use` (short hash of the refresh token presented) and `reuse_detected` (strict
// rotation). Hashes only: never a token.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace toolauth::conformance {

// The token requests of `client_id` with `grant_type` ("refresh_token", "authorization_code"),
// oldest first, whatever their outcome.
nlohmann::json token_grants(const nlohmann::json& idp_entries, std::string_view grant_type,
                            std::string_view client_id);

// How many of `grants` (token_grants) issued tokens.
std::size_t issued_count(const nlohmann::json& grants);

// Where the refresh tokens of `client_id` were not used as rotated: each refresh must present
// the refresh token its family's latest grant issued. A token presented twice, an older token
// of the family presented after a newer one was issued, or a reuse mock-idp detected is one
// description each ("" never). A family first seen at a refresh (issued before the entries)
// is judged from that refresh on.
std::vector<std::string> refresh_rotation_problems(const nlohmann::json& idp_entries,
                                                   std::string_view client_id);

}  // namespace toolauth::conformance
