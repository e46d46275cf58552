#include "toolauth/conformance/report_files.h"

#include <fstream>

#include "toolauth/conformance/html_report.h"
#include "toolauth/conformance/json_report.h"
#include "toolauth/conformance/junit_report.h"
#include "toolauth/core/error.h"

namespace toolauth::conformance {

namespace {
core::Result<void> write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out)
    return core::Error{core::make_error_code(core::Errc::io_error),
                       "cannot write " + file.string()};
  return {};
}
}  // namespace

core::Result<void> write_reports(const std::filesystem::path& folder, const RunResult& run) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec)
    return core::Error{core::make_error_code(core::Errc::io_error),
                       folder.string() + ": " + ec.message()};
  TOOLAUTH_RETURN_IF_ERROR(write_file(
      folder / kJsonReportFile,
      json_report(run).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"));
  TOOLAUTH_RETURN_IF_ERROR(write_file(folder / kJunitReportFile, junit_report(run)));
  TOOLAUTH_RETURN_IF_ERROR(write_file(folder / kHtmlReportFile, html_report(run)));
  return {};
}

}  // namespace toolauth::conformance
