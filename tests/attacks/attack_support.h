#pragma once
// What the attack corpus shares: a raw TLS connection for bytes no well-behaved client sends,
// HTTPS requests that trust the local CA, a look-alike JWKS and certificate host for header
// attacks (jku, x5u), and the health check every case ends with.
//
// Every helper here is blocking and bounded in time: an attack that makes a server hang fails
// the case on a marker instead of hanging the test.

#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <net/if.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "toolauth/core/clock.h"
#include "toolauth/http/client.h"
#include "toolauth/http/router.h"
#include "toolauth/http/server.h"
#include "toolauth/jose/jwks.h"
#include "toolauth/jose/jwt.h"
#include "toolauth/jose/signing_key.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::attacks {

using namespace std::chrono_literals;

// One answer as a test reads it.
struct WireReply {
  int status = 0;
  http::Headers headers;
  std::string text;
  nlohmann::json body;  // null unless the body is JSON
};

// One HTTPS exchange over a fresh connection that trusts `ca_file`.
inline WireReply https(const std::string& ca_file, http::ClientRequest request) {
  auto response = toolauth::testing::run_sync<core::Result<http::ClientResponse>>(
      [&]() -> boost::asio::awaitable<core::Result<http::ClientResponse>> {
        http::Client client(co_await boost::asio::this_coro::executor, {.ca_file = ca_file});
        co_return co_await client.send(std::move(request));
      });
  if (!response.ok()) throw std::runtime_error(response.error().message());
  WireReply reply{.status = response->status, .headers = response->headers, .text = response->body};
  reply.body = nlohmann::json::parse(reply.text, nullptr, /*allow_exceptions=*/false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  return reply;
}

// After every attack: the server answers its health check over a fresh connection.
inline void expect_healthy(const std::string& base_url, const std::string& ca_file,
                           http::Headers headers = {}) {
  auto reply = https(ca_file, {.method = http::Method::get,
                               .url = base_url + "/_admin/healthz",
                               .headers = std::move(headers)});
  EXPECT_EQ(reply.status, 200) << "unhealthy after the attack: " << reply.text;
}

// "HTTP/1.1 431 ..." -> 431; 0 when the text is no HTTP response.
inline int status_of(std::string_view raw) {
  if (raw.size() < 12 || raw.substr(0, 9) != "HTTP/1.1 ") return 0;
  return std::stoi(std::string(raw.substr(9, 3)));
}

// The body of a raw response, parsed as JSON (null when it is not).
inline nlohmann::json json_body_of(std::string_view raw) {
  const auto at = raw.find("\r\n\r\n");
  if (at == std::string_view::npos) return nullptr;
  auto body = nlohmann::json::parse(raw.substr(at + 4), nullptr, /*allow_exceptions=*/false);
  return body.is_discarded() ? nlohmann::json() : body;
}

// A TLS connection from the test thread that sends exactly the bytes it is given. It verifies
// the server's certificate for `localhost` (the local CA's leaf names it) whichever address it
// connects to, so it also reaches a server bound to a non-loopback address.
class RawTls {
 public:
  RawTls(const std::string& address, std::uint16_t port, const std::string& ca_file)
      : tls_(boost::asio::ssl::context::tls_client), stream_(io_, tls_) {
    tls_.load_verify_file(ca_file);
    stream_.set_verify_mode(boost::asio::ssl::verify_peer);
    stream_.set_verify_callback(boost::asio::ssl::host_name_verification("localhost"));
    SSL_set_tlsext_host_name(stream_.native_handle(), "localhost");
    stream_.lowest_layer().connect({boost::asio::ip::make_address(address), port});
    bool done = false;
    boost::system::error_code ec;
    stream_.async_handshake(boost::asio::ssl::stream_base::client,
                            [&](boost::system::error_code e) {
                              ec = e;
                              done = true;
                            });
    if (!run_until(done, 5s) || ec)
      throw std::runtime_error("TLS handshake failed: " + ec.message());
  }

  // Writes `bytes`; false when the server has closed the connection meanwhile.
  bool send(std::string_view bytes) {
    bool done = false;
    boost::system::error_code ec;
    boost::asio::async_write(stream_, boost::asio::buffer(bytes),
                             [&](boost::system::error_code e, std::size_t) {
                               ec = e;
                               done = true;
                             });
    return run_until(done, 5s) && !ec;
  }

  // Everything until the server closes the connection, or what came within `limit` followed
  // by "<still open>".
  std::string read_until_closed(std::chrono::milliseconds limit = 5s) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    char buffer[4096];
    while (true) {
      bool done = false;
      boost::system::error_code ec;
      std::size_t n = 0;
      stream_.async_read_some(boost::asio::buffer(buffer),
                              [&](boost::system::error_code e, std::size_t read) {
                                ec = e;
                                n = read;
                                done = true;
                              });
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (!run_until(done, std::max(left, 1ms))) return out + "<still open>";
      out.append(buffer, n);
      if (ec) return out;
    }
  }

  // One response (headers and a Content-Length body); the connection stays open.
  std::string read_response(std::chrono::milliseconds limit = 5s) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    char buffer[4096];
    while (true) {
      const auto head_end = out.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::size_t length = 0;
        auto at = out.find("Content-Length: ");
        if (at == std::string::npos) at = out.find("content-length: ");
        if (at != std::string::npos && at < head_end) length = std::stoul(out.substr(at + 16));
        if (out.size() >= head_end + 4 + length) return out;
      }
      bool done = false;
      boost::system::error_code ec;
      std::size_t n = 0;
      stream_.async_read_some(boost::asio::buffer(buffer),
                              [&](boost::system::error_code e, std::size_t read) {
                                ec = e;
                                n = read;
                                done = true;
                              });
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (!run_until(done, std::max(left, 1ms))) return out + "<still open>";
      out.append(buffer, n);
      if (ec) return out + "<closed>";
    }
  }

 private:
  // Runs the io_context until `done` or `limit`; on timeout the pending operation is cancelled.
  bool run_until(bool& done, std::chrono::milliseconds limit) {
    io_.restart();
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done && std::chrono::steady_clock::now() < deadline) {
      io_.run_one_for(deadline - std::chrono::steady_clock::now());
    }
    if (done) return true;
    boost::system::error_code ignored;
    stream_.lowest_layer().cancel(ignored);
    io_.restart();
    while (!done) io_.run_one();
    return false;
  }

  boost::asio::io_context io_;
  boost::asio::ssl::context tls_;
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
};

