#include "toolauth/conformance/console_report.h"

#include <cstdio>
#include <string>

namespace toolauth::conformance {

namespace {

std::string label(const Outcome& o) {
  if (o.stale) return "STALE";
  if (o.expected_failure) return "XFAIL";
  switch (o.verdict) {
    case Verdict::passed:
      return "PASS";
    case Verdict::failed:
      return "FAIL";
    case Verdict::skipped:
      return "SKIP";
  }
  return "FAIL";
}

// Wide enough for the longest catalogue id (agent-service/managed-identity/...) plus a space.
constexpr std::size_t kIdWidth = 56;

// At least one space follows, so a text longer than the column stays apart from the next.
std::string padded(std::string text, std::size_t width) {
  text.append(text.size() < width ? width - text.size() : 1, ' ');
  return text;
}

}  // namespace

void print_progress(std::ostream& out, const Outcome& o, std::size_t index, std::size_t total) {
  char counter[32];
  std::snprintf(counter, sizeof counter, "[%2zu/%zu] ", index + 1, total);
  char time[32];
  std::snprintf(time, sizeof time, "%6.2fs", o.seconds);
  out << counter << padded(label(o), 6) << padded(o.id, kIdWidth) << time;
  if (!o.reason.empty()) out << "  " << o.reason;
  out << "\n" << std::flush;
}

void print_summary(std::ostream& out, const RunResult& run) {
  const auto c = run.counts();
  out << "\n"
      << run.stamp() << " (toolauth " << run.toolauth_version << ")  target "
      << run.target.value("url", "?") << "\n";
  if (!run.defects.empty()) {
    out << "DEFECTS announced by the target:";
    for (const auto& d : run.defects) out << " " << d;
    out << "\n";
  }
  if (!run.error.empty()) out << "error: " << run.error << "\n";
  out << "  " << padded("scenario", kIdWidth) << padded("severity", 9) << "verdict\n";
  for (const auto& o : run.outcomes)
    out << "  " << padded(o.id, kIdWidth) << padded(std::string(to_string(o.severity)), 9)
        << label(o) << "\n";
  char line[160];
  std::snprintf(line, sizeof line,
                "\n%zu scenarios: %zu passed, %zu failed (%zu expected), %zu skipped, %zu stale "
                "in %.2fs: %s\n",
                c.total(), c.passed, c.failed, c.expected_failures, c.skipped, c.stale, run.seconds,
                run.ok() ? "PASS" : "FAIL");
  out << line;
}

}  // namespace toolauth::conformance
