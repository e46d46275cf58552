// toolauth: one binary, one subcommand per component.

#include <cstring>
#include <iostream>
#include <string_view>

#include "commands.h"

namespace {

constexpr const char* kUsage = R"(usage: toolauth <command> [options]

commands:
  idp        the mock Entra ID / OAuth identity provider (HTTPS STS + managed identity)
  mcp        mock MCP servers (Streamable HTTP) with per-mount auth
  emulator   the Foundry Agent Service tool-auth emulator (connections, agents, responses)
  certify    run a conformance profile against an implementation under test
  up         all three in one process on one clock (default ports, default world)
  exec       runs `-- COMMAND...` against all three on free ports, exits with its status
  validate   checks idp, mcp or emulator fixtures files

`toolauth <command> --help` lists the options of a command.
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string_view command = argv[1];
  if (command == "--version" || command == "version") {
    std::cout << "toolauth " << TOOLAUTH_VERSION << "\n";
    return 0;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "idp") return toolauth::cli::run_idp(argc - 1, argv + 1);
  if (command == "mcp") return toolauth::cli::run_mcp(argc - 1, argv + 1);
  if (command == "emulator") return toolauth::cli::run_emulator(argc - 1, argv + 1);
  if (command == "certify") return toolauth::cli::run_certify(argc - 1, argv + 1);
  if (command == "up") return toolauth::cli::run_up(argc - 1, argv + 1);
  if (command == "exec") return toolauth::cli::run_exec(argc - 1, argv + 1);
  if (command == "validate") return toolauth::cli::run_validate(argc - 1, argv + 1);
  std::cerr << "toolauth: unknown command \"" << command << "\"\n" << kUsage;
  return 2;
}
