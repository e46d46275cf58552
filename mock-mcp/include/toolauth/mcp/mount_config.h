#pragma once
// Mount definitions from JSON (fixtures/<world>/mcp.json, or the admin plane at runtime):
//
//   {"mounts": [
//     {"name": "api-key", "catalog": "default", "response_mode": "auto",
//      "auth": {"kind": "api-key", "headers": ["X-API-Key"], "keys": [{"id": "primary", "value":
//      "..."}]}},
//     {"name": "bearer",
//      "auth": {"kind": "bearer", "issuers": [...], "audiences": [...], "jwks_url": "...",
//               "authorization_servers": [...], "scopes_supported": [...],
//               "required_scopes": [...], "required_roles": [...], "token_versions": ["1.0",
//               "2.0"], "tenants": [...], "algorithms": ["RS256"], "leeway_seconds": 30}}]}
//
// Problems name the JSON path of the bad value. Strings may carry {idp_url} and {mcp_url}.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "toolauth/core/config.h"
#include "toolauth/core/result.h"
#include "toolauth/mcp/mount.h"

namespace toolauth::mcp {

// Mount names appear in URL paths: 1-64 characters of [A-Za-z0-9._-].
bool valid_mount_name(std::string_view name);

MountConfig read_mount(const core::ConfigNode& node);
core::Result<std::vector<MountConfig>> load_mounts(const nlohmann::json& document,
                                                   const std::string& source);
// One mount as the admin plane receives it. Errors: config_invalid with paths.
core::Result<MountConfig> parse_mount(const nlohmann::json& document);

// Replaces {name} templates in every URL and identifier of the policy.
void resolve_templates(MountConfig& mount, const std::map<std::string, std::string>& values);

}  // namespace toolauth::mcp
