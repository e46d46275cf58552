// toolauth mcp: runs the mock MCP server until SIGINT/SIGTERM.

#include <boost/asio/io_context.hpp>
#include <iostream>

#include "commands.h"
#include "common_options.h"
#include "toolauth/mcp/mcp_server.h"

namespace toolauth::cli {

int run_mcp(int argc, char** argv) {
  cxxopts::Options options("toolauth mcp",
                           "Mock MCP servers (Streamable HTTP) with per-mount auth");
  add_common_options(options);
  options.add_options()("port", "HTTPS port (0 picks a free one)",
                        cxxopts::value<std::uint16_t>()->default_value("4783"))(
      "http-port", "also serve plain HTTP on this port (0 picks a free one)",
      cxxopts::value<std::uint16_t>())(
      "jwks-ca-file", "CA to trust when fetching JWKS (default: the state folder's local CA)",
      cxxopts::value<std::string>()->default_value(""))(
      "defect",
      "make the server deliberately wrong, for the conformance suite's self-test (loopback "
      "only; repeatable): accept-expired, ignore-audience, accept-alg-none, key-prefix-match, "
      "no-challenge, error-without-credentials",
      cxxopts::value<std::vector<std::string>>());
  auto parsed = parse_arguments(options, argc, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const auto& args = std::get<cxxopts::ParseResult>(parsed);

  mcp::McpDefects defects;
  if (args.count("defect")) {
    auto parsed = mcp::parse_mcp_defects(args["defect"].as<std::vector<std::string>>());
    if (!parsed.ok()) {
      std::cerr << "toolauth mcp: " << parsed.error().detail << "\n";
      return 2;
    }
    // A mutant must never be reachable from another machine (DESIGN.md "Mutants").
    if (!is_loopback_host(args["host"].as<std::string>())) {
      std::cerr << "toolauth mcp: --defect needs a loopback --host (localhost, 127.0.0.1 or ::1)\n";
      return 2;
    }
    defects = *parsed;
    print_defect_banner("toolauth mcp", defects.names());
  }

  boost::asio::io_context io(1);
  core::SystemClock clock;
  auto logger = make_logger(args, clock);
  if (!logger) return 2;
  mcp::McpServerOptions o;
  o.host = args["host"].as<std::string>();
  o.port = args["port"].as<std::uint16_t>();
  if (args.count("http-port")) o.http_port = args["http-port"].as<std::uint16_t>();
  o.public_url = args["public-url"].as<std::string>();
  o.state_dir = args["state-dir"].as<std::string>();
  o.fixtures = args["fixtures"].as<std::string>();
  o.admin_key = args["admin-key"].as<std::string>();
  o.jwks_ca_file = args["jwks-ca-file"].as<std::string>();
  o.templates = template_values(args);
  o.logger = *logger;
  o.defects = defects;
  return serve_until_signalled("mcp", io, mcp::McpServer::start(io.get_executor(), clock, o), args);
}

}  // namespace toolauth::cli
