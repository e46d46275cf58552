// toolauth idp: runs the mock IdP until SIGINT/SIGTERM.

#include <boost/asio/io_context.hpp>

#include "commands.h"
#include "common_options.h"
#include "toolauth/idp/idp_server.h"

namespace toolauth::cli {

int run_idp(int argc, char** argv) {
  cxxopts::Options options("toolauth idp",
                           "Mock Entra ID: HTTPS STS and managed identity endpoints");
  add_common_options(options);
  options.add_options()("port", "HTTPS STS port (0 picks a free one)",
                        cxxopts::value<std::uint16_t>()->default_value("4781"))(
      "mi-port", "plain-HTTP managed identity port (0 picks a free one)",
      cxxopts::value<std::uint16_t>()->default_value("4782"))(
      "mi-public-url", "public URL of the managed identity listener",
      cxxopts::value<std::string>()->default_value(""));
  auto parsed = parse_arguments(options, argc, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const auto& args = std::get<cxxopts::ParseResult>(parsed);

  boost::asio::io_context io(1);
  core::SystemClock clock;
  auto logger = make_logger(args, clock);
  if (!logger) return 2;
  idp::IdpServerOptions o;
  o.host = args["host"].as<std::string>();
  o.port = args["port"].as<std::uint16_t>();
  o.mi_port = args["mi-port"].as<std::uint16_t>();
  o.public_url = args["public-url"].as<std::string>();
  o.mi_public_url = args["mi-public-url"].as<std::string>();
  o.state_dir = args["state-dir"].as<std::string>();
  o.fixtures = args["fixtures"].as<std::string>();
  o.admin_key = args["admin-key"].as<std::string>();
  o.templates = template_values(args);
  o.logger = *logger;
  return serve_until_signalled("idp", io, idp::IdpServer::start(io.get_executor(), clock, o), args);
}

}  // namespace toolauth::cli
