// toolauth emulator: runs the Foundry Agent Service tool-auth emulator until SIGINT/SIGTERM.

#include <boost/asio/io_context.hpp>
#include <iostream>
#include <set>

#include "commands.h"
#include "common_options.h"
#include "toolauth/emulator/emulator_server.h"

namespace toolauth::cli {

int run_emulator(int argc, char** argv) {
  cxxopts::Options options("toolauth emulator",
                           "Foundry Agent Service tool-auth emulator (data plane, Responses API)");
  add_common_options(options);
  options.add_options()("port", "HTTPS port (0 picks a free one)",
                        cxxopts::value<std::uint16_t>()->default_value("4780"))(
      "http-port", "plain-HTTP port (0 picks a free one)",
      cxxopts::value<std::uint16_t>()->default_value("4784"))("no-http", "serve HTTPS only")(
      "ca-file", "CA to trust for outbound HTTPS (default: the state folder's local CA)",
      cxxopts::value<std::string>()->default_value(""))(
      "mi-url", "managed identity (IMDS) host of the project identities (mock-idp's mi_url)",
      cxxopts::value<std::string>()->default_value(
          std::string(emulator::kDefaultManagedIdentityUrl)))(
      "defect",
      "make the emulator deliberately wrong, for the conformance suite's self-test (loopback "
      "only; repeatable; the names are in emulator/README.md)",
      cxxopts::value<std::vector<std::string>>())(
      "mcp-call-errors", "shape of mcp_call.error: string or structured (openai-node >= 7.5)",
      cxxopts::value<std::string>()->default_value("string"))(
      "runtime-api",
      "serve the hosted-agent runtime API under {project}/runtime/ (an emulator extension, not "
      "in the real service; see emulator/README.md)");
  auto parsed = parse_arguments(options, argc, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const auto& args = std::get<cxxopts::ParseResult>(parsed);

  std::set<std::string> defects;
  if (args.count("defect")) {
    for (const auto& name : args["defect"].as<std::vector<std::string>>()) defects.insert(name);
    auto known = emulator::parse_emulator_defects(defects);
    if (!known.ok()) {
      std::cerr << "toolauth emulator: " << known.error().detail << "\n";
      return 2;
    }
    // A mutant must never be reachable from another machine (DESIGN.md "Mutants").
    if (!is_loopback_host(args["host"].as<std::string>())) {
      std::cerr << "toolauth emulator: --defect needs a loopback --host (localhost, 127.0.0.1 "
                   "or ::1)\n";
      return 2;
    }
    print_defect_banner("toolauth emulator", known->names());
  }

  boost::asio::io_context io(1);
  core::SystemClock clock;
  auto logger = make_logger(args, clock);
  if (!logger) return 2;
  emulator::EmulatorServerOptions o;
  o.host = args["host"].as<std::string>();
  o.port = args["port"].as<std::uint16_t>();
  if (args.count("no-http")) {
    o.http_port = std::nullopt;
  } else {
    o.http_port = args["http-port"].as<std::uint16_t>();
  }
  o.public_url = args["public-url"].as<std::string>();
  o.state_dir = std::filesystem::absolute(args["state-dir"].as<std::string>());
  o.fixtures = args["fixtures"].as<std::string>();
  o.admin_key = args["admin-key"].as<std::string>();
  o.ca_file = args["ca-file"].as<std::string>();
  o.managed_identity_url = args["mi-url"].as<std::string>();
  o.templates = template_values(args);
  auto errors = emulator::parse_mcp_call_error_format(args["mcp-call-errors"].as<std::string>());
  if (!errors.ok()) {
    std::cerr << "toolauth emulator: " << errors.error().message() << "\n";
    return 2;
  }
  o.mcp_call_errors = *errors;
  o.runtime_api = args.count("runtime-api") > 0;
  o.logger = *logger;
  o.defects = std::move(defects);
  return serve_until_signalled("emulator", io,
                               emulator::EmulatorServer::start(io.get_executor(), clock, o), args);
}

}  // namespace toolauth::cli
