#include "toolauth/emulator/agent.h"

#include <algorithm>

namespace toolauth::emulator {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// [names] or {"tool_names": [names]} at `key` of `node`.
std::optional<std::vector<std::string>> read_tool_names(const core::ConfigNode& node,
                                                        std::string_view key) {
  if (!node.has(key)) return std::nullopt;
  const auto& value = node.json().at(std::string(key));
  if (value.is_object()) {
    auto inner = node.object(key);
    if (!inner) return std::nullopt;
    auto names = inner->required<std::vector<std::string>>("tool_names");
    if (inner->has("read_only"))
      inner->problem("the read_only filter is not supported", "read_only");
    inner->reject_unknown_keys();
    return names;
  }
  return node.required<std::vector<std::string>>(key);
}

ApprovalPolicy read_approval(const core::ConfigNode& tool) {
  ApprovalPolicy policy;
  if (!tool.has("require_approval")) return policy;
  const auto& value = tool.json().at("require_approval");
  if (value.is_string()) {
    const auto text = value.get<std::string>();
    (void)tool.required<std::string>("require_approval");
    if (text == "never") {
      policy.otherwise = Approval::never;
    } else if (text != "always") {
      tool.problem("expected \"always\", \"never\" or an object", "require_approval");
    }
    return policy;
  }
  auto node = tool.object("require_approval");
  if (!node) return policy;
  if (auto names = read_tool_names(*node, "always")) policy.always = std::move(*names);
  if (auto names = read_tool_names(*node, "never")) policy.never = std::move(*names);
  node->reject_unknown_keys();
  return policy;
}

}  // namespace

Approval ApprovalPolicy::for_tool(std::string_view name) const {
  if (contains(always, name)) return Approval::always;
  if (contains(never, name)) return Approval::never;
  return otherwise;
}

nlohmann::json ApprovalPolicy::to_json() const {
  if (always.empty() && never.empty()) return otherwise == Approval::always ? "always" : "never";
  nlohmann::json out = nlohmann::json::object();
  if (!always.empty()) out["always"] = {{"tool_names", always}};
  if (!never.empty()) out["never"] = {{"tool_names", never}};
  return out;
}

bool McpToolSpec::allows(std::string_view tool) const {
  return !allowed_tools || contains(*allowed_tools, tool);
}

std::vector<McpToolSpec> read_mcp_tools(const core::ConfigNode& definition,
                                        const ConnectionResolver& resolve) {
  std::vector<McpToolSpec> tools;
  for (const auto& node : definition.array("tools")) {
    if (!node.json().is_object()) {
      node.problem("expected an object");
      continue;
    }
    const auto type = node.required<std::string>("type").value_or("");
    if (type != "mcp") continue;  // other tool types are kept but never called
    McpToolSpec spec;
    spec.server_label = node.required<std::string>("server_label").value_or("");
    if (node.has("server_label") && spec.server_label.empty())
      node.problem("must not be empty", "server_label");
    spec.server_url = node.optional<std::string>("server_url", "");
    spec.project_connection_id = node.optional<std::string>("project_connection_id", "");
    if (!spec.project_connection_id.empty()) {
      if (auto name = resolve(spec.project_connection_id)) {
        spec.connection = *name;
      } else {
        node.problem("no connection '" + spec.project_connection_id + "' in this project",
                     "project_connection_id");
      }
    } else if (spec.server_url.empty()) {
      node.problem("server_url or project_connection_id is required");
    } else if (!spec.server_url.starts_with("https://") &&
               !spec.server_url.starts_with("http://")) {
      node.problem("must be an http or https URL", "server_url");
    }
    spec.require_approval = read_approval(node);
    spec.allowed_tools = read_tool_names(node, "allowed_tools");
    for (const auto& [name, value] : node.members("headers")) {
      if (!value.json().is_string()) {
        value.problem("expected a string");
        continue;
      }
      spec.headers[name] = value.json().get<std::string>();
    }
    if (std::any_of(tools.begin(), tools.end(), [&](const McpToolSpec& other) {
          return other.server_label == spec.server_label;
        })) {
      node.problem("another MCP tool of this agent has the label '" + spec.server_label + "'",
                   "server_label");
    }
    // OpenAI's fields that the emulator does not act on are accepted and ignored.
    for (const char* ignored : {"server_description", "authorization", "connector_id",
                                "defer_loading", "allowed_callers", "tunnel_id"}) {
      (void)node.optional<nlohmann::json>(ignored, nullptr);
    }
    node.reject_unknown_keys();
    tools.push_back(std::move(spec));
  }
  return tools;
}

core::Result<std::vector<McpToolSpec>> parse_mcp_tools(const nlohmann::json& definition,
                                                       const ConnectionResolver& resolve) {
  core::ConfigReader reader(definition, "definition");
  auto tools = read_mcp_tools(reader.root(), resolve);
  TOOLAUTH_RETURN_IF_ERROR(reader.result());
  return tools;
}

nlohmann::json AgentVersion::to_api() const {
  return {{"object", "agent.version"},
          {"id", id()},
          {"name", name},
          {"version", std::to_string(version)},
          {"description", description},
          {"created_at", created_at},
          {"definition", definition},
          {"metadata", metadata}};
}

const AgentVersion* Agent::version(std::string_view number) const {
  for (const auto& v : versions) {
    if (std::to_string(v.version) == number) return &v;
  }
  return nullptr;
}

nlohmann::json Agent::to_api() const {
  return {{"object", "agent"},
          {"id", name},
          {"name", name},
          {"state", "enabled"},
          {"versions", {{"latest", latest().to_api()}}}};
}

nlohmann::json Agent::to_state() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& v : versions) list.push_back(v.to_api());
  return {{"name", name}, {"versions", list}};
}

core::Result<Agent> Agent::from_state(const nlohmann::json& document) {
  try {
    Agent agent;
    agent.name = document.at("name").get<std::string>();
    for (const auto& v : document.at("versions")) {
      AgentVersion version;
      version.name = v.at("name").get<std::string>();
      version.version = std::stoll(v.at("version").get<std::string>());
      version.description = v.at("description").get<std::string>();
      version.created_at = v.at("created_at").get<std::int64_t>();
      version.definition = v.at("definition");
      version.metadata = v.at("metadata");
      agent.versions.push_back(std::move(version));
    }
    if (agent.versions.empty())
      return core::Error{core::Errc::config_invalid, "stored agent has no versions"};
    return agent;
  } catch (const std::exception& e) {
    return core::Error{core::Errc::config_invalid, std::string("stored agent: ") + e.what()};
  }
}

}  // namespace toolauth::emulator
