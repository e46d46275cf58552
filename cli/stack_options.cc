#include "stack_options.h"

namespace toolauth::cli {

void add_stack_options(cxxopts::Options& options, const std::string& default_log_level) {
  // clang-format off
  options.add_options()
      ("host", "host to bind and name in URLs (localhost binds 127.0.0.1 and ::1)", cxxopts::value<std::string>()->default_value("localhost"))
      ("fixtures-dir", "folder with idp.json, mcp.json and emulator.json; default: the built-in default world", cxxopts::value<std::string>()->default_value(""))
      ("admin-key", "key that admin requests from non-loopback addresses must present", cxxopts::value<std::string>()->default_value(""))
      ("mcp-call-errors", "shape of the emulator's mcp_call.error: string or structured", cxxopts::value<std::string>()->default_value("string"))
      ("log-level", "trace, debug, info, warn, error or off", cxxopts::value<std::string>()->default_value(default_log_level))
      ("log-format", "text or json", cxxopts::value<std::string>()->default_value("text"))
      ("h,help", "show this help");
  // clang-format on
}

core::Result<LocalStack::Options> stack_options(const cxxopts::ParseResult& args) {
  LocalStack::Options o;
  TOOLAUTH_ASSIGN_OR_RETURN(o.mcp_call_errors, emulator::parse_mcp_call_error_format(
                                                   args["mcp-call-errors"].as<std::string>()));
  o.host = args["host"].as<std::string>();
  o.fixtures_dir = args["fixtures-dir"].as<std::string>();
  o.admin_key = args["admin-key"].as<std::string>();
  return o;
}

}  // namespace toolauth::cli
