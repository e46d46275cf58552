#pragma once
// Writes every artifact of a run into one folder: report.json, junit.xml, report.html.
// The folder is created when missing; existing files of these names are replaced.

#include <filesystem>

#include "toolauth/conformance/run_result.h"
#include "toolauth/core/result.h"

namespace toolauth::conformance {

inline constexpr std::string_view kJsonReportFile = "report.json";
inline constexpr std::string_view kJunitReportFile = "junit.xml";
inline constexpr std::string_view kHtmlReportFile = "report.html";

core::Result<void> write_reports(const std::filesystem::path& folder, const RunResult& run);

}  // namespace toolauth::conformance
