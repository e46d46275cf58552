#pragma once
// An HTTP/1.1 server on C++20 coroutines with plain and TLS listeners on one io_context.
//
// Limits are explicit (ServerLimits below): oversized headers get 431, oversized bodies 413,
// malformed or ambiguous framing (Content-Length with Transfer-Encoding, repeated
// Content-Length, a transfer coding other than chunked, obs-fold, missing Host) gets 400 and
// the connection is closed; a client that does not finish its request within the read timeout
// (slowloris) is cut off; a handler that throws gets 500 and the server carries on.
// Every response carries `x-request-id`; each request is access-logged without secrets.
//
// Threading: run the io_context on one thread (the default everywhere in toolauth); the
// server, its sessions and the handlers then never run concurrently. stop() and the
// destructor must be called on that thread, or before/after it runs.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "toolauth/core/log.h"
#include "toolauth/core/result.h"
#include "toolauth/http/message.h"

namespace toolauth::http {

struct ServerLimits {
  static constexpr std::size_t kMaxHeaderBytes = 16 * 1024;
  static constexpr std::size_t kMaxBodyBytes = 4 * 1024 * 1024;
  static constexpr std::chrono::milliseconds kReadTimeout{10'000};
  static constexpr std::chrono::milliseconds kWriteTimeout{30'000};
  static constexpr std::chrono::milliseconds kKeepAliveTimeout{60'000};
  static constexpr std::chrono::milliseconds kShutdownGrace{2'000};
  static constexpr std::size_t kMaxConnections = 4096;

  std::size_t max_header_bytes = kMaxHeaderBytes;
  std::size_t max_body_bytes = kMaxBodyBytes;
  // Time for a whole request (headers and body) to arrive, and for a TLS handshake.
  std::chrono::milliseconds read_timeout = kReadTimeout;
  std::chrono::milliseconds write_timeout = kWriteTimeout;
  // How long a kept-alive connection may sit idle between requests.
  std::chrono::milliseconds keep_alive_timeout = kKeepAliveTimeout;
  // How long stop() lets in-flight requests finish before closing their connections.
  std::chrono::milliseconds shutdown_grace = kShutdownGrace;
  std::size_t max_connections = kMaxConnections;
};

struct TlsCredentials {
  std::string certificate_chain_pem;  // leaf first
  std::string private_key_pem;
};

struct ListenerSpec {
  // "localhost" binds both 127.0.0.1 and ::1 (on the same port); otherwise an IP address.
  std::string host = "localhost";
  std::uint16_t port = 0;  // 0 picks a free port
  std::optional<TlsCredentials> tls;
};

struct ServerStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_refused = 0;  // over max_connections
  std::uint64_t requests = 0;
  std::uint64_t handler_exceptions = 0;
  std::uint64_t rejected_header_too_large = 0;  // 431
  std::uint64_t rejected_body_too_large = 0;    // 413
  std::uint64_t rejected_bad_request = 0;       // 400 for malformed or ambiguous framing
  std::uint64_t read_timeouts = 0;
  std::uint64_t tls_handshake_failures = 0;
  std::uint64_t streams_cancelled = 0;  // cancel_on_disconnect streams whose client went away
};

// Who a request came from, as the server fills it into Request.
struct ConnectionInfo {
  std::string remote_address;
  unsigned short local_port = 0;
  bool tls = false;
};

// A request the server refuses before any handler sees it: 400 (malformed or ambiguous
// framing), 413 (body too large), 431 (header too large); status 0 for bytes that end before
// the request does, which a connection answers with nothing once its read timeout expires.
struct RequestRejection {
  int status = 400;
  std::string description;
};

struct ReadRequest {
  Request request;
  std::size_t consumed = 0;  // bytes of `bytes` the request took; a pipelined one may follow
  unsigned version = 11;     // 10 or 11
  bool keep_alive = true;    // what the client asked for
};

// Reads the first request of `bytes` with the parser, limits and framing rules (and the
// Request fields) a connection uses, without a socket: the request path of the servers for
// in-process callers such as the fuzz targets.
std::variant<ReadRequest, RequestRejection> read_request(std::string_view bytes,
                                                         const ServerLimits& limits,
                                                         const ConnectionInfo& info);

class Server {
 public:
  Server(boost::asio::any_io_executor executor, RequestHandler handler, ServerLimits limits = {},
         core::Logger logger = core::null_logger());
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting; returns the bound port. Errors: Errc::bind_failed.
  core::Result<std::uint16_t> listen(const ListenerSpec& spec);
  // Stops accepting, closes idle connections and, after the shutdown grace, all others.
  void stop();
  std::size_t open_connections() const;
  ServerStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Calls `on_signal` once on SIGINT or SIGTERM, on the executor's thread. While armed it keeps
// the io_context's run() from returning: cancel() (or destroy) it when shutting down.
class TerminationSignals {
 public:
  TerminationSignals(boost::asio::any_io_executor executor, std::function<void(int)> on_signal);
  ~TerminationSignals();
  TerminationSignals(const TerminationSignals&) = delete;
  TerminationSignals& operator=(const TerminationSignals&) = delete;
  void cancel();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace toolauth::http
