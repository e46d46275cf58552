#pragma once
// Choosing scenarios: `--scenario GLOB` against scenario ids. A pattern may list several
// globs separated by commas; `*` matches any run of characters (also `/`), `?` one character.
//
//   select(profile.scenarios(), "mcp-server/token/*,mcp-server/challenge/*")

#include <string_view>
#include <vector>

#include "toolauth/conformance/scenario.h"

namespace toolauth::conformance {

bool glob_match(std::string_view pattern, std::string_view text);
// Whether any of the comma-separated globs of `patterns` matches `id` (empty: everything).
bool matches_any(std::string_view patterns, std::string_view id);
// The scenarios whose id matches, in catalogue order.
std::vector<const Scenario*> select(const std::vector<Scenario>& catalogue,
                                    std::string_view patterns);

}  // namespace toolauth::conformance
