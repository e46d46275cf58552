#pragma once
// The emulator's fixtures (fixtures/default/emulator.json, compiled in): the ARM coordinates,
// the tenants whose callers it trusts, its own confidential client, and the projects with
// their identities, connections and agents. Ids and secrets of the IdP side are copies of
// fixtures/default/idp.json (a test keeps the two in step).
//
//   {"arm": {"subscription", "resource_group", "account"},
//    "caller": {"audiences": ["https://ai.azure.com"]},
//    "client": {"name", "client_id", "client_secret"},
//    "tenants": [{"name", "id", "issuers": [...], "jwks_url"}],
//    "projects": [{"name", "tenant",
//                  "managed_identity"?: {"client_id", "object_id"?},
//                  "agent_blueprint"?: {"client_id", "client_secret"?},
//                  "agent_identity"?: {"client_id"},
//                  "connections": [{"name", "auth_type", "target", "audience"?,
//                                   "keys"?: {header: value}, "metadata"?,
//                                   "oauth2"?: {"client_id", "client_secret"?,
//                                               "authorization_url", "token_url",
//                                               "refresh_url"?, "scopes"}}],
//                  "agents": [{"name", "connection", "require_approval"?, "allowed_tools"?,
//                              "agent_identity"?: {"client_id"}}]}]}
//
// {idp_url}, {mcp_url}, {emulator_url} and {emulator_http_url} are resolved first. Every
// problem names the file and the JSON path.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/result.h"
#include "toolauth/emulator/agent.h"
#include "toolauth/emulator/connection.h"

namespace toolauth::emulator {

struct TenantConfig {
  std::string name;
  std::string id;
  std::vector<std::string> issuers;  // accepted `iss` values of caller tokens
  std::string jwks_url;
};

struct ClientCredentials {
  std::string name;
  std::string client_id;
  std::string client_secret;
};

// The Entra identities a project's tool calls may act as (ids only; tokens come later).
struct ProjectIdentities {
  std::string managed_identity_client_id;
  std::string managed_identity_object_id;
  std::string blueprint_client_id;
  std::string blueprint_client_secret;
  std::string agent_identity_client_id;
};

struct FixtureAgent {
  std::string name;
  std::string connection;
  nlohmann::json require_approval = "always";
  std::optional<std::vector<std::string>> allowed_tools;
  std::string agent_identity_client_id;  // empty: the project's agent identity

  // A prompt agent with one MCP tool labelled after the connection.
  nlohmann::json definition(const Connection& connection) const;
};

struct ProjectConfig {
  std::string name;
  std::string tenant;  // the tenant's name
  ProjectIdentities identities;
  std::vector<Connection> connections;
  std::vector<FixtureAgent> agents;

  // The identities an agent of this name acts as: the project's, with the agent identity the
  // fixtures bind to the name when there is one. Only the fixtures choose (never a caller).
  ProjectIdentities identities_for(std::string_view agent) const;
  // The client id of the agent identity that agent `agent` acts as: the one the fixtures bind
  // to its name, else the project's (as Foundry's unpublished agents share it); empty when
  // the project has none.
  std::string agent_identity_of(std::string_view agent) const;
  // Whether `client_id` is one of the project's agent identities (its own or an agent's).
  bool has_agent_identity(std::string_view client_id) const;
};

struct EmulatorWorld {
  ArmScope arm;
  std::vector<std::string> caller_audiences;
  ClientCredentials client;
  std::vector<TenantConfig> tenants;
  std::vector<ProjectConfig> projects;

  const ProjectConfig* project(std::string_view name) const;
  const TenantConfig* tenant_named(std::string_view name) const;
  const TenantConfig* tenant_by_id(std::string_view id) const;
  // The tenant whose issuers include `iss`.
  const TenantConfig* tenant_by_issuer(std::string_view iss) const;
};

// Errors: core::Errc::config_invalid listing every problem as "<source>: <path>: <message>".
core::Result<EmulatorWorld> load_world(nlohmann::json document, const std::string& source,
                                       const std::map<std::string, std::string>& templates);

// fixtures/default/emulator.json as compiled into the binary.
std::string_view default_emulator_fixtures();

}  // namespace toolauth::emulator
