#include "common_options.h"

#include <iostream>

#include "toolauth/service/ready.h"

namespace toolauth::cli {

void add_common_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options()
      ("host", "host to bind and name in URLs (localhost binds 127.0.0.1 and ::1)", cxxopts::value<std::string>()->default_value("localhost"))
      ("public-url", "public URL, used verbatim in issuers and metadata", cxxopts::value<std::string>()->default_value(""))
      ("state-dir", "folder for keys, the local CA and state", cxxopts::value<std::string>()->default_value(".toolauth/state"))
      ("fixtures", "fixture file; default: the built-in default world", cxxopts::value<std::string>()->default_value(""))
      ("idp-url", "resolves {idp_url} in fixtures", cxxopts::value<std::string>()->default_value(""))
      ("mcp-url", "resolves {mcp_url} in fixtures", cxxopts::value<std::string>()->default_value(""))
      ("emulator-url", "resolves {emulator_url} in fixtures", cxxopts::value<std::string>()->default_value(""))
      ("emulator-http-url", "resolves {emulator_http_url} in fixtures", cxxopts::value<std::string>()->default_value(""))
      ("admin-key", "key that admin requests from non-loopback addresses must present", cxxopts::value<std::string>()->default_value(""))
      ("ready-file", "write the full ready document (with secrets) here, mode 0600", cxxopts::value<std::string>()->default_value(""))
      ("log-level", "trace, debug, info, warn, error or off", cxxopts::value<std::string>()->default_value("info"))
      ("log-format", "text or json", cxxopts::value<std::string>()->default_value("text"))
      ("h,help", "show this help");
  // clang-format on
}

std::variant<cxxopts::ParseResult, int> parse_arguments(cxxopts::Options& options, int argc,
                                                        char** argv) {
  try {
    auto args = options.parse(argc, argv);
    if (args.count("help")) {
      std::cout << options.help();
      return 0;
    }
    if (!args.unmatched().empty()) {
      std::cerr << options.program() << ": unexpected argument \"" << args.unmatched().front()
                << "\"\n";
      return 2;
    }
    return args;
  } catch (const cxxopts::exceptions::exception& e) {
    std::cerr << options.program() << ": " << e.what() << "\n";
    return 2;
  }
}

std::optional<core::Logger> make_logger(const cxxopts::ParseResult& args,
                                        const core::Clock& clock) {
  const auto level = core::parse_log_level(args["log-level"].as<std::string>());
  const auto format = args["log-format"].as<std::string>();
  if (!level || (format != "text" && format != "json")) {
    std::cerr << "toolauth: --log-level is one of trace, debug, info, warn, error, off; "
                 "--log-format text or json\n";
    return std::nullopt;
  }
  return core::Logger(
      {*level, format == "json" ? core::LogFormat::json_lines : core::LogFormat::text}, &std::cerr,
      &clock);
}

std::map<std::string, std::string> template_values(const cxxopts::ParseResult& args) {
  std::map<std::string, std::string> values;
  for (const auto* option : {"idp-url", "mcp-url", "emulator-url", "emulator-http-url"}) {
    auto value = args[option].as<std::string>();
    std::string key = option;
    std::replace(key.begin(), key.end(), '-', '_');
    if (!value.empty()) values[key] = value;
  }
  return values;
}

nlohmann::json stamped_ready_document(nlohmann::json ready) {
  ready["toolauth"] = TOOLAUTH_VERSION;
  if (!ready.contains("defects")) ready["defects"] = nlohmann::json::array();
  return ready;
}

bool announce_ready(nlohmann::json ready, const std::string& ready_file, bool print_world) {
  ready = stamped_ready_document(std::move(ready));
  if (!ready_file.empty()) {
    if (auto written = service::write_ready_file(ready_file, ready); !written.ok()) {
      std::cerr << "toolauth: " << written.error().message() << "\n";
      return false;
    }
  }
  if (print_world) {
    std::cout << ready.dump() << std::endl;
  } else {
    service::print_ready_line(std::cout, ready);
  }
  return true;
}

bool announce_ready(nlohmann::json ready, const cxxopts::ParseResult& args) {
  return announce_ready(std::move(ready), args["ready-file"].as<std::string>(), false);
}

}  // namespace toolauth::cli

namespace toolauth::cli {

bool is_loopback_host(std::string_view host) {
  return host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "[::1]";
}

void print_defect_banner(std::string_view program, const std::vector<std::string>& defects) {
  std::string names;
  for (const auto& d : defects) names += (names.empty() ? "" : ", ") + d;
  std::cerr << "*** " << program << ": DELIBERATELY DEFECTIVE (" << names
            << ") for the conformance suite's self-test; never use it as a reference ***\n";
}

}  // namespace toolauth::cli
