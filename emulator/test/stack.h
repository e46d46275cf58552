#pragma once
// Integration tests of the emulator: mock-idp, mock-mcp and the emulator started in-process
// on port 0, on one io_context thread and one SystemClock, sharing one state folder (so one
// local CA that every client trusts), as `toolauth up` runs them. Calls go over real loopback
// HTTPS from the test thread.
//
//   Stack stack;                        // or Stack stack({"skip-state-check"}): a mutant
//   auto token = stack.user_token("alice");
//   auto reply = stack.call(http::Method::get, stack.project_url("alpha") +
//                           "/connections?api-version=v1", token);

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <filesystem>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include "toolauth/core/json.h"
#include "toolauth/core/random.h"
#include "toolauth/emulator/emulator_server.h"
#include "toolauth/http/client.h"
#include "toolauth/http/params.h"
#include "toolauth/http/sse.h"
#include "toolauth/idp/idp_server.h"
#include "toolauth/mcp/mcp_server.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::emulator::testing {

struct HttpReply {
  int status = 0;
  http::Headers headers;
  std::string text;
  nlohmann::json body;                 // parsed when the body is JSON
  std::vector<http::SseEvent> events;  // parsed when it is an event stream

  // The error object's members of an OpenAI/Azure error body.
  std::string error_code() const { return body["error"].value("code", ""); }
  std::string inner_code() const {
    const auto& e = body["error"];
    return e.contains("innererror") ? e["innererror"].value("code", "") : std::string();
  }
};

class Stack {
 public:
  static constexpr const char* kContoso = "9fb93534-081c-4253-b1e2-73a87984a8ab";
  static constexpr const char* kFabrikam = "db149e47-14be-49ab-b93f-e42eabd2d9f2";

  // `defects`: the emulator's (defects.h); a restart keeps them. `mcp_call_errors`: the
  // emulator's shape of mcp_call.error. `runtime_api`: the runtime API extension is on.
  explicit Stack(std::set<std::string> defects = {},
                 McpCallErrorFormat mcp_call_errors = McpCallErrorFormat::string,
                 bool runtime_api = false)
      : defects_(std::move(defects)),
        work_(boost::asio::make_work_guard(io_)),
        mcp_call_errors_(mcp_call_errors),
        runtime_api_(runtime_api) {
    dir_ = std::filesystem::temp_directory_path() / ("emulator-stack-" + core::random_hex(8));
    std::filesystem::create_directories(dir_);
    idp::IdpServerOptions i;
    i.port = 0;
    i.mi_port = 0;
    i.state_dir = dir_;
    i.templates = {{"emulator_url", "https://localhost:4780"},
                   {"emulator_http_url", "http://localhost:4784"},
                   {"mcp_url", "https://localhost:4783"}};
    idp_ = take(idp::IdpServer::start(io_.get_executor(), clock_, i));
    mcp::McpServerOptions m;
    m.port = 0;
    m.state_dir = dir_;
    m.templates = {{"idp_url", idp_->url()}};
    mcp_ = take(mcp::McpServer::start(io_.get_executor(), clock_, m));
    start_emulator();
    ca_file_ = emulator_->ca_file().string();
    thread_ = std::thread([this] { io_.run(); });
  }

