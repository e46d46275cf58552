#pragma once
// The request path of a server, in-process and without sockets, for the server fuzz targets:
// each request of the input goes through http::read_request (the connection's parser, limits
// and framing rules) and then the server's own handler (pre-routing hook with its admin access
// check, router, route handlers); a streamed answer (SSE) is run against an in-memory event
// stream. Pipelined requests are served in order while the client keeps the connection alive,
// as a connection would.
//
// Findings abort the process: a handler that throws (a connection would answer 500), a 500
// answer, a status outside 100-599, a rejection other than 400, 413, 431 or "incomplete".
//
// The peer is not loopback (kFuzzPeer), so the admin plane is closed to the input: it is
// fuzzed only as far as its access check. Between inputs the harness resets the server through
// its admin plane from loopback, so every input starts from the fixtures.

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "toolauth/core/clock.h"
#include "toolauth/http/message.h"
#include "toolauth/http/server.h"

namespace toolauth::fuzz {

// The admin key the servers run with in the fuzz targets; the input never learns it.
inline constexpr std::string_view kFuzzAdminKey = "fuzz-admin-key-0c1d2e3f4a5b6c7d";
// A documentation address (RFC 5737): not loopback.
inline constexpr std::string_view kFuzzPeer = "192.0.2.10";

class ServerRequestHarness {
 public:
  // `handler` is the server's; `tls` and `local_port` describe the listener the requests
  // arrive on; `resets`: POST /_admin/reset after each input (false for a listener without
  // the reset route, whose state another harness resets).
  ServerRequestHarness(boost::asio::io_context& io, http::RequestHandler handler, bool tls,
                       unsigned short local_port, bool resets = true);
  ~ServerRequestHarness();

  void run(std::string_view input);

 private:
  struct Streams;
  http::Response serve(http::Request& request);
  void reset();

  boost::asio::io_context& io_;
  http::RequestHandler handler_;
  bool resets_;
  http::ConnectionInfo info_;
  std::unique_ptr<Streams> streams_;
};

// The io_context and SystemClock every server target runs on, alive for the whole process.
boost::asio::io_context& fuzz_io();
core::SystemClock& fuzz_clock();

}  // namespace toolauth::fuzz
