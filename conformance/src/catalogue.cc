#include "toolauth/conformance/catalogue.h"

namespace toolauth::conformance {

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matching with one backtrack point: linear in practice, no recursion.
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool matches_any(std::string_view patterns, std::string_view id) {
  if (patterns.empty()) return true;
  std::size_t start = 0;
  while (start <= patterns.size()) {
    const auto comma = std::min(patterns.find(',', start), patterns.size());
    const auto glob = patterns.substr(start, comma - start);
    if (!glob.empty() && glob_match(glob, id)) return true;
    start = comma + 1;
  }
  return false;
}

std::vector<const Scenario*> select(const std::vector<Scenario>& catalogue,
                                    std::string_view patterns) {
  std::vector<const Scenario*> out;
  for (const auto& scenario : catalogue) {
    if (matches_any(patterns, scenario.id)) out.push_back(&scenario);
  }
  return out;
}

}  // namespace toolauth::conformance