// The payload of a JWT, unverified: the claims an attacker copies from a token it holds.
inline nlohmann::json claims_of(const std::string& token) {
  auto decoded = jose::decode_jwt(token);
  if (!decoded.ok()) throw std::runtime_error("not a JWT");
  return decoded->payload;
}

// The attacker's key host for jku and x5u: serves a JWKS naming the attacker's key and that
// key's certificate over plain HTTP on 127.0.0.1, and counts every fetch. A verifier that
// honours a header URL fetches from here (and would then accept the attacker's signature).
// One per test process (shared()): its RSA key takes a while to make, and no server under
// attack may fetch from it, ever.
class AttackerKeyHost {
 public:
  static AttackerKeyHost& shared() {
    static core::SystemClock clock;
    static AttackerKeyHost host(clock);
    return host;
  }

  explicit AttackerKeyHost(const core::Clock& clock)
      : key_(*jose::SigningKey::generate_rsa(clock, "attacker")),
        work_(boost::asio::make_work_guard(io_)) {
    router_.add(http::Method::get, "/jwks.json", [this](http::Request&) {
      ++fetches;
      return http::Response::json(200, jose::jwks_document({key_}));
    });
    router_.add(http::Method::get, "/cert.pem", [this](http::Request&) {
      ++fetches;
      return http::Response::text(200, key_.certificate.to_pem(),
                                  "application/pem-certificate-chain");
    });
    server_ = std::make_unique<http::Server>(io_.get_executor(), router_.handler());
    port_ = *server_->listen({"127.0.0.1", 0, std::nullopt});
    thread_ = std::thread([this] { io_.run(); });
  }
  ~AttackerKeyHost() {
    boost::asio::post(io_, [this] { server_->stop(); });
    work_.reset();
    thread_.join();
  }
  AttackerKeyHost(const AttackerKeyHost&) = delete;
  AttackerKeyHost& operator=(const AttackerKeyHost&) = delete;

  const jose::SigningKey& key() const { return key_; }
  std::string jwks_url() const { return base() + "/jwks.json"; }
  std::string certificate_url() const { return base() + "/cert.pem"; }
  std::atomic<int> fetches = 0;

 private:
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

  jose::SigningKey key_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// Slowloris: sends `head` (a request head that never ends) a byte every 50 ms and expects the
// server to cut the connection off without an answer within its read timeout (plus slack).
inline void expect_slowloris_cut_off(RawTls& connection, const std::string& head,
                                     std::chrono::milliseconds read_timeout) {
  const auto started = std::chrono::steady_clock::now();
  std::size_t sent = 0;
  while (sent < head.size() && connection.send(head.substr(sent, 1))) {
    ++sent;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the client's pace
  }
  EXPECT_EQ(connection.read_until_closed(), "");  // cut off without an answer
  EXPECT_LT(sent, head.size()) << "never cut off";
  EXPECT_LT(std::chrono::steady_clock::now() - started, read_timeout + std::chrono::seconds(2));
}

// An IPv4 address of this machine outside 127/8 (which the admin plane treats as loopback,
// as all of 127/8 is), or nullopt on a machine with loopback only.
inline std::optional<std::string> non_loopback_address() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return std::nullopt;
  std::optional<std::string> found;
  for (auto* entry = list; entry != nullptr && !found; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) continue;
    if ((entry->ifa_flags & IFF_UP) == 0 || (entry->ifa_flags & IFF_LOOPBACK) != 0) continue;
    const auto* in = reinterpret_cast<const sockaddr_in*>(entry->ifa_addr);
    const auto address = boost::asio::ip::address_v4(ntohl(in->sin_addr.s_addr));
    if (!address.is_loopback()) found = address.to_string();
  }
  ::freeifaddrs(list);
  return found;
}

}  // namespace toolauth::attacks
