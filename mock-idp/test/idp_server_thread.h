#pragma once
// A real IdpServer on port 0 (HTTPS STS and the plain-HTTP managed identity listener) with its
// io_context on a background thread, and blocking calls to it over the wire, for tests of the
// IdP's endpoints. The server has its own SystemClock, which a test may advance.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "reply.h"
#include "toolauth/core/json.h"
#include "toolauth/core/random.h"
#include "toolauth/http/client.h"
#include "toolauth/idp/idp_server.h"
#include "toolauth/jose/jwt.h"

namespace toolauth::idp::testing {

// The default world's idp.json, for tests that change it (test-only principals).
inline nlohmann::json default_world_document() {
  auto document = core::parse_json(default_idp_fixtures());
  if (!document.ok()) throw std::runtime_error(document.error().message());
  return std::move(*document);
}

// The claims of a JWT, unverified (the tests check what the IdP put in).
inline nlohmann::json claims_of(const std::string& token) {
  auto decoded = jose::decode_jwt(token);
  EXPECT_TRUE(decoded.ok());
  return decoded.ok() ? decoded->payload : nlohmann::json();
}

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class IdpServerThread {
 public:
  struct Options {
    std::optional<nlohmann::json> fixtures;  // instead of the built-in default world
    std::filesystem::path state_dir;         // empty: in memory
  };

  IdpServerThread() : IdpServerThread(Options{}) {}
  explicit IdpServerThread(Options options) : work_(boost::asio::make_work_guard(io_)) {
    scratch_ = std::filesystem::temp_directory_path() / ("idp-test-" + core::random_hex(8));
    std::filesystem::create_directories(scratch_);
    IdpServerOptions o;
    o.port = 0;
    o.mi_port = 0;
    o.state_dir = options.state_dir;
    o.templates = {{"emulator_url", "https://localhost:4780"},
                   {"emulator_http_url", "http://localhost:4784"},
                   {"mcp_url", "https://localhost:4783"}};
    if (options.fixtures) {
      o.fixtures = scratch_ / "idp.json";
      std::ofstream(o.fixtures) << options.fixtures->dump(2);
    }
    auto started = IdpServer::start(io_.get_executor(), clock_, o);
    if (!started.ok()) throw std::runtime_error(started.error().message());
    server_ = std::move(*started);
    directory_ = server_->provider().directory();
    thread_ = std::thread([this] { io_.run(); });
  }

  ~IdpServerThread() {
    on_server_thread([this] {
      server_->stop();
      server_.reset();
    });
    work_.reset();
    thread_.join();
    std::error_code ignored;
    std::filesystem::remove_all(scratch_, ignored);
  }

  IdpServer& server() { return *server_; }
  core::SystemClock& clock() { return clock_; }
  // The directory as the server started with it.
  const Directory& directory() const { return directory_; }
  const Tenant& tenant(std::string_view name) const { return *directory_.tenant_named(name); }
  std::string token_url(std::string_view tenant_name) const {
    return "/" + directory_.tenant_named(tenant_name)->id + "/oauth2/v2.0/token";
  }

  // Runs `fn` on the server thread and waits for it: the IdP's state is the server's alone.
  template <class F>
  auto on_server_thread(F fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto future = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return future.get();
  }

  // Mints an access token as the IdP would (for inputs no grant of the test can produce).
  std::string mint(const AccessTokenRequest& request) {
    return on_server_thread([&] {
      auto minted = server_->provider().tokens().access_token(request);
      if (!minted.ok()) throw std::runtime_error(minted.error().message());
      return minted->token;
    });
  }

  // POST of a form to the HTTPS STS.
  Reply post_form(std::string_view path, const http::Params& form, http::Headers headers = {}) {
    headers.set("Content-Type", "application/x-www-form-urlencoded");
    return send({.method = http::Method::post,
                 .url = server_->url() + std::string(path),
                 .headers = std::move(headers),
                 .body = http::encode_form(form)});
  }
  // GET on the plain-HTTP managed identity listener.
  Reply get_mi(std::string_view path_and_query, const HeaderList& fields = {}) {
    http::Headers headers;
    for (const auto& [name, value] : fields) headers.add(name, value);
    return send({.method = http::Method::get,
                 .url = server_->mi_url() + std::string(path_and_query),
                 .headers = std::move(headers)});
  }
  // The ready document, read on the server thread.
  nlohmann::json ready_document() {
    return on_server_thread([this] { return server_->ready_document(); });
  }

  Reply send(http::ClientRequest request) {
    std::promise<core::Result<http::ClientResponse>> done;
    boost::asio::io_context io;
    http::ClientOptions options{.ca_file = server_->ca_file().string()};
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          http::Client client(co_await boost::asio::this_coro::executor, options);
          done.set_value(co_await client.send(std::move(request)));
        },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
    io.run();
    auto response = done.get_future().get();
    if (!response.ok()) throw std::runtime_error(response.error().message());
    return to_reply(*response);
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  core::SystemClock clock_;
  std::filesystem::path scratch_;
  std::unique_ptr<IdpServer> server_;
  Directory directory_;
  std::thread thread_;
};

// The AADSTS number of an Entra error body.
inline int aadsts(const Reply& reply) {
  const auto& codes =
      reply.body.is_object() ? reply.body.value("error_codes", nlohmann::json()) : nlohmann::json();
  return codes.is_array() && !codes.empty() && codes[0].is_number_integer() ? codes[0].get<int>()
                                                                            : 0;
}

}  // namespace toolauth::idp::testing
