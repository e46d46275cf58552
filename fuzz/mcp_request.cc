// Fuzz target: mock-mcp's request path. The input is raw HTTP/1.1 bytes as they would arrive on
// its HTTPS listener: MCP streamable HTTP on the fixture mounts (open, api-key with the fixture
// keys, bearer, ...), protected resource metadata, the admin plane's access check. Streamed
// answers run to completion. See server_request.h for what counts as a finding.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "server_request.h"
#include "toolauth/mcp/mcp_server.h"

namespace fuzz = toolauth::fuzz;
namespace mcp = toolauth::mcp;

namespace {

struct McpTarget {
  std::unique_ptr<mcp::McpServer> server;
  std::unique_ptr<fuzz::ServerRequestHarness> harness;
};

McpTarget& target() {
  static McpTarget instance = [] {
    mcp::McpServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    // Fixed public URL: the seeds' Host header (localhost:4783) is allowed through it.
    options.public_url = "https://localhost:4783";
    // Bearer mounts trust an IdP that is not there: JWKS fetches fail fast (port 9 is closed).
    options.templates["idp_url"] = "https://127.0.0.1:9";
    options.admin_key = std::string(fuzz::kFuzzAdminKey);
    auto started = mcp::McpServer::start(fuzz::fuzz_io().get_executor(), fuzz::fuzz_clock(),
                                         std::move(options));
    if (!started.ok()) std::abort();
    McpTarget t;
    t.server = std::move(*started);
    t.harness = std::make_unique<fuzz::ServerRequestHarness>(fuzz::fuzz_io(), t.server->handler(),
                                                             true, 4783);
    return t;
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  target().harness->run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
