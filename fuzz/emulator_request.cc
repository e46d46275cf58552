// Fuzz target: the Agent Service emulator's request path. The input is raw HTTP/1.1 bytes as
// they would arrive on its HTTPS listener: the data plane (connections, agents, responses,
// conversations, api-version checks, caller authentication), the consent routes, the admin
// plane's access check. Its IdP and MCP servers are not there: outbound calls fail fast (port
// 9 is closed). See server_request.h for what counts as a finding.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "server_request.h"
#include "toolauth/emulator/emulator_server.h"

namespace fuzz = toolauth::fuzz;
namespace emulator = toolauth::emulator;

namespace {

struct EmulatorTarget {
  std::unique_ptr<emulator::EmulatorServer> server;
  std::unique_ptr<fuzz::ServerRequestHarness> harness;
};

EmulatorTarget& target() {
  static EmulatorTarget instance = [] {
    emulator::EmulatorServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.http_port = std::nullopt;
    options.public_url = "https://localhost:4780";
    options.templates["idp_url"] = "https://127.0.0.1:9";
    options.templates["mcp_url"] = "https://127.0.0.1:9";
    options.managed_identity_url = "http://127.0.0.1:9";
    options.admin_key = std::string(fuzz::kFuzzAdminKey);
    auto started = emulator::EmulatorServer::start(fuzz::fuzz_io().get_executor(),
                                                   fuzz::fuzz_clock(), std::move(options));
    if (!started.ok()) std::abort();
    EmulatorTarget t;
    t.server = std::move(*started);
    t.harness = std::make_unique<fuzz::ServerRequestHarness>(fuzz::fuzz_io(), t.server->handler(),
                                                             true, 4780);
    return t;
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  target().harness->run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
