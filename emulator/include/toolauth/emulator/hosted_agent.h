#pragma once
// Hosted (code-first) agent definitions (reference/foundry-agent-service.md §6.3), read
// strictly:
//
//   {"kind": "hosted",
//    "container_protocol_versions": [{"protocol": "responses", "version": "2.0.0"}],
//    "container_configuration": {"command": "node", "args"?: ["agent.mjs"],
//                                "env"?: {"NAME": "value"}},
//    "environment_variables"?: {"NAME": "value"},
//    "cpu"?, "memory"?, "telemetry_config"?, "rai_config"?}
//
// Emulator extension: the "container" is a local command (`container_configuration.command`
// and `args`, run without a shell) instead of an image. `protocol_versions` is accepted as
// another name of `container_protocol_versions`. Only the `responses` protocol 2.0.0 runs:
// 1.0.0 containers get no call id, so they could never reach the toolbox as the caller.
// Names the platform sets (PORT, IDENTITY_ENDPOINT, IDENTITY_HEADER, and every FOUNDRY_* and
// AGENT_* name, reserved by Foundry) cannot be set by a definition. `TOOLBOX_NAME` in the
// environment names the toolbox whose endpoint the platform passes as TOOLBOX_ENDPOINT.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/core/config.h"
#include "toolauth/core/result.h"

namespace toolauth::emulator {

struct HostedAgentSpec {
  std::string command;
  std::vector<std::string> args;
  // container_configuration.env and environment_variables together (a name in both is a
  // problem: which one wins would be a guess).
  std::map<std::string, std::string> environment;
  std::string toolbox;  // environment TOOLBOX_NAME; empty: none
};

// Whether the definition says kind "hosted" (it may still be invalid).
bool is_hosted_definition(const nlohmann::json& definition);

// Reads a hosted definition at `definition`, recording problems on the node's reader.
std::optional<HostedAgentSpec> read_hosted_definition(const core::ConfigNode& definition);
// The same for a definition on its own. Errors: core::Errc::config_invalid naming the path.
core::Result<HostedAgentSpec> parse_hosted_definition(const nlohmann::json& definition);

}  // namespace toolauth::emulator
