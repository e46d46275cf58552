#pragma once
// A real IdpServer (default world, in-memory state, port 0) on its own io_context thread, and
// blocking HTTPS requests to it that trust its CA, for tests of the IdP's endpoints.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "toolauth/core/clock.h"
#include "toolauth/core/json.h"
#include "toolauth/core/log.h"
#include "toolauth/http/client.h"
#include "toolauth/idp/idp_server.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::idp::testing {

using toolauth::testing::run_sync;

class UserFlowServer {
 public:
  // `configure` may change the options (templates, fixtures) before the server starts.
  explicit UserFlowServer(std::function<void(IdpServerOptions&)> configure = {})
      : work_(boost::asio::make_work_guard(io_)) {
    IdpServerOptions options;
    options.port = 0;
    options.mi_port = 0;
    options.logger = core::null_logger();
    options.templates = {{"emulator_url", "https://localhost:4780"},
                         {"emulator_http_url", "http://localhost:4784"},
                         {"mcp_url", "https://localhost:4783"}};
    if (configure) configure(options);
    auto started = IdpServer::start(io_.get_executor(), clock_, std::move(options));
    if (!started.ok()) throw std::runtime_error(started.error().message());
    server_ = std::move(*started);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~UserFlowServer() {
    on_server_thread([this] {
      server_->stop();
      server_.reset();
    });
    work_.reset();
    thread_.join();
  }
  UserFlowServer(const UserFlowServer&) = delete;
  UserFlowServer& operator=(const UserFlowServer&) = delete;

  const std::string& url() const { return server_->url(); }
  std::string ca_file() const { return server_->ca_file().string(); }
  core::SystemClock& clock() { return clock_; }
  // The IdP's state is single-threaded: touch it only inside on_server_thread.
  IdentityProvider& provider() { return server_->provider(); }
  // The journal is thread-safe.
  service::Journal& journal() { return server_->provider().journal(); }

  template <class F>
  auto on_server_thread(F fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto future = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return future.get();
  }

  // One request; redirects are not followed. `url` may be a path on this server.
  http::ClientResponse send(http::Method method, std::string url, http::Headers headers = {},
                            std::string body = {}) {
    if (url.starts_with("/")) url = server_->url() + url;
    http::ClientRequest request{method, std::move(url), std::move(headers), std::move(body)};
    const auto ca = ca_file();
    auto result = run_sync<core::Result<http::ClientResponse>>(
        [&]() -> boost::asio::awaitable<core::Result<http::ClientResponse>> {
          http::Client client(co_await boost::asio::this_coro::executor, {.ca_file = ca});
          co_return co_await client.send(request);
        });
    if (!result.ok()) throw std::runtime_error("request failed: " + result.error().message());
    return std::move(*result);
  }
  http::ClientResponse get(std::string url, http::Headers headers = {}) {
    return send(http::Method::get, std::move(url), std::move(headers));
  }
  http::ClientResponse post_form(std::string url, const http::Params& form,
                                 http::Headers headers = {}) {
    headers.set("Content-Type", "application/x-www-form-urlencoded");
    return send(http::Method::post, std::move(url), std::move(headers), http::encode_form(form));
  }
  http::ClientResponse post_json(std::string url, const nlohmann::json& body) {
    http::Headers headers;
    headers.set("Content-Type", "application/json");
    return send(http::Method::post, std::move(url), std::move(headers), body.dump());
  }
  // Moves the IdP's clock through the admin plane.
  void advance_clock(std::chrono::seconds step) {
    const auto response = post_json("/_admin/clock", {{"advance_seconds", step.count()}});
    if (response.status != 200) throw std::runtime_error("clock: " + response.body);
  }

 private:
  core::SystemClock clock_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<IdpServer> server_;
  std::thread thread_;
};

inline nlohmann::json json_body(const http::ClientResponse& response) {
  auto parsed = core::parse_json(response.body);
  if (!parsed.ok()) throw std::runtime_error("not JSON: " + response.body);
  return std::move(*parsed);
}

// The AADSTS number of an Entra error body (0 when absent).
inline int aadsts(const http::ClientResponse& response) {
  auto body = core::parse_json(response.body);
  if (!body.ok() || !body->contains("error_codes") || !(*body)["error_codes"].is_array() ||
      (*body)["error_codes"].empty() || !(*body)["error_codes"][0].is_number_integer()) {
    return 0;
  }
  return (*body)["error_codes"][0].get<int>();
}

}  // namespace toolauth::idp::testing
