#pragma once
// `toolauth mcp`: any number of MCP servers (mounts) at /mcp/<name> on one HTTPS listener
// (default localhost:4783, the local CA of the state folder), with RFC 9728 protected resource
// metadata at /.well-known/oauth-protected-resource/mcp/<name> and the admin plane:
//   GET/POST /_admin/mounts, DELETE /_admin/mounts/{name}   list, add, remove mounts
//   POST /_admin/revoke {"jti"}                             refuse a token from now on
// plus the shared healthz, readyz, reset, clock, journal, faults and state routes.
// Notes, runtime mounts and revocations persist in <state_dir>/mcp.db.

#include <boost/asio/any_io_executor.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "toolauth/core/clock.h"
#include "toolauth/core/log.h"
#include "toolauth/core/result.h"
#include "toolauth/http/message.h"
#include "toolauth/http/server.h"
#include "toolauth/mcp/defects.h"
#include "toolauth/mcp/mount.h"

namespace toolauth::mcp {

inline constexpr std::uint16_t kDefaultMcpPort = 4783;

struct McpServerOptions {
  std::string host = "localhost";
  std::uint16_t port = kDefaultMcpPort;
  // A plain-HTTP listener next to HTTPS, for clients that need http://localhost (the official
  // conformance suite's DNS-rebinding check cannot reach a TLS server with a foreign Host).
  std::optional<std::uint16_t> http_port;
  std::string public_url;  // default https://host:port
  std::filesystem::path state_dir;
  std::filesystem::path fixtures;  // mcp.json; empty: the built-in default world
  // {idp_url} and friends in fixtures; {mcp_url} is added.
  std::map<std::string, std::string> templates;
  // CA to trust when fetching JWKS (default: the local CA of the state folder).
  std::string jwks_ca_file;
  std::string admin_key;
  // Header and body sizes, read and idle timeouts of every listener (http/server.h).
  http::ServerLimits limits;
  core::Logger logger = core::null_logger();
  // Mutants for the conformance suite (defects.h); the caller checks the listeners are loopback.
  McpDefects defects;
};

class McpServer {
 public:
  static core::Result<std::unique_ptr<McpServer>> start(boost::asio::any_io_executor executor,
                                                        core::SystemClock& clock,
                                                        McpServerOptions options);
  ~McpServer();

  const std::string& url() const;
  const std::string& http_url() const;  // empty without a plain-HTTP listener
  const std::filesystem::path& ca_file() const;
  Mount* mount(std::string_view name);
  // The journal the admin plane serves at /_admin/journal, for in-process readers.
  service::Journal& journal();
  // {"mcp": {"url"}, "ca_file", "defects", "world": {"mounts": [...]}} (mount keys are
  // secrets).
  nlohmann::json ready_document() const;
  // The handler its listeners serve, for in-process callers (the fuzz targets feed it what
  // http::read_request makes of raw bytes); valid while the server lives.
  const http::RequestHandler& handler() const;
  void stop();

  struct Impl;

 private:
  explicit McpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

std::string_view default_mcp_fixtures();

}  // namespace toolauth::mcp
