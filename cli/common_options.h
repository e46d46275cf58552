#pragma once
// Options and start-up steps every server subcommand shares: logging, state folder, admin key,
// ready file, and the {name} templates of fixtures.

#include <boost/asio/io_context.hpp>
#include <cxxopts.hpp>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/core/log.h"
#include "toolauth/core/result.h"
#include "toolauth/http/server.h"

namespace toolauth::cli {

void add_common_options(cxxopts::Options& options);
// Parses argv; prints help or the error and returns the exit code instead of the arguments.
std::variant<cxxopts::ParseResult, int> parse_arguments(cxxopts::Options& options, int argc,
                                                        char** argv);
std::optional<core::Logger> make_logger(const cxxopts::ParseResult& args, const core::Clock& clock);
// {idp_url}, {mcp_url}, {emulator_url}, {emulator_http_url} values given on the command line.
std::map<std::string, std::string> template_values(const cxxopts::ParseResult& args);
// The ready document as announced: with the "toolauth" version and "defects" stamped in.
nlohmann::json stamped_ready_document(nlohmann::json ready);
// Stamps version and defects, writes `ready_file` (if not empty; with secrets, 0600) and
// prints the ready line: without "world", unless `print_world` (`toolauth up --print-world`).
// Returns false (after printing why) when the file cannot be written.
bool announce_ready(nlohmann::json ready, const std::string& ready_file, bool print_world);
// The same with --ready-file from `args`, never printing the world.
bool announce_ready(nlohmann::json ready, const cxxopts::ParseResult& args);

// Runs a server that `start` returned until SIGINT or SIGTERM stops it; the process's exit
// code. Signals are handled before the ready line goes out: a client may send SIGTERM as soon
// as it reads it.
template <typename Server>
int serve_until_signalled(std::string_view command, boost::asio::io_context& io,
                          core::Result<std::unique_ptr<Server>> server,
                          const cxxopts::ParseResult& args) {
  if (!server.ok()) {
    std::cerr << "toolauth " << command << ": " << server.error().message() << "\n";
    return 1;
  }
  http::TerminationSignals signals(io.get_executor(), [&](int) { (*server)->stop(); });
  if (!announce_ready((*server)->ready_document(), args)) return 1;
  io.run();
  return 0;
}
// Mutants (--defect): only hosts every listener of which is loopback qualify.
bool is_loopback_host(std::string_view host);
// The stderr banner of a server started with --defect.
void print_defect_banner(std::string_view program, const std::vector<std::string>& defects);

}  // namespace toolauth::cli
