#include "toolauth/conformance/console_report.h"

#include <gtest/gtest.h>

#include <sstream>

namespace toolauth::conformance {
namespace {

TEST(ConsoleReportTest, ProgressLinesAndASummaryTable) {
  RunResult run;
  run.profile = "mcp-server";
  run.profile_version = "1.0.0";
  run.target = {{"url", "https://iut/mcp"}};
  run.defects = {"accept-expired"};
  Outcome pass{.id = "p/a", .verdict = Verdict::passed};
  Outcome fail{.id = "p/b", .verdict = Verdict::failed, .reason = "status: expected 401, got 200"};
  run.outcomes = {pass, fail};
  std::ostringstream out;
  print_progress(out, fail, 1, 2);
  EXPECT_NE(out.str().find("[ 2/2] FAIL  p/b"), std::string::npos);
  EXPECT_NE(out.str().find("expected 401, got 200"), std::string::npos);
  out.str("");
  print_summary(out, run);
  const auto text = out.str();
  EXPECT_NE(text.find("mcp-server@1.0.0"), std::string::npos);
  EXPECT_NE(text.find("DEFECTS announced by the target: accept-expired"), std::string::npos);
  EXPECT_NE(text.find("2 scenarios: 1 passed, 1 failed"), std::string::npos);
  EXPECT_NE(text.find(": FAIL"), std::string::npos);
}

// An id longer than the column (agent-service/oauth/revoked-refresh-reconsent) stays apart
// from the severity.
TEST(ConsoleReportTest, ALongIdStaysApartFromTheNextColumn) {
  RunResult run;
  const std::string id = "agent-service/oauth/" + std::string(40, 'x');
  run.outcomes = {Outcome{.id = id, .verdict = Verdict::passed}};
  std::ostringstream out;
  print_summary(out, run);
  EXPECT_NE(out.str().find(id + " must"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace toolauth::conformance
