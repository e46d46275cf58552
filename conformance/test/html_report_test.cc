#include "toolauth/conformance/html_report.h"

#include <gtest/gtest.h>

namespace toolauth::conformance {
namespace {

TEST(HtmlReportTest, EscapesEverythingAndShowsEvidenceAndDefects) {
  RunResult run;
  run.profile = "mcp-server";
  run.profile_version = "1.0.0";
  run.defects = {"accept-alg-none"};
  Outcome o{.id = "p/<script>", .verdict = Verdict::failed, .reason = "<img src=x onerror=1>"};
  o.scenario = {{"title", "T & <b>"}, {"spec_refs", {"RFC <1>"}}};
  o.steps = {"step <1>"};
  o.checks = {{"status", false, "401", "<200>"}};
  o.observations = {{{"www_authenticate", "Bearer error=\"<x>\""}}};
  o.evidence = {{"idp", {{{"kind", "token"}, {"note", "</pre><script>"}}}},
                {"mcp", {{{"kind", "request"}}}}};
  run.outcomes = {o};
  const auto html = html_report(run);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("What the IdP saw"), std::string::npos);
  EXPECT_NE(html.find("What the MCP server saw"), std::string::npos);
  EXPECT_NE(html.find("accept-alg-none"), std::string::npos);
  EXPECT_NE(html.find("mcp-server@1.0.0"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);  // one file, nothing external
}

}  // namespace
}  // namespace toolauth::conformance
