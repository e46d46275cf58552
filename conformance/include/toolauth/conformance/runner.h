#pragma once
// Runs the selected scenarios of a profile, one after another, and judges each:
//   skipped  a needed capability is missing (the reason names it), or the body skipped;
//   failed   a check failed, the body stopped, or it checked nothing;
//   passed   otherwise.
// Around each scenario the runner marks every journal of the profile and afterwards keeps
// what was recorded meanwhile as the scenario's evidence. A baseline, when given, marks
// expected failures and stale expectations.
//
//   RunOptions options{.scenarios = "mcp-server/token/*"};
//   options.on_result = [](const Outcome& o, std::size_t i, std::size_t n) { ... };
//   RunResult result = co_await run_profile(profile, options);

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>

#include "toolauth/conformance/baseline.h"
#include "toolauth/conformance/profile.h"
#include "toolauth/conformance/run_result.h"

namespace toolauth::conformance {

struct RunOptions {
  std::string scenarios;  // comma-separated globs; empty: all
  std::optional<Baseline> baseline;
  std::string toolauth_version;
  // Called before each scenario starts (for progress) and after each one ends.
  std::function<void(const Scenario&, std::size_t index, std::size_t total)> on_start;
  std::function<void(const Outcome&, std::size_t index, std::size_t total)> on_result;
};

boost::asio::awaitable<RunResult> run_profile(Profile& profile, RunOptions options);

}  // namespace toolauth::conformance
