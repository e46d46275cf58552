// toolauth idp: runs the mock IdP until SIGINT/SIGTERM.

#include <boost/asio/io_context.hpp>
#include <cxxopts.hpp>
#include <iostream>

#include "commands.h"
#include "toolauth/core/log.h"
#include "toolauth/http/server.h"
#include "toolauth/idp/idp_server.h"
#include "toolauth/service/ready.h"

namespace toolauth::cli {

int run_idp(int argc, char** argv) {
  cxxopts::Options options("toolauth idp",
                           "Mock Entra ID: HTTPS STS and managed identity endpoints");
  // clang-format off
  options.add_options()
      ("host", "host to bind and name in URLs (localhost binds 127.0.0.1 and ::1)", cxxopts::value<std::string>()->default_value("localhost"))
      ("port", "HTTPS STS port (0 picks a free one)", cxxopts::value<std::uint16_t>()->default_value("4781"))
      ("mi-port", "plain-HTTP managed identity port (0 picks a free one)", cxxopts::value<std::uint16_t>()->default_value("4782"))
      ("public-url", "public URL of the STS, used verbatim in issuers", cxxopts::value<std::string>()->default_value(""))
      ("mi-public-url", "public URL of the managed identity listener", cxxopts::value<std::string>()->default_value(""))
      ("state-dir", "folder for keys, the local CA and state (default .toolauth/state)", cxxopts::value<std::string>()->default_value(".toolauth/state"))
      ("fixtures", "IdP fixture file (idp.json); default: the built-in default world", cxxopts::value<std::string>()->default_value(""))
      ("emulator-url", "resolves {emulator_url} in fixtures", cxxopts::value<std::string>()->default_value(""))
      ("emulator-http-url", "resolves {emulator_http_url} in fixtures", cxxopts::value<std::string>()->default_value(""))
      ("mcp-url", "resolves {mcp_url} in fixtures", cxxopts::value<std::string>()->default_value(""))
      ("admin-key", "key that admin requests from non-loopback addresses must present", cxxopts::value<std::string>()->default_value(""))
      ("ready-file", "write the full ready document (with secrets) here, mode 0600", cxxopts::value<std::string>()->default_value(""))
      ("log-level", "trace, debug, info, warn, error or off", cxxopts::value<std::string>()->default_value("info"))
      ("log-format", "text or json", cxxopts::value<std::string>()->default_value("text"))
      ("h,help", "show this help");
  // clang-format on
  cxxopts::ParseResult args;
  try {
    args = options.parse(argc, argv);
  } catch (const cxxopts::exceptions::exception& e) {
    std::cerr << "toolauth idp: " << e.what() << "\n";
    return 2;
  }
  if (args.count("help")) {
    std::cout << options.help();
    return 0;
  }
  const auto level = core::parse_log_level(args["log-level"].as<std::string>());
  if (!level) {
    std::cerr << "toolauth idp: unknown log level\n";
    return 2;
  }
  const auto format = args["log-format"].as<std::string>() == "json" ? core::LogFormat::json_lines
                                                                     : core::LogFormat::text;

  boost::asio::io_context io(1);
  core::SystemClock clock;
  core::Logger logger({*level, format}, &std::cerr, &clock);
  idp::IdpServerOptions o;
  o.host = args["host"].as<std::string>();
  o.port = args["port"].as<std::uint16_t>();
  o.mi_port = args["mi-port"].as<std::uint16_t>();
  o.public_url = args["public-url"].as<std::string>();
  o.mi_public_url = args["mi-public-url"].as<std::string>();
  o.state_dir = args["state-dir"].as<std::string>();
  o.fixtures = args["fixtures"].as<std::string>();
  o.admin_key = args["admin-key"].as<std::string>();
  o.logger = logger;
  for (const auto* name : {"emulator-url", "emulator-http-url", "mcp-url"}) {
    auto value = args[name].as<std::string>();
    std::string key = name;
    std::replace(key.begin(), key.end(), '-', '_');
    if (!value.empty()) o.templates[key] = value;
  }
  auto server = idp::IdpServer::start(io.get_executor(), clock, o);
  if (!server.ok()) {
    std::cerr << "toolauth idp: " << server.error().message() << "\n";
    return 1;
  }
  nlohmann::json ready = (*server)->ready_document();
  ready["toolauth"] = TOOLAUTH_VERSION;
  ready["defects"] = nlohmann::json::array();
  if (const auto file = args["ready-file"].as<std::string>(); !file.empty()) {
    if (auto written = service::write_ready_file(file, ready); !written.ok()) {
      std::cerr << "toolauth idp: " << written.error().message() << "\n";
      return 1;
    }
  }
  service::print_ready_line(std::cout, ready);
  http::TerminationSignals signals(io.get_executor(), [&](int) { (*server)->stop(); });
  io.run();
  return 0;
}

}  // namespace toolauth::cli
