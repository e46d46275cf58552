#include "toolauth/mcp/mount_config.h"

#include <algorithm>

namespace toolauth::mcp {

namespace {

using core::ConfigNode;

std::vector<std::string> strings(const ConfigNode& node, std::string_view key) {
  return node.optional<std::vector<std::string>>(key, {});
}

void require_nonempty(const ConfigNode& node, std::string_view key,
                      const std::vector<std::string>& values) {
  if (values.empty()) node.problem("must list at least one value", key);
}

AuthPolicy read_policy(const ConfigNode& node) {
  AuthPolicy policy;
  const auto kind = node.required<std::string>("kind").value_or("");
  if (kind == "none") {
    policy.kind = AuthKind::none;
  } else if (kind == "api-key") {
    policy.kind = AuthKind::api_key;
    policy.api_key.headers = strings(node, "headers");
    require_nonempty(node, "headers", policy.api_key.headers);
    for (const auto& key : node.array("keys", true)) {
      ApiKey k{key.required<std::string>("id").value_or(""),
               key.required<std::string>("value").value_or("")};
      if (k.value.size() < 16) key.problem("an API key needs at least 16 characters", "value");
      key.reject_unknown_keys();
      policy.api_key.keys.push_back(std::move(k));
    }
  } else if (kind == "bearer") {
    policy.kind = AuthKind::bearer;
    auto& b = policy.bearer;
    b.issuers = strings(node, "issuers");
    b.audiences = strings(node, "audiences");
    b.jwks_url = node.required<std::string>("jwks_url").value_or("");
    b.authorization_servers = strings(node, "authorization_servers");
    b.scopes_supported = strings(node, "scopes_supported");
    b.required_scopes = strings(node, "required_scopes");
    b.required_roles = strings(node, "required_roles");
    b.token_versions = strings(node, "token_versions");
    b.tenants = strings(node, "tenants");
    b.algorithms = node.optional<std::vector<std::string>>("algorithms", {"RS256"});
    b.leeway = std::chrono::seconds(
        node.optional<std::int64_t>("leeway_seconds", BearerPolicy::kDefaultLeeway.count()));
    require_nonempty(node, "issuers", b.issuers);
    require_nonempty(node, "audiences", b.audiences);
    require_nonempty(node, "authorization_servers", b.authorization_servers);
    for (const auto& alg : b.algorithms) {
      // Asymmetric algorithms only: `none` and HMAC with a public key are the classic attacks.
      if (alg != "RS256" && alg != "PS256" && alg != "ES256")
        node.problem("unsupported algorithm \"" + alg + "\"", "algorithms");
    }
    for (const auto& version : b.token_versions) {
      if (version != "1.0" && version != "2.0")
        node.problem("token versions are \"1.0\" or \"2.0\"", "token_versions");
    }
    if (b.leeway.count() < 0 || b.leeway.count() > 3600)
      node.problem("must be between 0 and 3600", "leeway_seconds");
  } else if (!kind.empty()) {
    node.problem("must be none, api-key or bearer", "kind");
  }
  node.reject_unknown_keys();
  return policy;
}

}  // namespace

bool valid_mount_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

MountConfig read_mount(const ConfigNode& node) {
  MountConfig m;
  m.name = node.required<std::string>("name").value_or("");
  if (!m.name.empty() && !valid_mount_name(m.name))
    node.problem("use 1-64 characters of A-Z a-z 0-9 . _ -", "name");
  if (auto auth = node.object("auth")) m.auth = read_policy(*auth);
  m.catalog = node.optional<std::string>("catalog", "default");
  if (m.catalog != "default" && m.catalog != "conformance")
    node.problem("must be default or conformance", "catalog");
  const auto mode = node.optional<std::string>("response_mode", "auto");
  if (mode == "json") {
    m.response_mode = ResponseMode::json;
  } else if (mode == "sse") {
    m.response_mode = ResponseMode::sse;
  } else if (mode != "auto") {
    node.problem("must be auto, json or sse", "response_mode");
  }
  const auto page_size = node.optional<std::int64_t>("page_size", MountConfig::kDefaultPageSize);
  if (page_size < 1 || page_size > 1000) node.problem("must be between 1 and 1000", "page_size");
  m.page_size = static_cast<std::size_t>(std::clamp<std::int64_t>(page_size, 1, 1000));
  node.reject_unknown_keys();
  return m;
}

core::Result<std::vector<MountConfig>> load_mounts(const nlohmann::json& document,
                                                   const std::string& source) {
  core::ConfigReader reader(document, source);
  auto root = reader.root();
  std::vector<MountConfig> mounts;
  const auto nodes = root.array("mounts", true);
  for (const auto& node : nodes) mounts.push_back(read_mount(node));
  for (std::size_t i = 0; i < mounts.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (!mounts[i].name.empty() && mounts[i].name == mounts[j].name)
        nodes[i].problem("duplicate mount name", "name");
    }
  }
  root.reject_unknown_keys();
  TOOLAUTH_RETURN_IF_ERROR(reader.result());
  return mounts;
}

core::Result<MountConfig> parse_mount(const nlohmann::json& document) {
  core::ConfigReader reader(document, "mount");
  auto mount = read_mount(reader.root());
  TOOLAUTH_RETURN_IF_ERROR(reader.result());
  return mount;
}

void resolve_templates(MountConfig& mount, const std::map<std::string, std::string>& values) {
  auto resolve = [&](std::string& text) {
    for (const auto& [name, value] : values) {
      const std::string token = "{" + name + "}";
      for (auto at = text.find(token); at != std::string::npos;
           at = text.find(token, at + value.size())) {
        text.replace(at, token.size(), value);
      }
    }
  };
  auto& b = mount.auth.bearer;
  for (auto* list : {&b.issuers, &b.audiences, &b.authorization_servers, &b.scopes_supported}) {
    for (auto& item : *list) resolve(item);
  }
  resolve(b.jwks_url);
}

}  // namespace toolauth::mcp
