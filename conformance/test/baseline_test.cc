#include "toolauth/conformance/baseline.h"

#include <gtest/gtest.h>

namespace toolauth::conformance {
namespace {

RunResult sample_run() {
  RunResult run;
  run.profile = "mcp-server";
  Outcome failed;
  failed.id = "mcp-server/token/expired";
  failed.verdict = Verdict::failed;
  failed.reason = "status: expected 401, got 200";
  Outcome passed;
  passed.id = "mcp-server/token/alg-none";
  passed.verdict = Verdict::passed;
  run.outcomes = {failed, passed};
  return run;
}

TEST(BaselineTest, ExpectedFailureKeepsTheRunGreen) {
  auto run = sample_run();
  auto baseline = parse_baseline(baseline_from(run), "baseline.json");
  ASSERT_TRUE(baseline.ok()) << baseline.error().message();
  ASSERT_TRUE(apply_baseline(run, *baseline).ok());
  EXPECT_TRUE(run.outcomes[0].expected_failure);
  EXPECT_TRUE(run.ok());
  EXPECT_EQ(run.baseline, "baseline.json");
}

TEST(BaselineTest, AnExpectedFailureThatNowPassesIsStaleAndFailsTheRun) {
  auto run = sample_run();
  auto baseline = parse_baseline(
      {{"schema", kBaselineSchema},
       {"profile", "mcp-server"},
       {"expected_failures",
        {{{"id", "mcp-server/token/expired"}}, {{"id", "mcp-server/token/alg-none"}}}}},
      "b.json");
  ASSERT_TRUE(baseline.ok());
  ASSERT_TRUE(apply_baseline(run, *baseline).ok());
  EXPECT_TRUE(run.outcomes[1].stale);
  EXPECT_FALSE(run.outcomes[1].expected_failure);
  EXPECT_FALSE(run.ok());
}

TEST(BaselineTest, AnUnexpectedFailureFailsTheRun) {
  auto run = sample_run();
  auto baseline = parse_baseline({{"schema", kBaselineSchema},
                                  {"profile", "mcp-server"},
                                  {"expected_failures", nlohmann::json::array()}},
                                 "b.json");
  ASSERT_TRUE(baseline.ok());
  ASSERT_TRUE(apply_baseline(run, *baseline).ok());
  EXPECT_FALSE(run.ok());
}

TEST(BaselineTest, RefusesMalformedBaselinesAndOtherProfiles) {
  EXPECT_FALSE(parse_baseline({{"schema", "other"}}, "b").ok());
  EXPECT_FALSE(parse_baseline({{"schema", kBaselineSchema}, {"profile", "p"}}, "b").ok());
  EXPECT_FALSE(parse_baseline({{"schema", kBaselineSchema},
                               {"profile", "p"},
                               {"expected_failures", {{{"reason", "no id"}}}}},
                              "b")
                   .ok());
  auto other = parse_baseline({{"schema", kBaselineSchema},
                               {"profile", "agent-service"},
                               {"expected_failures", nlohmann::json::array()}},
                              "b");
  ASSERT_TRUE(other.ok());
  auto run = sample_run();
  EXPECT_FALSE(apply_baseline(run, *other).ok());
  EXPECT_FALSE(load_baseline("/nonexistent/baseline.json").ok());
}

}  // namespace
}  // namespace toolauth::conformance
