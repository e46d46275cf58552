#include "toolauth/conformance/scenario.h"

#include <algorithm>

namespace toolauth::conformance {

std::string_view to_string(Severity severity) {
  return severity == Severity::must ? "must" : "should";
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::passed:
      return "passed";
    case Verdict::failed:
      return "failed";
    case Verdict::skipped:
      return "skipped";
  }
  return "failed";
}

bool ScenarioRecord::check(std::string name, bool passed, std::string expected,
                           std::string actual) {
  checks_.push_back({std::move(name), passed, std::move(expected), std::move(actual)});
  return passed;
}

bool ScenarioRecord::failed() const {
  if (abort_reason_) return true;
  if (checks_.empty()) return !skip_reason_;  // checked nothing: proves nothing
  return std::any_of(checks_.begin(), checks_.end(), [](const Check& c) { return !c.passed; });
}

nlohmann::json describe(const Scenario& scenario) {
  return {{"id", scenario.id},
          {"title", scenario.title},
          {"severity", to_string(scenario.severity)},
          {"profile", scenario.profile},
          {"capabilities", scenario.capabilities},
          {"spec_refs", scenario.spec_refs},
          {"steps", scenario.steps}};
}

}  // namespace toolauth::conformance
