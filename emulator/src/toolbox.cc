#include "toolauth/emulator/toolbox.h"

#include "toolauth/core/config.h"

namespace toolauth::emulator {

namespace {

constexpr std::size_t kMaxMetadataKeys = 16;
constexpr std::size_t kMaxMetadataKeyLength = 64;
constexpr std::size_t kMaxMetadataValueLength = 512;

void check_metadata(const core::ConfigNode& root) {
  if (!root.has("metadata")) return;
  if (!root.json().at("metadata").is_object()) {
    root.problem("expected an object of strings", "metadata");
    return;
  }
  const auto members = root.members("metadata");
  if (members.size() > kMaxMetadataKeys) root.problem("at most 16 keys", "metadata");
  for (const auto& [key, value] : members) {
    if (key.size() > kMaxMetadataKeyLength) value.problem("keys are at most 64 characters");
    if (!value.json().is_string()) {
      value.problem("expected a string");
    } else if (value.json().get<std::string>().size() > kMaxMetadataValueLength) {
      value.problem("values are at most 512 characters");
    }
  }
}

}  // namespace

const ToolboxVersion& Toolbox::default_version() const {
  if (pinned) {
    for (const auto& v : versions) {
      if (v.version == *pinned) return v;
    }
  }
  return latest();
}

const ToolboxVersion* Toolbox::version(std::string_view number) const {
  for (const auto& v : versions) {
    if (std::to_string(v.version) == number) return &v;
  }
  return nullptr;
}

nlohmann::json ToolboxVersion::to_api() const {
  return {{"id", id()},
          {"name", name},
          {"version", std::to_string(version)},
          {"description", description},
          {"metadata", metadata},
          {"created_at", created_at},
          {"tools", tools}};
}

nlohmann::json Toolbox::to_api() const {
  return {{"id", name},
          {"name", name},
          {"default_version", std::to_string(default_version().version)},
          {"updated_at", updated_at},
          {"versions", {{"latest", latest().to_api()}}}};
}

nlohmann::json Toolbox::to_state() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& v : versions) list.push_back(v.to_api());
  return {{"name", name},
          {"versions", list},
          {"pinned", pinned ? nlohmann::json(*pinned) : nlohmann::json(nullptr)},
          {"next_version", next_version},
          {"updated_at", updated_at}};
}

core::Result<Toolbox> Toolbox::from_state(const nlohmann::json& document) {
  try {
    Toolbox toolbox;
    toolbox.name = document.at("name").get<std::string>();
    for (const auto& v : document.at("versions")) {
      ToolboxVersion version;
      version.name = v.at("name").get<std::string>();
      version.version = std::stoll(v.at("version").get<std::string>());
      version.description = v.at("description").get<std::string>();
      version.metadata = v.at("metadata");
      version.created_at = v.at("created_at").get<std::int64_t>();
      version.tools = v.at("tools");
      toolbox.versions.push_back(std::move(version));
    }
    if (!document.at("pinned").is_null())
      toolbox.pinned = document.at("pinned").get<std::int64_t>();
    toolbox.next_version = document.at("next_version").get<std::int64_t>();
    toolbox.updated_at = document.at("updated_at").get<std::int64_t>();
    if (toolbox.versions.empty())
      return core::Error{core::Errc::config_invalid, "stored toolbox has no versions"};
    return toolbox;
  } catch (const std::exception& e) {
    return core::Error{core::Errc::config_invalid, std::string("stored toolbox: ") + e.what()};
  }
}

core::Result<ToolboxVersion> parse_toolbox_version(const nlohmann::json& body, std::string name,
                                                   const ConnectionResolver& resolve) {
  core::ConfigReader reader(body, "request body");
  auto root = reader.root();
  ToolboxVersion version;
  version.name = std::move(name);
  version.description = root.optional<std::string>("description", "");
  check_metadata(root);
  if (root.has("metadata") && root.json().at("metadata").is_object())
    version.metadata = root.json().at("metadata");
  for (const char* unsupported : {"skills", "policies", "rai_config"}) {
    if (!root.has(unsupported)) continue;
    root.problem("not supported by the emulator's toolboxes (they proxy MCP tools only)",
                 unsupported);
    (void)root.optional<nlohmann::json>(unsupported, nullptr);  // reported once, not as unknown
  }
  const auto tools = root.array("tools", true);
  if (root.has("tools") && root.json().at("tools").is_array() && tools.empty())
    root.problem("a toolbox version needs at least one tool", "tools");
  for (const auto& tool : tools) {
    if (!tool.json().is_object()) continue;  // read_mcp_tools reports it
    const auto type = tool.json().value("type", nlohmann::json(nullptr));
    if (type.is_string() && type != "mcp")
      tool.problem("only \"mcp\" tools are supported by the emulator's toolboxes", "type");
    // A token written into the toolbox would be readable by anyone who can read the toolbox
    // (and would act as nobody in particular): credentials belong in a project connection.
    if (tool.json().contains("authorization"))
      tool.problem("inline credentials are not accepted: use a project connection",
                   "authorization");
    const auto label = tool.json().value("server_label", nlohmann::json(nullptr));
    if (label.is_string() &&
        label.get<std::string>().find(kToolboxNameSeparator) != std::string::npos)
      tool.problem("must not contain \"___\" (it separates label and tool)", "server_label");
  }
  (void)read_mcp_tools(root, resolve);
  // The reader saw every member it knows by now (read_mcp_tools reads "tools").
  (void)root.optional<nlohmann::json>("metadata", nullptr);
  root.reject_unknown_keys();
  TOOLAUTH_RETURN_IF_ERROR(reader.result());
  version.tools = body.at("tools");
  return version;
}

core::Result<std::vector<McpToolSpec>> toolbox_sources(const ToolboxVersion& version,
                                                       const ConnectionResolver& resolve) {
  return parse_mcp_tools({{"tools", version.tools}}, resolve);
}

}  // namespace toolauth::emulator