  ~Stack() {
    on_server_thread([this] {
      emulator_->stop();
      mcp_->stop();
      idp_->stop();
      return 0;
    });
    work_.reset();
    thread_.join();
    emulator_.reset();
    mcp_.reset();
    idp_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // Stops the emulator and starts it again on the same state folder (a new port), as a
  // process restart would.
  void restart_emulator() {
    on_server_thread([this] {
      emulator_->stop();
      emulator_.reset();
      start_emulator();
      return 0;
    });
  }

  core::SystemClock& clock() { return clock_; }
  EmulatorServer& emulator() { return *emulator_; }
  mcp::McpServer& mcp() { return *mcp_; }
  idp::IdpServer& idp() { return *idp_; }
  const std::string& ca_file() const { return ca_file_; }
  std::string project_url(std::string_view project) const {
    return emulator_->url() + "/api/projects/" + std::string(project);
  }

  template <class F>
  auto on_server_thread(F fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto future = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return future.get();
  }

  HttpReply send(http::ClientRequest request) const {
    const std::string ca = ca_file_;
    auto response = toolauth::testing::run_sync<core::Result<http::ClientResponse>>(
        [&]() -> boost::asio::awaitable<core::Result<http::ClientResponse>> {
          http::Client client(co_await boost::asio::this_coro::executor, {.ca_file = ca});
          co_return co_await client.send(request);
        });
    if (!response.ok()) throw std::runtime_error(response.error().message());
    HttpReply reply{response->status, response->headers, response->body, nullptr, {}};
    const auto type = std::string(response->headers.get("content-type").value_or(""));
    if (type.starts_with("application/json")) {
      if (auto json = core::parse_json(response->body); json.ok()) reply.body = std::move(*json);
    } else if (type.starts_with("text/event-stream")) {
      http::SseParser parser;
      reply.events = parser.feed(response->body);
    }
    return reply;
  }

  // A data-plane call with a bearer token (none when empty) and an optional JSON body.
  HttpReply call(http::Method method, const std::string& url, const std::string& token,
                 const nlohmann::json& body = nullptr, http::Headers headers = {}) const {
    http::ClientRequest request{.method = method, .url = url, .headers = std::move(headers)};
    if (!token.empty()) request.headers.set("Authorization", "Bearer " + token);
    if (!body.is_null()) {
      request.headers.set("Content-Type", "application/json");
      request.body = body.dump();
    }
    return send(std::move(request));
  }
  HttpReply call_raw(http::Method method, const std::string& url, const std::string& token,
                     std::string body) const {
    http::ClientRequest request{.method = method, .url = url, .body = std::move(body)};
    request.headers.set("Authorization", "Bearer " + token);
    request.headers.set("Content-Type", "application/json");
    return send(std::move(request));
  }

  // A caller token for a contoso fixture user, from mock-idp by ROPC with the caller client.
  std::string user_token(const std::string& user) const {
    const auto caller = on_server_thread_const(
        [this] { return idp_->provider().directory().application_named("caller")->client_id; });
    http::ClientRequest request{.method = http::Method::post,
                                .url = idp_->url() + "/" + kContoso + "/oauth2/v2.0/token"};
    request.headers.set("Content-Type", "application/x-www-form-urlencoded");
    request.body = http::encode_form({{"grant_type", "password"},
                                      {"client_id", caller},
                                      {"username", user + "@contoso.onmicrosoft.com"},
                                      {"password", user + "-Passw0rd!"},
                                      {"scope", "https://ai.azure.com/user_impersonation"}});
    auto reply = send(std::move(request));
    if (reply.status != 200) throw std::runtime_error("ROPC failed: " + reply.text);
    return reply.body["access_token"].get<std::string>();
  }

  // A token minted by mock-idp as it would issue one, for inputs no grant produces (another
  // tenant's user for Foundry, another audience, a short lifetime).
  std::string mint(const std::string& tenant, const std::string& user, const std::string& audience,
                   std::chrono::seconds lifetime = std::chrono::seconds(3600)) {
    return on_server_thread([&] {
      auto& provider = idp_->provider();
      const auto& directory = provider.directory();
      idp::AccessTokenRequest r;
      r.tenant = directory.tenant_named(tenant);
      r.client_id = directory.application_named("caller")->client_id;
      r.user = directory.user_named(user);
      r.resource_identifier = audience;
      r.version = 1;
      r.scopes = {"user_impersonation"};
      r.lifetime = lifetime;
      auto minted = provider.tokens().access_token(r);
      if (!minted.ok()) throw std::runtime_error(minted.error().message());
      return minted->token;
    });
  }

  // Journal entries of `kind` on the mock MCP server's admin plane, oldest first.
  nlohmann::json mcp_journal(const std::string& query = "") const {
    auto reply = send(
        {.method = http::Method::get, .url = mcp_->url() + "/_admin/journal?kind=mcp" + query});
    return reply.body["entries"];
  }
  // Journal entries of `kind` on mock-idp's admin plane ("token", "managed_identity", ...).
  nlohmann::json idp_journal(const std::string& kind) const {
    auto reply =
        send({.method = http::Method::get, .url = idp_->url() + "/_admin/journal?kind=" + kind});
    return reply.body["entries"];
  }
  // Empties the journals of all three servers.
  void clear_journals() const {
    for (const auto& url : {idp_->url(), mcp_->url(), emulator_->url()})
      send({.method = http::Method::delete_, .url = url + "/_admin/journal"});
  }
  // A fault rule on mock-mcp's or mock-idp's admin plane (service/faults.h).
  void mcp_fault(const nlohmann::json& rule) const { add_fault(mcp_->url(), rule); }
  void idp_fault(const nlohmann::json& rule) const { add_fault(idp_->url(), rule); }
  // Removes every fault rule on mock-mcp, so a test's leftover rule cannot reach the next.
  void clear_mcp_faults() const {
    send({.method = http::Method::delete_, .url = mcp_->url() + "/_admin/faults"});
  }
  void add_fault(const std::string& server_url, const nlohmann::json& rule) const {
    http::ClientRequest request{
        .method = http::Method::post, .url = server_url + "/_admin/faults", .body = rule.dump()};
    request.headers.set("Content-Type", "application/json");
    auto reply = send(std::move(request));
    if (reply.status != 201) throw std::runtime_error("fault refused: " + reply.text);
  }
  // The object id of a fixture identity or user at mock-idp.
  std::string identity_oid(const std::string& name) {
    return on_server_thread(
        [&] { return idp_->provider().directory().identity_named(name)->object_id; });
  }
  std::string user_oid(const std::string& name) {
    return on_server_thread([&] { return idp_->provider().directory().user_named(name)->oid; });
  }
  std::string identity_client_id(const std::string& name) {
    return on_server_thread(
        [&] { return idp_->provider().directory().identity_named(name)->client_id; });
  }
  nlohmann::json emulator_journal(const std::string& kind) const {
    auto reply = send(
        {.method = http::Method::get, .url = emulator_->url() + "/_admin/journal?kind=" + kind});
    return reply.body["entries"];
  }

 private:
  void start_emulator() {
    EmulatorServerOptions e;
    e.port = 0;
    e.http_port = 0;
    e.state_dir = dir_;  // the same tls/ folder: one CA for all three
    e.managed_identity_url = idp_->mi_url();
    e.templates = {{"idp_url", idp_->url()}, {"mcp_url", mcp_->url()}};
    e.defects = defects_;
    e.mcp_call_errors = mcp_call_errors_;
    e.runtime_api = runtime_api_;
    emulator_ = take(EmulatorServer::start(io_.get_executor(), clock_, e));
    // The OAuth2 connections' client redirects to this emulator's callback (port 0).
    idp_->provider().add_redirect_uri(
        idp_->provider().directory().application_named("connector")->client_id,
        emulator_->url() + "/oauth/callback");
  }
  template <class T>
  static std::unique_ptr<T> take(core::Result<std::unique_ptr<T>> started) {
    if (!started.ok()) throw std::runtime_error(started.error().message());
    return std::move(*started);
  }
  template <class F>
  auto on_server_thread_const(F fn) const -> decltype(fn()) {
    return const_cast<Stack*>(this)->on_server_thread(std::move(fn));
  }

  std::set<std::string> defects_;
  std::filesystem::path dir_;
  core::SystemClock clock_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  McpCallErrorFormat mcp_call_errors_;
  bool runtime_api_;
  std::unique_ptr<idp::IdpServer> idp_;
  std::unique_ptr<mcp::McpServer> mcp_;
  std::unique_ptr<EmulatorServer> emulator_;
  std::string ca_file_;
  std::thread thread_;
};

}  // namespace toolauth::emulator::testing
