// toolauth up: mock-idp, mock-mcp and the emulator in one process on one clock until
// SIGINT/SIGTERM; prints the ready line on stdout and a summary for people on stderr.

#include <boost/asio/io_context.hpp>
#include <iostream>
#include <set>

#include "client_environment.h"
#include "commands.h"
#include "common_options.h"
#include "local_stack.h"
#include "stack_options.h"
#include "toolauth/http/server.h"

namespace toolauth::cli {

int run_up(int argc, char** argv) {
  cxxopts::Options options("toolauth up",
                           "mock-idp, mock-mcp and the emulator in one process on one clock");
  add_stack_options(options, "info");
  // clang-format off
  options.add_options()
      ("state-dir", "folder for keys, the local CA and the three servers' state", cxxopts::value<std::string>()->default_value(".toolauth/state"))
      ("emulator-port", "emulator HTTPS port (0 picks a free one)", cxxopts::value<std::uint16_t>()->default_value(std::to_string(emulator::kDefaultEmulatorPort)))
      ("emulator-http-port", "emulator plain-HTTP port (0 picks a free one)", cxxopts::value<std::uint16_t>()->default_value(std::to_string(emulator::kDefaultEmulatorHttpPort)))
      ("no-emulator-http", "the emulator serves HTTPS only")
      ("idp-port", "mock-idp HTTPS port (0 picks a free one)", cxxopts::value<std::uint16_t>()->default_value(std::to_string(idp::kDefaultStsPort)))
      ("idp-mi-port", "mock-idp managed identity (plain HTTP) port (0 picks a free one)", cxxopts::value<std::uint16_t>()->default_value(std::to_string(idp::kDefaultManagedIdentityPort)))
      ("mcp-port", "mock-mcp HTTPS port (0 picks a free one)", cxxopts::value<std::uint16_t>()->default_value(std::to_string(mcp::kDefaultMcpPort)))
      ("ready-file", "write the full ready document (with secrets) here, mode 0600", cxxopts::value<std::string>()->default_value(""))
      ("print-world", "print the full ready document, secrets included, as the ready line")
      ("defect", "make the emulator deliberately wrong, for the conformance suite's self-test (loopback only; repeatable; names in emulator/README.md)", cxxopts::value<std::vector<std::string>>());
  // clang-format on
  auto parsed = parse_arguments(options, argc, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const auto& args = std::get<cxxopts::ParseResult>(parsed);

  std::set<std::string> defects;
  if (args.count("defect")) {
    for (const auto& name : args["defect"].as<std::vector<std::string>>()) defects.insert(name);
    auto known = emulator::parse_emulator_defects(defects);
    if (!known.ok()) {
      std::cerr << "toolauth up: " << known.error().detail << "\n";
      return 2;
    }
    // A mutant must never be reachable from another machine (DESIGN.md "Mutants").
    if (!is_loopback_host(args["host"].as<std::string>())) {
      std::cerr << "toolauth up: --defect needs a loopback --host (localhost, 127.0.0.1 or ::1)\n";
      return 2;
    }
    print_defect_banner("toolauth up (emulator)", known->names());
  }

  boost::asio::io_context io(1);
  core::SystemClock clock;  // the one clock of all three servers
  auto logger = make_logger(args, clock);
  if (!logger) return 2;
  auto options_set = stack_options(args);
  if (!options_set.ok()) {
    std::cerr << "toolauth up: " << options_set.error().message() << "\n";
    return 2;
  }
  auto o = std::move(*options_set);
  o.state_dir = args["state-dir"].as<std::string>();
  o.emulator_port = args["emulator-port"].as<std::uint16_t>();
  o.emulator_http_port = args.count("no-emulator-http")
                             ? std::nullopt
                             : std::optional(args["emulator-http-port"].as<std::uint16_t>());
  o.idp_port = args["idp-port"].as<std::uint16_t>();
  o.idp_mi_port = args["idp-mi-port"].as<std::uint16_t>();
  o.mcp_port = args["mcp-port"].as<std::uint16_t>();
  o.logger = *logger;
  o.emulator_defects = std::move(defects);
  auto stack = LocalStack::start(io.get_executor(), clock, o);
  if (!stack.ok()) {
    std::cerr << "toolauth up: " << stack.error().message() << "\n";
    return 1;
  }
  // Signals first: a client may send SIGTERM as soon as it reads the ready line.
  http::TerminationSignals signals(io.get_executor(), [&](int) { (*stack)->stop(); });
  const auto ready = (*stack)->ready_document();
  if (!announce_ready(ready, args["ready-file"].as<std::string>(), args.count("print-world") > 0))
    return 1;
  print_summary(std::cerr, ready);
  io.run();
  return 0;
}

}  // namespace toolauth::cli
