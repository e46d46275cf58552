#pragma once
// Shared by libs/http tests: a server running on its own thread, a raw socket for sending
// bytes no well-behaved client would, and a way to run a coroutine to completion.

#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "toolauth/http/client.h"
#include "toolauth/http/server.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::http::testing {

// The shared one (tests/support): callers here name it testing::run_sync.
using toolauth::testing::run_sync;

// A Server on port 0 whose io_context runs on a background thread.
class ServerThread {
 public:
  ServerThread(RequestHandler handler, ServerLimits limits = {},
               std::optional<TlsCredentials> tls = std::nullopt, std::string host = "127.0.0.1")
      : work_(boost::asio::make_work_guard(io_)),
        server_(std::make_unique<Server>(io_.get_executor(), std::move(handler), limits)) {
    auto bound = server_->listen({host, 0, std::move(tls)});
    if (!bound.ok()) throw std::runtime_error(bound.error().message());
    port_ = *bound;
    thread_ = std::thread([this] { io_.run(); });
  }

  ~ServerThread() {
    on_server_thread([this] {
      server_->stop();
      server_.reset();
    });
    work_.reset();  // run() returns once the closing sessions have finished
    thread_.join();
  }

  std::uint16_t port() const { return port_; }
  std::string url(std::string_view path = "/", std::string_view scheme = "http") const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

  // Runs `fn` on the server thread and waits for it.
  template <class F>
  auto on_server_thread(F fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto future = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return future.get();
  }

  ServerStats stats() {
    return on_server_thread([this] { return server_->stats(); });
  }
  std::size_t open_connections() {
    return on_server_thread([this] { return server_->open_connections(); });
  }
  void stop() {
    on_server_thread([this] { server_->stop(); });
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// A blocking TCP connection for sending raw bytes.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }

  void send(std::string_view bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes)); }

  // Reads until `marker` has arrived; returns everything read.
  std::string read_until(std::string_view marker) {
    std::string out;
    char buffer[4096];
    while (out.find(marker) == std::string::npos) {
      out.append(buffer, socket_.read_some(boost::asio::buffer(buffer)));
    }
    return out;
  }

  // Goes away as a client that stops reading does: a FIN, then nothing.
  void close() { socket_.close(); }

  // One response whose length is given by Content-Length; the connection stays open.
  std::string read_response() {
    boost::asio::streambuf buffer;
    boost::asio::read_until(socket_, buffer, "\r\n\r\n");
    std::string head(boost::asio::buffers_begin(buffer.data()),
                     boost::asio::buffers_end(buffer.data()));
    const auto length_at = head.find("Content-Length: ");
    const std::size_t length =
        length_at == std::string::npos ? 0 : std::stoul(head.substr(length_at + 16));
    const auto body_start = head.find("\r\n\r\n") + 4;
    if (head.size() < body_start + length) {
      boost::asio::read(socket_, buffer,
                        boost::asio::transfer_exactly(body_start + length - head.size()));
    }
    return {boost::asio::buffers_begin(buffer.data()), boost::asio::buffers_end(buffer.data())};
  }

  // Everything until the server closes the connection (or `limit` elapses: then the test
  // fails on the returned marker instead of hanging).
  std::string read_until_closed(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    socket_.non_blocking(false);
    timeval tv{static_cast<time_t>(limit.count() / 1000),
               static_cast<suseconds_t>((limit.count() % 1000) * 1000)};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    char buffer[4096];
    while (true) {
      boost::system::error_code ec;
      const auto n = socket_.read_some(boost::asio::buffer(buffer), ec);
      out.append(buffer, n);
      if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
        return out + "<still open>";
      }
      if (ec) return out;
    }
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
};

inline int status_of(std::string_view raw_response) {
  if (raw_response.size() < 12 || raw_response.substr(0, 9) != "HTTP/1.1 ") return 0;
  return std::stoi(std::string(raw_response.substr(9, 3)));
}

}  // namespace toolauth::http::testing
