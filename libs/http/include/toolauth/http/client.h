#pragma once
// An HTTP(S) client for outbound calls (to the IdP, to MCP servers, to implementations under
// test). TLS is verified against the given CA (or the system store) including the host name
// or IP address; every request has a timeout; idle connections are reused per origin.
//
// A request is retried once on a fresh connection only when a reused connection turns out
// to have been closed by the server before any byte of the response arrived: the server
// never read it, so even a single-use request (a refresh token) is safe to send again.
//
// Threading: use from coroutines on one executor thread.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/core/result.h"
#include "toolauth/http/message.h"

namespace toolauth::http {

struct ClientOptions {
  static constexpr std::chrono::milliseconds kDefaultTimeout{30'000};
  static constexpr std::size_t kMaxResponseBytes = 16 * 1024 * 1024;
  static constexpr std::size_t kMaxIdlePerOrigin = 16;
  static constexpr std::chrono::milliseconds kIdleTimeout{20'000};

  // PEM file of the CA to trust for https; empty means the system trust store.
  std::string ca_file;
  // More PEM files of CAs trusted besides `ca_file` (or the system store), e.g. the CA of a
  // server under test next to the local CA.
  std::vector<std::string> extra_ca_files;
  std::chrono::milliseconds timeout = kDefaultTimeout;
  std::size_t max_response_bytes = kMaxResponseBytes;
  std::size_t max_idle_per_origin = kMaxIdlePerOrigin;
  // Idle connections older than this are not reused (shorter than servers' keep-alive).
  std::chrono::milliseconds idle_timeout = kIdleTimeout;
};

struct ClientRequest {
  Method method = Method::get;
  std::string url;  // absolute http:// or https:// URL
  Headers headers;
  std::string body;
  // Per-request override of ClientOptions::timeout.
  std::optional<std::chrono::milliseconds> timeout;
  // The request spends something that works once (an authorization code, a rotating refresh
  // token): it goes out on a new connection and is never sent again. A request on a pooled
  // connection is retried once when the connection turns out closed before any answer, but
  // the client cannot tell that from a server that carried the request out and then lost
  // the connection.
  bool once = false;
};

struct ClientResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

struct ClientStats {
  std::uint64_t connections_opened = 0;
  std::uint64_t requests = 0;
  std::uint64_t reused = 0;
  std::uint64_t retries = 0;
};

class Client {
 public:
  Client(boost::asio::any_io_executor executor, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Errors: Errc::invalid_url, unsupported_scheme, connect_failed, tls_failed, timeout,
  // connection_closed, response_too_large, protocol_error.
  boost::asio::awaitable<core::Result<ClientResponse>> send(ClientRequest request);

  ClientStats stats() const;
  // Closes every idle connection.
  void close_idle();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace toolauth::http
