#pragma once
// Toolboxes: named, versioned sets of MCP tool sources in a project that a hosted agent reaches
// through one MCP endpoint (reference/foundry-agent-service.md §1.2, §6.4; Foundry REST
// "Toolboxes"). Versions are immutable and numbered 1, 2, ... (a number is never reused, even
// after a delete); the default version is the latest unless PATCH pinned another one.
//
// A version is created from {"description"?, "metadata"?: {string: string} (at most 16 keys of
// at most 64 characters, values of at most 512), "tools": [...]}; the tools are MCP entries as
// in a prompt agent (agent.h: server_label, server_url, project_connection_id, require_approval,
// allowed_tools, headers) and nothing else: the emulator's toolboxes proxy MCP only, so other
// tool types, skills, policies and rai_config are refused, and so is an inline `authorization`
// (documented as an anti-pattern: a secret in the toolbox; use a connection). Labels must not
// contain "___", which separates label and tool in the toolbox's tool names.
//
// API objects:
//   version  {"id": "<name>:<version>", "name", "version", "description", "metadata",
//             "created_at", "tools"}
//   toolbox  {"id": "<name>", "name", "default_version", "updated_at",
//             "versions": {"latest": <version>}}

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/result.h"
#include "toolauth/emulator/agent.h"

namespace toolauth::emulator {

// Separates a source's label from its tool's name in the toolbox's tool names.
inline constexpr std::string_view kToolboxNameSeparator = "___";

struct ToolboxVersion {
  std::string name;
  std::int64_t version = 1;
  std::string description;
  nlohmann::json metadata = nlohmann::json::object();
  nlohmann::json tools = nlohmann::json::array();  // as given, checked
  std::int64_t created_at = 0;                     // unix seconds

  std::string id() const { return name + ":" + std::to_string(version); }
  nlohmann::json to_api() const;
};

struct Toolbox {
  std::string name;
  std::vector<ToolboxVersion> versions;  // oldest first; never empty
  std::optional<std::int64_t> pinned;    // the default version when PATCH set one
  std::int64_t next_version = 1;
  std::int64_t updated_at = 0;

  const ToolboxVersion& latest() const { return versions.back(); }
  const ToolboxVersion& default_version() const;
  const ToolboxVersion* version(std::string_view number) const;
  nlohmann::json to_api() const;

  nlohmann::json to_state() const;
  static core::Result<Toolbox> from_state(const nlohmann::json& document);
};

// Reads a create-version body for toolbox `name`. Errors: core::Errc::config_invalid naming
// every problem with its JSON path.
core::Result<ToolboxVersion> parse_toolbox_version(const nlohmann::json& body, std::string name,
                                                   const ConnectionResolver& resolve);

// The MCP tool sources of a stored version (its tools were checked when it was created).
core::Result<std::vector<McpToolSpec>> toolbox_sources(const ToolboxVersion& version,
                                                       const ConnectionResolver& resolve);

}  // namespace toolauth::emulator
