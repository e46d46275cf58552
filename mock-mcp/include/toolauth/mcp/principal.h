#pragma once
// Who made an MCP request, as the server saw it after authentication. Never holds the token
// or key itself: only claims, a key id and a hash of the token's jti.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace toolauth::mcp {

enum class AuthKind { none, api_key, bearer };
std::string_view to_string(AuthKind kind);

struct Principal {
  AuthKind kind = AuthKind::none;
  std::string key_id;  // api-key: which configured key matched
  // Bearer token claims (empty when absent).
  std::string iss, sub, oid, tid, name, preferred_username, appid, azp, idtyp, ver;
  std::vector<std::string> aud;
  std::vector<std::string> scp;
  std::vector<std::string> roles;
  std::string jti_hash;  // short hash of jti (or uti), to correlate without revealing it

  // A stable key for per-principal state (notes): tenant + object id for tokens, the key id
  // for API keys, "anonymous" otherwise.
  std::string partition() const;
  // What `whoami` shows and the journal records.
  nlohmann::json to_json() const;
};

// One shared anonymous principal (kind none): the default of a decision, without allocating.
std::shared_ptr<const Principal> anonymous_principal();

}  // namespace toolauth::mcp
