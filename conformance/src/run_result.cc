#include "toolauth/conformance/run_result.h"

namespace toolauth::conformance {

Counts RunResult::counts() const {
  Counts c;
  for (const auto& o : outcomes) {
    switch (o.verdict) {
      case Verdict::passed:
        ++c.passed;
        break;
      case Verdict::failed:
        ++c.failed;
        break;
      case Verdict::skipped:
        ++c.skipped;
        break;
    }
    if (o.expected_failure) ++c.expected_failures;
    if (o.stale) ++c.stale;
  }
  return c;
}

bool RunResult::ok() const {
  if (!error.empty()) return false;
  const auto c = counts();
  return c.failed == c.expected_failures && c.stale == 0;
}

}  // namespace toolauth::conformance
