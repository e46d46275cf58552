#pragma once
// `toolauth emulator`: the Foundry Agent Service tool-auth emulator.
//
//   HTTPS on host:port (default localhost:4780, the local CA of the state folder) and plain
//   HTTP on host:http_port (default 4784) for clients that allow it, both on one io_context
//   and one router: the data plane (DataPlane), the admin plane under /_admin/ (healthz,
//   readyz, reset, clock, journal, faults, state export/import), the toolboxes' MCP
//   endpoints (ToolboxMcpEndpoint) and, when enabled, the runtime API (RuntimeApi). Hosted agents'
//   containers run under HostedAgentHost, with their identity endpoint on its own loopback
//   listener.
//
// Connections, agents, responses and conversations live in <state_dir>/emulator.db and
// survive restarts; the fixtures are seeded on first start and on reset. With an empty
// state_dir the state is in memory (tests) and TLS material goes to a temporary folder.
//
// With `defects` (defects.h) the emulator is deliberately wrong for the conformance suite's
// self-test; every answer then carries `X-Toolauth-Defects` and the ready document names them.

#include <boost/asio/any_io_executor.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "toolauth/core/clock.h"
#include "toolauth/core/log.h"
#include "toolauth/core/result.h"
#include "toolauth/emulator/defects.h"
#include "toolauth/emulator/hosted_agent_host.h"
#include "toolauth/emulator/hosted_call_registry.h"
#include "toolauth/emulator/mcp_call_error.h"
#include "toolauth/emulator/tool_auth_registry.h"
#include "toolauth/emulator/world.h"
#include "toolauth/http/message.h"
#include "toolauth/http/server.h"

namespace toolauth::emulator {

inline constexpr std::uint16_t kDefaultEmulatorPort = 4780;
inline constexpr std::uint16_t kDefaultEmulatorHttpPort = 4784;
inline constexpr std::string_view kDefaultIdpUrl = "https://localhost:4781";
inline constexpr std::string_view kDefaultMcpUrl = "https://localhost:4783";
inline constexpr std::string_view kDefaultManagedIdentityUrl = "http://localhost:4782";

struct EmulatorServerOptions {
  std::string host = "localhost";
  std::uint16_t port = kDefaultEmulatorPort;
  std::optional<std::uint16_t> http_port = kDefaultEmulatorHttpPort;  // nullopt: no plain HTTP
  std::string public_url;                                             // default https://host:port
  std::filesystem::path state_dir;
  std::filesystem::path fixtures;  // emulator.json; empty: the built-in default world
  // {idp_url}, {mcp_url} in fixtures (defaults: the standard ports on localhost);
  // {emulator_url} and {emulator_http_url} are added.
  std::map<std::string, std::string> templates;
  // The IMDS host that the project's managed identity gets tokens from (mock-idp's plain-HTTP
  // listener, its mi_url); the token endpoints are <idp_url>/<tenant id>/oauth2/v2.0/token.
  std::string managed_identity_url = std::string(kDefaultManagedIdentityUrl);
  // CA to trust for outbound HTTPS (JWKS, MCP servers, token endpoints); default: the local
  // CA of the state folder.
  std::string ca_file;
  std::string admin_key;
  // Header and body sizes, read and idle timeouts of every listener (http/server.h).
  http::ServerLimits limits;
  // The shape of mcp_call.error: a string, or the structured objects of openai-node >= 7.5.
  McpCallErrorFormat mcp_call_errors = McpCallErrorFormat::string;
  core::Logger logger = core::null_logger();
  // Hosted agents' containers: readiness wait, restarts, stop grace; and the time a container
  // may take to answer one request.
  HostedAgentHostOptions hosted;
  // The hosted-agent runtime API under {project}/runtime/ (runtime_api.h), an emulator
  // extension: off unless set.
  bool runtime_api = false;
  // Mutants for the conformance suite (defects.h), by name; an unknown name fails start().
  // The caller checks the listeners are loopback.
  std::set<std::string> defects;
};

class EmulatorServer {
 public:
  static core::Result<std::unique_ptr<EmulatorServer>> start(boost::asio::any_io_executor executor,
                                                             core::SystemClock& clock,
                                                             EmulatorServerOptions options);
  ~EmulatorServer();

  const std::string& url() const;
  const std::string& http_url() const;  // empty without the plain-HTTP listener
  const std::filesystem::path& ca_file() const;
  const EmulatorWorld& world() const;
  // Where the token-based auth types plug in (only on the server's thread).
  ToolAuthRegistry& tool_auth();
  // The hosted-agent calls in flight (call ids), and the host that runs hosted agents (only on
  // the server's thread).
  HostedCallRegistry& hosted_calls();
  HostedAgentHost& hosted();
  // {"emulator": {"url", "http_url"}, "ca_file", "env", "defects", "world": {"projects":
  // [...]}}; only on the server's thread.
  nlohmann::json ready_document() const;
  // The handler its listeners serve, for in-process callers (the fuzz targets feed it what
  // http::read_request makes of raw bytes); valid while the server lives.
  const http::RequestHandler& handler() const;
  void stop();

  struct Impl;

 private:
  explicit EmulatorServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace toolauth::emulator
