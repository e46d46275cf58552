#include "toolauth/conformance/json_report.h"

namespace toolauth::conformance {

nlohmann::json json_report(const RunResult& run) {
  const auto counts = run.counts();
  nlohmann::json scenarios = nlohmann::json::array();
  for (const auto& o : run.outcomes) {
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& c : o.checks) {
      checks.push_back(
          {{"name", c.name}, {"passed", c.passed}, {"expected", c.expected}, {"actual", c.actual}});
    }
    nlohmann::json item = {
        {"id", o.id},
        {"title", o.scenario.value("title", "")},
        {"severity", to_string(o.severity)},
        {"capabilities", o.scenario.value("capabilities", nlohmann::json::array())},
        {"spec_refs", o.scenario.value("spec_refs", nlohmann::json::array())},
        {"verdict", to_string(o.verdict)},
        {"reason", o.reason},
        {"expected_failure", o.expected_failure},
        {"stale", o.stale},
        {"seconds", o.seconds},
        {"steps", o.steps},
        {"checks", checks},
        {"observations", o.observations},
        {"evidence", o.evidence}};
    scenarios.push_back(std::move(item));
  }
  nlohmann::json report = {
      {"schema", kReportSchema},
      {"suite", run.stamp()},
      {"profile", run.profile},
      {"profile_version", run.profile_version},
      {"toolauth_version", run.toolauth_version},
      {"started_at", run.started_at},
      {"seconds", run.seconds},
      {"target", run.target},
      {"defects", run.defects},
      {"capabilities", run.capabilities},
      {"scenario_filter", run.scenario_filter},
      {"baseline", run.baseline ? nlohmann::json(*run.baseline) : nlohmann::json()},
      {"ok", run.ok()},
      {"error", run.error},
      {"summary",
       {{"total", counts.total()},
        {"passed", counts.passed},
        {"failed", counts.failed},
        {"skipped", counts.skipped},
        {"expected_failures", counts.expected_failures},
        {"stale", counts.stale}}},
      {"scenarios", scenarios}};
  return report;
}

}  // namespace toolauth::conformance
