#include "toolauth/emulator/templates.h"

#include "toolauth/core/config.h"

namespace toolauth::emulator {

namespace {

bool is_template_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

void resolve(nlohmann::json& value, const std::string& path,
             const std::map<std::string, std::string>& values,
             std::vector<UnresolvedTemplate>& unresolved) {
  if (value.is_object()) {
    for (auto& [key, item] : value.items()) {
      resolve(item, core::json_pointer_append(path, key), values, unresolved);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      resolve(value[i], core::json_pointer_append(path, std::to_string(i)), values, unresolved);
    }
  } else if (value.is_string()) {
    auto text = value.get<std::string>();
    std::string out;
    std::size_t at = 0;
    while (at < text.size()) {
      const auto open = text.find('{', at);
      const auto close = open == std::string::npos ? open : text.find('}', open);
      if (close == std::string::npos) {
        out += text.substr(at);
        break;
      }
      const auto name = text.substr(open + 1, close - open - 1);
      out += text.substr(at, open - at);
      if (auto it = values.find(name); it != values.end()) {
        out += it->second;
      } else {
        if (is_template_name(name)) unresolved.push_back({path, name});
        out += text.substr(open, close - open + 1);
      }
      at = close + 1;
    }
    value = out;
  }
}

}  // namespace

std::vector<UnresolvedTemplate> resolve_templates(
    nlohmann::json& document, const std::map<std::string, std::string>& values) {
  std::vector<UnresolvedTemplate> unresolved;
  resolve(document, "", values, unresolved);
  return unresolved;
}

}  // namespace toolauth::emulator
