#include "toolauth/conformance/run_result.h"

#include <gtest/gtest.h>

namespace toolauth::conformance {
namespace {

Outcome outcome(std::string id, Verdict verdict) {
  Outcome o;
  o.id = std::move(id);
  o.verdict = verdict;
  return o;
}

TEST(RunResultTest, CountsAndVerdict) {
  RunResult run;
  run.profile = "mcp-server";
  run.profile_version = "1.0.0";
  run.outcomes = {outcome("a", Verdict::passed), outcome("b", Verdict::skipped)};
  EXPECT_EQ(run.stamp(), "mcp-server@1.0.0");
  EXPECT_TRUE(run.ok());
  run.outcomes.push_back(outcome("c", Verdict::failed));
  EXPECT_FALSE(run.ok());
  run.outcomes.back().expected_failure = true;
  EXPECT_TRUE(run.ok());
  run.outcomes.front().stale = true;
  EXPECT_FALSE(run.ok());
  const auto c = run.counts();
  EXPECT_EQ(c.total(), 3u);
  EXPECT_EQ(c.passed, 1u);
  EXPECT_EQ(c.failed, 1u);
  EXPECT_EQ(c.skipped, 1u);
  EXPECT_EQ(c.expected_failures, 1u);
  EXPECT_EQ(c.stale, 1u);
}

TEST(RunResultTest, ARunThatCouldNotStartIsNotOk) {
  RunResult run;
  run.error = "IUT unreachable";
  EXPECT_FALSE(run.ok());
}

}  // namespace
}  // namespace toolauth::conformance
