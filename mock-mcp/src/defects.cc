#include "toolauth/mcp/defects.h"

#include "toolauth/core/error.h"

namespace toolauth::mcp {

namespace {

struct DefectFlag {
  std::string_view name;
  bool McpDefects::*flag;
};

constexpr DefectFlag kDefects[] = {
    {"accept-expired", &McpDefects::accept_expired},
    {"ignore-audience", &McpDefects::ignore_audience},
    {"accept-alg-none", &McpDefects::accept_alg_none},
    {"key-prefix-match", &McpDefects::key_prefix_match},
    {"no-challenge", &McpDefects::no_challenge},
    {"error-without-credentials", &McpDefects::error_without_credentials},
};

}  // namespace

bool McpDefects::any() const { return !names().empty(); }

std::vector<std::string> McpDefects::names() const {
  std::vector<std::string> out;
  for (const auto& d : kDefects) {
    if (this->*d.flag) out.emplace_back(d.name);
  }
  return out;
}

const std::vector<std::string_view>& known_mcp_defects() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& d : kDefects) out.push_back(d.name);
    return out;
  }();
  return names;
}

core::Result<McpDefects> parse_mcp_defects(const std::vector<std::string>& names) {
  McpDefects defects;
  for (const auto& name : names) {
    bool found = false;
    for (const auto& d : kDefects) {
      if (d.name == name) {
        defects.*d.flag = true;
        found = true;
      }
    }
    if (!found) {
      std::string known;
      for (const auto& d : kDefects) known += (known.empty() ? "" : ", ") + std::string(d.name);
      return core::Error{core::make_error_code(core::Errc::invalid_argument),
                         "unknown defect \"" + name + "\" (known: " + known + ")"};
    }
  }
  return defects;
}

}  // namespace toolauth::mcp
