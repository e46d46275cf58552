#include "toolauth/emulator/hosted_agent.h"

#include <array>

namespace toolauth::emulator {

namespace {

constexpr std::string_view kProtocol = "responses";
constexpr std::string_view kProtocolVersion = "2.0.0";

// Names a container gets from the platform; a definition setting one would be ignored or,
// worse, would point the container's identity at someone else.
bool reserved_name(std::string_view name) {
  constexpr std::array<std::string_view, 3> kPlatform = {"PORT", "IDENTITY_ENDPOINT",
                                                         "IDENTITY_HEADER"};
  for (auto n : kPlatform)
    if (name == n) return true;
  return name.starts_with("FOUNDRY_") || name.starts_with("AGENT_");
}

bool valid_env_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && (i == 0 || c < '0' || c > '9')) return false;
  }
  return true;
}

void read_environment(const core::ConfigNode& node, std::string_view key,
                      std::map<std::string, std::string>& out) {
  for (const auto& [name, value] : node.members(key)) {
    if (!value.json().is_string()) {
      value.problem("expected a string");
    } else if (!valid_env_name(name)) {
      value.problem("not a valid environment variable name");
    } else if (reserved_name(name)) {
      value.problem("is set by the platform (PORT, IDENTITY_*, FOUNDRY_*, AGENT_* are reserved)");
    } else if (!out.emplace(name, value.json().get<std::string>()).second) {
      value.problem("is also set by container_configuration.env");
    }
  }
}

void read_protocols(const core::ConfigNode& definition) {
  const bool current = definition.has("container_protocol_versions");
  const bool legacy = definition.has("protocol_versions");
  if (current && legacy) {
    definition.problem("give container_protocol_versions or protocol_versions, not both",
                       "protocol_versions");
  }
  const char* key = legacy && !current ? "protocol_versions" : "container_protocol_versions";
  bool responses = false;
  for (const auto& entry : definition.array(key, true)) {
    const auto protocol = entry.required<std::string>("protocol").value_or("");
    const auto version = entry.required<std::string>("version").value_or("");
    entry.reject_unknown_keys();
    if (protocol != kProtocol) {
      if (!protocol.empty())
        entry.problem("the emulator runs the 'responses' protocol only", "protocol");
    } else if (version != kProtocolVersion) {
      entry.problem("the emulator runs responses 2.0.0 only (1.0.0 has no x-agent-foundry-call-id)",
                    "version");
    } else {
      responses = true;
    }
  }
  if (!responses && definition.has(key))
    definition.problem("must include {\"protocol\": \"responses\", \"version\": \"2.0.0\"}", key);
}

}  // namespace

bool is_hosted_definition(const nlohmann::json& definition) {
  return definition.is_object() && definition.contains("kind") && definition["kind"] == "hosted";
}

std::optional<HostedAgentSpec> read_hosted_definition(const core::ConfigNode& definition) {
  HostedAgentSpec spec;
  if (definition.required<std::string>("kind").value_or("") != "hosted")
    definition.problem("expected \"hosted\"", "kind");
  read_protocols(definition);
  for (const char* other : {"image", "code_configuration"}) {
    if (definition.has(other)) {
      definition.problem(
          "the emulator runs container_configuration.command as the container, not an image",
          other);
    }
  }
  if (auto container = definition.object("container_configuration")) {
    spec.command = container->required<std::string>("command").value_or("");
    if (container->has("command") && spec.command.empty())
      container->problem("must not be empty", "command");
    spec.args = container->optional<std::vector<std::string>>("args", {});
    read_environment(*container, "env", spec.environment);
    container->reject_unknown_keys();
  }
  read_environment(definition, "environment_variables", spec.environment);
  if (auto toolbox = spec.environment.find("TOOLBOX_NAME"); toolbox != spec.environment.end())
    spec.toolbox = toolbox->second;
  // Sizing and telemetry mean nothing for a local command; they are accepted as given.
  for (const char* ignored : {"cpu", "memory", "telemetry_config", "rai_config"})
    (void)definition.optional<nlohmann::json>(ignored, nullptr);
  definition.reject_unknown_keys();
  return spec;
}

core::Result<HostedAgentSpec> parse_hosted_definition(const nlohmann::json& definition) {
  core::ConfigReader reader(definition, "definition");
  auto spec = read_hosted_definition(reader.root());
  TOOLAUTH_RETURN_IF_ERROR(reader.result());
  return std::move(*spec);
}

}  // namespace toolauth::emulator
