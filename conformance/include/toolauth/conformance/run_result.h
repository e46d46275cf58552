#pragma once
// The outcome of one conformance run: what every reporter (console, JSON, JUnit, HTML)
// renders. Nothing in it is a secret: scenario records and journals are redacted at source.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "toolauth/conformance/scenario.h"

namespace toolauth::conformance {

struct Outcome {
  nlohmann::json scenario;  // describe(scenario)
  std::string id;
  Severity severity = Severity::must;
  Verdict verdict = Verdict::failed;
  // Skipped: why; failed: the first failed check (or why the body stopped).
  std::string reason;
  std::vector<std::string> steps;
  std::vector<Check> checks;
  nlohmann::json observations = nlohmann::json::array();  // HTTP exchanges the suite made
  nlohmann::json evidence = nlohmann::json::object();     // journal name -> entries
  double seconds = 0;
  bool expected_failure = false;  // failed, and the baseline says so
  bool stale = false;             // passed, but the baseline expects a failure
};

struct Counts {
  std::size_t passed = 0, failed = 0, skipped = 0, expected_failures = 0, stale = 0;
  std::size_t total() const { return passed + failed + skipped; }
};

struct RunResult {
  std::string profile;
  std::string profile_version;
  std::string toolauth_version;
  std::string started_at;  // RFC 3339 (real time)
  double seconds = 0;
  std::string scenario_filter;
  nlohmann::json target = nlohmann::json::object();
  std::vector<std::string> defects;
  std::set<std::string> capabilities;
  std::vector<Outcome> outcomes;
  std::optional<std::string> baseline;  // the file it was compared with
  std::string error;                    // set when the run could not start

  std::string stamp() const { return profile + "@" + profile_version; }
  Counts counts() const;
  // No unexpected failure, no stale expectation, and the run started.
  bool ok() const;
};

}  // namespace toolauth::conformance
