#pragma once
// Expected failures: a committed file naming the scenarios an IUT is known to fail, so CI
// stays green on known gaps and turns red on anything new. An expectation whose scenario now
// passes is stale: the run reports it and fails, so baselines only ever shrink honestly.
//
//   {"schema": "toolauth-conformance-baseline/1", "profile": "mcp-server",
//    "expected_failures": [{"id": "mcp-server/token/expired", "reason": "issue 12"}]}

#include <filesystem>
#include <map>
#include <string>

#include "toolauth/conformance/run_result.h"
#include "toolauth/core/result.h"

namespace toolauth::conformance {

inline constexpr std::string_view kBaselineSchema = "toolauth-conformance-baseline/1";

struct Baseline {
  std::string source;                                    // the file, for reports
  std::string profile;                                   // must match the run's
  std::map<std::string, std::string> expected_failures;  // id -> reason
};

// Errors: core::Errc::io_error (unreadable), core::Errc::config_invalid (wrong schema, shape).
core::Result<Baseline> parse_baseline(const nlohmann::json& document, std::string source);
core::Result<Baseline> load_baseline(const std::filesystem::path& file);
// Marks expected failures and stale expectations in `run`. Errors: config_invalid when the
// baseline is for another profile.
core::Result<void> apply_baseline(RunResult& run, const Baseline& baseline);
// The baseline that expects exactly the failures of `run` (to start one from a run).
nlohmann::json baseline_from(const RunResult& run);

}  // namespace toolauth::conformance
