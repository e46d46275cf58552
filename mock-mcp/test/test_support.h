#pragma once
// Shared by mock-mcp tests: a JWKS server on plain HTTP for the authenticator, an McpServer
// on its own thread, and a small MCP client that speaks Streamable HTTP.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <future>
#include <thread>

#include "toolauth/core/clock.h"
#include "toolauth/http/client.h"
#include "toolauth/http/router.h"
#include "toolauth/http/server.h"
#include "toolauth/http/sse.h"
#include "toolauth/jose/forge.h"
#include "toolauth/jose/jwks.h"
#include "toolauth/mcp/mcp_server.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::mcp::testing {

namespace net = boost::asio;

// The shared one (tests/support): callers here name it testing::run_sync.
using toolauth::testing::run_sync;

// An io_context on a background thread; `run_on` executes a function there and waits.
class IoThread {
 public:
  IoThread() : work_(net::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~IoThread() {
    work_.reset();
    thread_.join();
  }
  net::any_io_executor executor() { return io_.get_executor(); }
  template <class F>
  auto run_on(F fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto future = task.get_future();
    net::post(io_, [&task] { task(); });
    return future.get();
  }

 private:
  net::io_context io_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  std::thread thread_;
};

// An MCP server with the default world's mounts (bearer mounts pointed at `idp_url`).
class McpServerThread {
 public:
  explicit McpServerThread(core::SystemClock& clock,
                           std::map<std::string, std::string> templates = {}) {
    server_ = io_.run_on([&] {
      McpServerOptions options;
      options.host = "127.0.0.1";
      options.port = 0;
      options.templates = std::move(templates);
      if (!options.templates.contains("idp_url"))
        options.templates["idp_url"] = "http://127.0.0.1:9";
      auto started = McpServer::start(io_.executor(), clock, options);
      if (!started.ok()) throw std::runtime_error(started.error().message());
      return std::move(*started);
    });
  }
  ~McpServerThread() {
    io_.run_on([this] {
      server_->stop();
      server_.reset();
      return 0;
    });
  }
  McpServer& server() { return *server_; }
  std::string url(std::string_view mount) const {
    return server_->url() + "/mcp/" + std::string(mount);
  }
  std::string ca_file() const { return server_->ca_file().string(); }
  nlohmann::json mount_description(std::string_view name) {
    return io_.run_on([&] { return server_->mount(name)->describe(); });
  }

 private:
  IoThread io_;
  std::unique_ptr<McpServer> server_;
};

// One HTTP exchange with an MCP endpoint, with the SSE events of the answer parsed.
struct McpReply {
  int status = 0;
  http::Headers headers;
  std::string body;
  std::vector<http::SseEvent> events;

  // The JSON-RPC message: the body, or the last SSE event carrying an id.
  nlohmann::json message() const {
    if (events.empty()) return body.empty() ? nlohmann::json() : nlohmann::json::parse(body);
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      if (it->data.empty()) continue;
      auto j = nlohmann::json::parse(it->data);
      if (j.contains("id") && (j.contains("result") || j.contains("error"))) return j;
    }
    return nullptr;
  }
};

// A Streamable HTTP client for tests; it keeps the session id once a server gives one.
class McpTestClient {
 public:
  McpTestClient(std::string url, std::string ca_file)
      : url_(std::move(url)), ca_file_(std::move(ca_file)) {}

  http::Headers extra_headers;  // e.g. X-API-Key, Authorization
  std::string session_id;
  std::string protocol_version;

  McpReply post(const nlohmann::json& message, http::Headers headers = {}) {
    return send(http::Method::post, message.dump(), std::move(headers));
  }
  McpReply send(http::Method method, std::string body, http::Headers headers = {}) {
    return run_sync<McpReply>([&]() -> net::awaitable<McpReply> {
      http::Client client(co_await net::this_coro::executor, {.ca_file = ca_file_});
      http::ClientRequest request{.method = method, .url = url_, .body = std::move(body)};
      if (!headers.has("content-type") && method == http::Method::post)
        request.headers.add("Content-Type", "application/json");
      if (!headers.has("accept"))
        request.headers.add("Accept", "application/json, text/event-stream");
      if (!session_id.empty() && !headers.has("mcp-session-id"))
        request.headers.add("Mcp-Session-Id", session_id);
      if (!protocol_version.empty() && !headers.has("mcp-protocol-version")) {
        request.headers.add("MCP-Protocol-Version", protocol_version);
      }
      for (const auto& [n, v] : extra_headers.fields()) request.headers.add(n, v);
      for (const auto& [n, v] : headers.fields()) request.headers.add(n, v);
      auto response = co_await client.send(std::move(request));
      McpReply reply;
      if (!response.ok()) {
        reply.status = -1;
        reply.body = response.error().message();
        co_return reply;
      }
      reply.status = response->status;
      reply.headers = response->headers;
      reply.body = response->body;
      if (response->headers.get("content-type").value_or("").starts_with("text/event-stream")) {
        http::SseParser parser;
        reply.events = parser.feed(response->body);
      }
      co_return reply;
    });
  }

  // initialize + notifications/initialized; returns the initialize reply.
  McpReply initialize(std::string version = "2025-11-25") {
    auto reply = post({{"jsonrpc", "2.0"},
                       {"id", 0},
                       {"method", "initialize"},
                       {"params",
                        {{"protocolVersion", version},
                         {"capabilities", nlohmann::json::object()},
                         {"clientInfo", {{"name", "test"}, {"version", "1"}}}}}});
    if (auto id = reply.headers.get("mcp-session-id")) session_id = *id;
    if (reply.status == 200) {
      protocol_version = reply.message()["result"]["protocolVersion"];
      post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
    }
    return reply;
  }

  McpReply call(const std::string& tool, nlohmann::json arguments = nlohmann::json::object(),
                nlohmann::json meta = nullptr) {
    nlohmann::json params = {{"name", tool}, {"arguments", std::move(arguments)}};
    if (!meta.is_null()) params["_meta"] = std::move(meta);
    return post(
        {{"jsonrpc", "2.0"}, {"id", ++next_id_}, {"method", "tools/call"}, {"params", params}});
  }

 private:
  std::string url_;
  std::string ca_file_;
  int next_id_ = 0;
};

}  // namespace toolauth::mcp::testing
