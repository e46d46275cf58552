#pragma once
// A project connection: where an MCP server is and how calls to it authenticate. Connections
// come from fixtures or from the control plane (an ARM-like PUT); the data plane shows them in
// Foundry's shapes, with credentials only through getConnectionWithCredentials.
//
// Secrets a connection holds (custom key values, an OAuth client secret) are never logged;
// they live in the state store like the rest of the connection.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/core/result.h"
#include "toolauth/emulator/auth_type.h"

namespace toolauth::emulator {

// The ARM coordinates of the emulated account; connection ids are ARM resource ids under it.
struct ArmScope {
  std::string subscription;
  std::string resource_group;
  std::string account;

  // /subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.CognitiveServices/accounts/<a>
  std::string account_id() const;
  std::string project_id(std::string_view project) const;
  std::string connection_id(std::string_view project, std::string_view connection) const;
};

struct OAuth2Settings {
  std::string client_id;
  std::string client_secret;  // optional: public clients have none
  std::string authorization_url;
  std::string token_url;
  // Refreshes go here; it may differ from token_url.
  std::string refresh_url;
  std::vector<std::string> scopes;
};

struct Connection {
  std::string project;
  std::string name;
  std::string id;  // ArmScope::connection_id
  AuthType auth_type = AuthType::none;
  std::string category = "RemoteTool";
  std::string target;    // the MCP server's URL; wins over a tool's server_url
  std::string audience;  // resource that tokens are requested for (Entra auth types)
  std::map<std::string, std::string> keys;  // CustomKeys: header name -> value
  std::optional<OAuth2Settings> oauth2;
  nlohmann::json metadata = nlohmann::json::object();

  // Everything, secrets included, for the state store.
  nlohmann::json to_state() const;
  static core::Result<Connection> from_state(const nlohmann::json& document);

  // The data plane's Connection object; credentials carry secrets only when asked for.
  nlohmann::json to_foundry(bool with_credentials) const;
  // The control plane's resource: {"id","name","type","properties":{...}} without secrets.
  nlohmann::json to_arm() const;
};

// Reads the `properties` of an ARM PUT body into a connection named `name` of `project`.
// Errors: core::Errc::config_invalid, one problem per line, each naming its JSON path
// ("/properties/authType: ...").
core::Result<Connection> parse_arm_connection(const nlohmann::json& body, const ArmScope& scope,
                                              std::string project, std::string name);

// Checks what every connection needs whatever its source: an http(s) target, an audience for
// Entra types, keys for CustomKeys, client id and URLs for OAuth2. The message names the member.
core::Result<void> validate_connection(const Connection& connection);

}  // namespace toolauth::emulator
