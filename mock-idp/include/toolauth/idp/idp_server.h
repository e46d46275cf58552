#pragma once
// `toolauth idp`: the mock IdP's listeners, routes, admin plane and state folder.
//
//   HTTPS STS on host:port (default localhost:4781) with the local CA of the state folder;
//   plain HTTP on host:mi_port (default 4782) for managed identity only.
//
// State (keys, consents, sessions, refresh tokens, runtime redirect URIs and dynamically
// registered clients) lives in <state_dir>/idp.db and survives restarts; with an empty
// state_dir everything is in memory (tests) and TLS material goes to a temporary folder.

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
#include "toolauth/idp/identity_provider.h"

namespace toolauth::idp {

inline constexpr std::uint16_t kDefaultStsPort = 4781;
inline constexpr std::uint16_t kDefaultManagedIdentityPort = 4782;

struct IdpServerOptions {
  std::string host = "localhost";
  std::uint16_t port = kDefaultStsPort;
  std::uint16_t mi_port = kDefaultManagedIdentityPort;
  std::string public_url;     // used verbatim in issuers; default https://host:port
  std::string mi_public_url;  // default http://host:mi_port
  std::filesystem::path state_dir;
  // The IdP fixture file (idp.json); empty means the built-in default world.
  std::filesystem::path fixtures;
  // Values of {name} templates in fixtures (emulator_url, mcp_url, ...); idp_url is added.
  std::map<std::string, std::string> templates;
  std::string admin_key;
  // Header and body sizes, read and idle timeouts of every listener (http/server.h).
  http::ServerLimits limits;
  core::Logger logger = core::null_logger();
};

class IdpServer {
 public:
  // Loads fixtures and state, binds both listeners and starts serving on `executor`.
  static core::Result<std::unique_ptr<IdpServer>> start(boost::asio::any_io_executor executor,
                                                        core::SystemClock& clock,
                                                        IdpServerOptions options);
  ~IdpServer();

  const std::string& url() const;
  const std::string& mi_url() const;
  const std::filesystem::path& ca_file() const;
  IdentityProvider& provider();
  // {"idp": {"url", "mi_url"}, "ca_file", "env": {...}, "world": {...}} (world holds secrets).
  nlohmann::json ready_document() const;
  bool ready() const;
  // The handlers its STS and managed identity listeners serve, for in-process callers (the fuzz
  // targets feed it what http::read_request makes of raw bytes); valid while the server lives.
  http::RequestHandler handler() const;
  http::RequestHandler mi_handler() const;
  void stop();

  struct Impl;

 private:
  explicit IdpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The built-in default world's idp.json (compiled into the binary).
std::string_view default_idp_fixtures();

}  // namespace toolauth::idp
