#include "toolauth/conformance/report_files.h"

#include <gtest/gtest.h>

#include <fstream>

#include "toolauth/core/random.h"

namespace toolauth::conformance {
namespace {

TEST(ReportFilesTest, WritesAllThreeArtifactsStampedWithTheSuite) {
  const auto folder =
      std::filesystem::temp_directory_path() / ("toolauth-reports-" + core::random_hex(6)) / "out";
  RunResult run;
  run.profile = "mcp-server";
  run.profile_version = "1.0.0";
  ASSERT_TRUE(write_reports(folder, run).ok());
  for (auto name : {kJsonReportFile, kJunitReportFile, kHtmlReportFile}) {
    std::ifstream in(folder / name);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("mcp-server@1.0.0"), std::string::npos) << name;
  }
  std::filesystem::remove_all(folder.parent_path());
  EXPECT_FALSE(write_reports("/proc/no-such-folder/x", run).ok());
}

}  // namespace
}  // namespace toolauth::conformance
