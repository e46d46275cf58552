#pragma once
// Loading the IdP's part of a world (fixtures/<world>/idp.json) into a Directory.
//
// Every problem is reported with the file and JSON path of the bad value, and all of them at
// once: wrong types, unknown keys, ids that are not GUIDs, duplicate names or ids, references
// to tenants, applications or identities that do not exist, scopes or roles an API does not
// define. URLs may carry templates ({emulator_url}, {mcp_url}, {idp_url}) resolved at start
// by resolve_templates().

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "toolauth/core/result.h"
#include "toolauth/idp/directory.h"

namespace toolauth::idp {

// Errors: core::Errc::config_invalid, with one "<source>: <path>: <problem>" line per problem.
core::Result<Directory> load_directory(const nlohmann::json& document, const std::string& source);

// Replaces {name} templates in redirect URIs and App ID URIs with `values` (e.g.
// {"emulator_url": "https://localhost:4780"}). A URI whose template has no value is dropped:
// the server it points at is not running, and the admin plane can register it later.
void resolve_templates(Directory& directory, const std::map<std::string, std::string>& values);

// True for the 8-4-4-4-12 hexadecimal form.
bool is_guid(std::string_view text);

// The directory as the ready document's `world` shows it: tenants, users (with passwords),
// clients (with secrets), resources and identities. `issuer_of` gives a tenant's v2 issuer.
nlohmann::json world_json(const Directory& directory,
                          const std::function<std::string(const Tenant&)>& issuer_of);

}  // namespace toolauth::idp
