#include "toolauth/conformance/baseline.h"

#include "toolauth/core/config.h"
#include "toolauth/core/error.h"

namespace toolauth::conformance {

namespace {
core::Error invalid(std::string source, std::string detail) {
  return core::Error{core::make_error_code(core::Errc::config_invalid),
                     source + ": " + std::move(detail)};
}
}  // namespace

core::Result<Baseline> parse_baseline(const nlohmann::json& document, std::string source) {
  if (!document.is_object() || document.value("schema", "") != kBaselineSchema)
    return invalid(source,
                   "not a baseline (\"schema\" must be \"" + std::string(kBaselineSchema) + "\")");
  Baseline baseline;
  baseline.source = source;
  if (!document.contains("profile") || !document["profile"].is_string())
    return invalid(source, "\"profile\" must be a string");
  baseline.profile = document["profile"].get<std::string>();
  const auto failures = document.find("expected_failures");
  if (failures == document.end() || !failures->is_array())
    return invalid(source, "\"expected_failures\" must be an array");
  for (std::size_t i = 0; i < failures->size(); ++i) {
    const auto& entry = (*failures)[i];
    if (!entry.is_object() || !entry.contains("id") || !entry["id"].is_string())
      return invalid(source, "expected_failures[" + std::to_string(i) + "] needs an \"id\"");
    const auto reason = entry.contains("reason") && entry["reason"].is_string()
                            ? entry["reason"].get<std::string>()
                            : std::string();
    baseline.expected_failures[entry["id"].get<std::string>()] = reason;
  }
  return baseline;
}

core::Result<Baseline> load_baseline(const std::filesystem::path& file) {
  TOOLAUTH_ASSIGN_OR_RETURN(auto document, core::load_json_file(file));
  return parse_baseline(document, file.string());
}

core::Result<void> apply_baseline(RunResult& run, const Baseline& baseline) {
  if (baseline.profile != run.profile)
    return invalid(baseline.source,
                   "is for profile " + baseline.profile + ", the run is " + run.profile);
  run.baseline = baseline.source;
  for (auto& outcome : run.outcomes) {
    if (!baseline.expected_failures.contains(outcome.id)) continue;
    outcome.expected_failure = outcome.verdict == Verdict::failed;
    outcome.stale = outcome.verdict == Verdict::passed;
  }
  return {};
}

nlohmann::json baseline_from(const RunResult& run) {
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& outcome : run.outcomes) {
    if (outcome.verdict == Verdict::failed)
      failures.push_back({{"id", outcome.id}, {"reason", outcome.reason}});
  }
  return {{"schema", kBaselineSchema}, {"profile", run.profile}, {"expected_failures", failures}};
}

}  // namespace toolauth::conformance
