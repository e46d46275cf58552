#pragma once
// {name} templates in fixture documents ({idp_url}, {mcp_url}, {emulator_url},
// {emulator_http_url}): resolved in every string of a document before it is read, so URLs
// follow the ports a run actually got.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace toolauth::emulator {

struct UnresolvedTemplate {
  std::string path;  // JSON pointer of the string
  std::string name;  // the template without braces
};

// Replaces every {name} whose name is a key of `values` in every string of `document`, and
// returns those of the shape {lower_snake_case} that have no value (a typo must not survive
// as a literal URL).
std::vector<UnresolvedTemplate> resolve_templates(nlohmann::json& document,
                                                  const std::map<std::string, std::string>& values);

}  // namespace toolauth::emulator
