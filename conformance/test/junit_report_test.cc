#include "toolauth/conformance/junit_report.h"

#include <gtest/gtest.h>

namespace toolauth::conformance {
namespace {

TEST(JunitReportTest, OneTestcasePerScenarioWithFailuresSkipsAndProperties) {
  RunResult run;
  run.profile = "mcp-server";
  run.profile_version = "1.0.0";
  run.defects = {"no-challenge"};
  Outcome failed{.id = "p/fail", .verdict = Verdict::failed, .reason = "status <401> & \"x\""};
  failed.checks = {{"status", false, "401", "200"}};
  Outcome skipped{.id = "p/skip", .verdict = Verdict::skipped, .reason = "no whoami"};
  Outcome expected{.id = "p/xfail", .verdict = Verdict::failed, .reason = "known"};
  expected.expected_failure = true;
  Outcome stale{.id = "p/stale", .verdict = Verdict::passed};
  stale.stale = true;
  run.outcomes = {failed, skipped, expected, stale};
  const auto xml = junit_report(run);
  EXPECT_NE(xml.find("<testsuite name=\"mcp-server@1.0.0\""), std::string::npos);
  EXPECT_NE(xml.find("failures=\"2\""), std::string::npos);  // the failure and the stale one
  EXPECT_NE(xml.find("skipped=\"2\""), std::string::npos);
  EXPECT_NE(xml.find("status &lt;401&gt; &amp; &quot;x&quot;"), std::string::npos);
  EXPECT_EQ(xml.find("status <401>"), std::string::npos);
  EXPECT_NE(xml.find("<property name=\"defects\" value=\"no-challenge\"/>"), std::string::npos);
  EXPECT_NE(xml.find("stale baseline"), std::string::npos);
  EXPECT_EQ(xml_escape(std::string("a\x01z")), "a?z");
}

}  // namespace
}  // namespace toolauth::conformance
