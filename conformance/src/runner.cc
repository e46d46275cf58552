#include "toolauth/conformance/runner.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include "toolauth/conformance/catalogue.h"
#include "toolauth/core/log.h"

namespace toolauth::conformance {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string missing_capability(const Scenario& scenario, const std::set<std::string>& have) {
  for (const auto& needed : scenario.capabilities) {
    if (!have.contains(needed)) return needed;
  }
  return {};
}

Outcome judge(const Scenario& scenario, const ScenarioRecord& record) {
  Outcome o;
  o.scenario = describe(scenario);
  o.id = scenario.id;
  o.severity = scenario.severity;
  o.steps = record.steps();
  o.checks = record.checks();
  o.observations = record.observations();
  if (record.abort_reason()) {
    o.verdict = Verdict::failed;
    o.reason = "stopped: " + *record.abort_reason();
  } else if (record.failed()) {
    o.verdict = Verdict::failed;
    const auto failed =
        std::find_if(o.checks.begin(), o.checks.end(), [](const Check& c) { return !c.passed; });
    o.reason = failed == o.checks.end()
                   ? "the scenario checked nothing"
                   : failed->name + ": expected " + failed->expected + ", got " + failed->actual;
  } else if (record.skip_reason()) {
    o.verdict = Verdict::skipped;
    o.reason = *record.skip_reason();
  } else {
    o.verdict = Verdict::passed;
  }
  return o;
}

}  // namespace

boost::asio::awaitable<RunResult> run_profile(Profile& profile, RunOptions options) {
  const auto run_start = std::chrono::steady_clock::now();
  RunResult result;
  result.profile = profile.name();
  result.profile_version = profile.version();
  result.toolauth_version = options.toolauth_version;
  result.started_at = core::format_rfc3339_millis(std::chrono::system_clock::now());
  result.scenario_filter = options.scenarios;

  auto prepared = co_await profile.prepare();
  result.target = profile.target();
  result.defects = profile.defects();
  result.capabilities = profile.capabilities();
  if (!prepared.ok()) {
    result.error =
        "the implementation under test could not be prepared: " + prepared.error().message();
    result.seconds = seconds_since(run_start);
    co_return result;
  }

  const auto selected = select(profile.scenarios(), options.scenarios);
  auto journals = profile.journals();
  for (std::size_t i = 0; i < selected.size(); ++i) {
    const Scenario& scenario = *selected[i];
    if (options.on_start) options.on_start(scenario, i, selected.size());
    const auto start = std::chrono::steady_clock::now();
    ScenarioRecord record;
    if (auto missing = missing_capability(scenario, result.capabilities); !missing.empty()) {
      record.skip("the implementation under test lacks the capability \"" + missing + "\"");
    } else {
      std::vector<std::uint64_t> marks;
      for (auto& journal : journals) {
        auto seq = co_await journal.last_seq();
        marks.push_back(seq.ok() ? *seq : 0);
      }
      try {
        co_await scenario.body(record);
      } catch (const std::exception& e) {
        record.abort(std::string("the scenario threw: ") + e.what());
      }
      co_await profile.after_scenario();
      Outcome judged = judge(scenario, record);
      for (std::size_t j = 0; j < journals.size(); ++j) {
        auto entries = co_await journals[j].entries_after(marks[j]);
        judged.evidence[journals[j].name] =
            entries.ok() ? std::move(*entries)
                         : nlohmann::json{{"unavailable", entries.error().message()}};
      }
      judged.seconds = seconds_since(start);
      result.outcomes.push_back(std::move(judged));
      if (options.on_result) options.on_result(result.outcomes.back(), i, selected.size());
      continue;
    }
    Outcome skipped = judge(scenario, record);
    skipped.seconds = seconds_since(start);
    result.outcomes.push_back(std::move(skipped));
    if (options.on_result) options.on_result(result.outcomes.back(), i, selected.size());
  }
  result.defects = profile.defects();  // also those announced after prepare()
  if (options.baseline) {
    if (auto applied = apply_baseline(result, *options.baseline); !applied.ok())
      result.error = applied.error().message();
  }
  result.seconds = seconds_since(run_start);
  co_return result;
}

}  // namespace toolauth::conformance
