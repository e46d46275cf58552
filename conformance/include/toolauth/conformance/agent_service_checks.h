#pragma once
// The judgements of the agent-service scenarios as pure functions of what the journals and
// the IUT's answers hold, so each can be proven on hand-made evidence (a defect the reference
// emulator does not have yet still has a test that the judgement catches it).
//
// Journal entries are Journal::to_json objects; mock-mcp's "mcp" entries carry mount,
// outcome (allowed|denied), reason, headers (secret values redacted) and principal (claims of
// the token, or the key id).

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace toolauth::conformance {

// Requests that reached a mount other than `own_mount` carrying `header` (any case) or the
// key value anywhere: one description per leak (never the key itself).
std::vector<std::string> key_leaks(const nlohmann::json& mcp_entries, const std::string& own_mount,
                                   const std::string& header, const std::string& key);

// Which of `secrets` occur anywhere in `value` (its JSON text): their positions in `secrets`.
std::vector<std::size_t> secrets_in(const nlohmann::json& value,
                                    const std::vector<std::string>& secrets);

// Requests at a key mount that did not carry `header` or were refused: descriptions.
std::vector<std::string> key_header_problems(const nlohmann::json& mount_entries,
                                             const std::string& header);

// The distinct values of principal.<claim> of the allowed requests, in order of appearance.
std::vector<std::string> principal_values(const nlohmann::json& mcp_entries,
                                          const std::string& claim);

// The refused requests (outcome denied) among mcp entries: "status reason" each.
std::vector<std::string> refusals(const nlohmann::json& mcp_entries);

// Whether a token's aud claim (a string or an array) names `audience`. Entra's v2 tokens
// (`ver` "2.0") always carry the application's client id instead; a v1 token's aud is the
// resource exactly as the IUT asked for it, so there only the connection's audience itself
// counts (asking for the bare client id instead of the configured App ID URI is a defect).
bool audience_matches(const nlohmann::json& aud, const std::string& audience,
                      const std::string& client_id, std::string_view token_version);

// Token requests of a managed identity at mock-idp: IMDS/App Service requests that did not
// fail, and token-endpoint grants to its client id.
std::size_t managed_identity_token_requests(const nlohmann::json& idp_entries,
                                            const std::string& client_id);

// Why `oid` (with token type `idtyp`) is not an agent identity of `world` ("" when it is):
// a user's oid, a managed identity's, an unknown one, or a token that is not app-only.
std::string agent_identity_problem(const nlohmann::json& world, const std::string& oid,
                                   const std::string& idtyp);

// The scope names of `wanted` (<App ID URI>/<name> or <name>) missing from a token's scp.
std::vector<std::string> missing_scopes(const nlohmann::json& scp,
                                        const std::vector<std::string>& wanted);

// The items joined with "; " for a check's actual value; "(none)" when empty.
std::string join_or_none(const std::vector<std::string>& items);

}  // namespace toolauth::conformance
