#pragma once
// Prompt agents and their versions, and the MCP tools of a definition.
//
// A definition is {"kind": "prompt", "model"?, "instructions"?, "tools"?: [...], ...}; the MCP
// tools in it are read strictly (reference/foundry-agent-service.md §1.1):
//   {"type": "mcp", "server_label", "server_url"?, "project_connection_id"? (name or id),
//    "require_approval"?: "always" (the default) | "never" | {"always"|"never": [names] or
//                         {"tool_names": [names]}},
//    "allowed_tools"?: [names] | {"tool_names": [names]}, "headers"?: {name: value}}
// A tool needs server_url or project_connection_id; when both are given the connection's
// target wins. Labels are unique within an agent. Other tool types are kept as given.

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/config.h"
#include "toolauth/core/result.h"

namespace toolauth::emulator {

enum class Approval { always, never };

struct ApprovalPolicy {
  Approval otherwise = Approval::always;
  std::vector<std::string> always;  // tool names that need approval
  std::vector<std::string> never;   // tool names that do not

  Approval for_tool(std::string_view name) const;
  // "always" / "never" for a plain policy; the object form otherwise.
  nlohmann::json to_json() const;
};

struct McpToolSpec {
  std::string server_label;
  std::string server_url;             // as given (may be empty with a connection)
  std::string project_connection_id;  // as given
  std::string connection;             // the resolved connection's name; empty without one
  ApprovalPolicy require_approval;
  std::optional<std::vector<std::string>> allowed_tools;
  std::map<std::string, std::string> headers;

  bool allows(std::string_view tool) const;
};

// Resolves a project_connection_id (a connection's name or its ARM id) to the connection's
// name in the agent's project; nullopt when there is no such connection.
using ConnectionResolver = std::function<std::optional<std::string>(std::string_view)>;

// Reads the MCP tools of the definition at `node`, recording problems on the node's reader.
std::vector<McpToolSpec> read_mcp_tools(const core::ConfigNode& definition,
                                        const ConnectionResolver& resolve);
// The same for a definition on its own. Errors: core::Errc::config_invalid naming the path.
core::Result<std::vector<McpToolSpec>> parse_mcp_tools(const nlohmann::json& definition,
                                                       const ConnectionResolver& resolve);

struct AgentVersion {
  std::string name;
  std::int64_t version = 1;
  std::string description;
  nlohmann::json metadata = nlohmann::json::object();
  nlohmann::json definition = nlohmann::json::object();
  std::int64_t created_at = 0;  // unix seconds

  std::string id() const { return name + ":" + std::to_string(version); }
  // {"object": "agent.version", "id", "name", "version", "description", "created_at",
  //  "definition", "metadata"}
  nlohmann::json to_api() const;
};

struct Agent {
  std::string name;
  std::vector<AgentVersion> versions;  // oldest first; never empty

  const AgentVersion& latest() const { return versions.back(); }
  const AgentVersion* version(std::string_view number) const;
  // {"object": "agent", "id", "name", "state": "enabled", "versions": {"latest": ...}}
  nlohmann::json to_api() const;

  nlohmann::json to_state() const;
  static core::Result<Agent> from_state(const nlohmann::json& document);
};

}  // namespace toolauth::emulator
