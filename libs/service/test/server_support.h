#pragma once
// For libs/service tests that talk HTTP: a Server on port 0 whose io_context runs on a
// background thread (the pattern of libs/http/test/test_support.h), and a blocking call.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "toolauth/http/client.h"
#include "toolauth/http/server.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::service::testing {

// The shared one (tests/support): callers here name it testing::run_sync.
using toolauth::testing::run_sync;

class ServerThread {
 public:
  explicit ServerThread(http::RequestHandler handler)
      : work_(boost::asio::make_work_guard(io_)),
        server_(std::make_unique<http::Server>(io_.get_executor(), std::move(handler))) {
    auto bound = server_->listen({"127.0.0.1", 0, std::nullopt});
    if (!bound.ok()) throw std::runtime_error(bound.error().message());
    port_ = *bound;
    thread_ = std::thread([this] { io_.run(); });
  }

  ~ServerThread() {
    std::promise<void> stopped;
    boost::asio::post(io_, [this, &stopped] {
      server_->stop();
      server_.reset();
      stopped.set_value();
    });
    stopped.get_future().wait();
    work_.reset();
    thread_.join();
  }

  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

struct Reply {
  int status = 0;
  http::Headers headers;
  nlohmann::json body;  // null when the body is not JSON
};

// One request over a fresh client; throws when the request itself fails.
inline Reply call(const ServerThread& server, http::Method method, std::string_view path,
                  std::string body = {}, http::Headers headers = {}) {
  http::ClientRequest request{.method = method,
                              .url = server.url(path),
                              .headers = std::move(headers),
                              .body = std::move(body)};
  auto response = run_sync<core::Result<http::ClientResponse>>(
      [&]() -> boost::asio::awaitable<core::Result<http::ClientResponse>> {
        http::Client client(co_await boost::asio::this_coro::executor);
        co_return co_await client.send(request);
      });
  if (!response.ok()) throw std::runtime_error(response.error().message());
  Reply reply{response->status, response->headers,
              nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false)};
  if (reply.body.is_discarded()) reply.body = nullptr;
  return reply;
}

}  // namespace toolauth::service::testing
