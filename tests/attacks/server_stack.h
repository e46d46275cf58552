#pragma once
// mock-idp, mock-mcp and (when asked) the emulator started in-process on port 0 over real
// loopback HTTPS, on one io_context thread and one SystemClock, sharing one state folder and
// so one local CA, as `toolauth up` runs them. The server under attack (the emulator when it
// runs, else mock-mcp) takes the attack's options: listener host, limits and admin key.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <filesystem>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "attack_support.h"
#include "toolauth/core/random.h"
#include "toolauth/emulator/emulator_server.h"
#include "toolauth/http/params.h"
#include "toolauth/idp/idp_server.h"
#include "toolauth/mcp/mcp_server.h"

namespace toolauth::attacks {

struct StackOptions {
  bool with_emulator = false;
  // Of the server under attack.
  std::string host = "localhost";
  http::ServerLimits limits;
  std::string admin_key;
};

class ServerStack {
 public:
  static constexpr const char* kContoso = "9fb93534-081c-4253-b1e2-73a87984a8ab";

  explicit ServerStack(StackOptions options = {}) : work_(boost::asio::make_work_guard(io_)) {
    dir_ = std::filesystem::temp_directory_path() / ("attack-stack-" + core::random_hex(8));
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
    if (!options.with_emulator) {
      m.host = options.host;
      m.limits = options.limits;
      m.admin_key = options.admin_key;
    }
    mcp_ = take(mcp::McpServer::start(io_.get_executor(), clock_, m));
    if (options.with_emulator) {
      emulator::EmulatorServerOptions e;
      e.host = options.host;
      e.port = 0;
      e.http_port = std::nullopt;
      e.state_dir = dir_;
      e.managed_identity_url = idp_->mi_url();
      e.templates = {{"idp_url", idp_->url()}, {"mcp_url", mcp_->url()}};
      e.limits = options.limits;
      e.admin_key = options.admin_key;
      emulator_ = take(emulator::EmulatorServer::start(io_.get_executor(), clock_, e));
      idp_->provider().add_redirect_uri(
          idp_->provider().directory().application_named("connector")->client_id,
          emulator_->url() + "/oauth/callback");
    }
    ca_file_ = idp_->ca_file().string();
    thread_ = std::thread([this] { io_.run(); });
  }

  ~ServerStack() {
    on_server_thread([this] {
      if (emulator_) emulator_->stop();
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
  ServerStack(const ServerStack&) = delete;
  ServerStack& operator=(const ServerStack&) = delete;

  core::SystemClock& clock() { return clock_; }
  const std::string& ca_file() const { return ca_file_; }
  idp::IdpServer& idp() { return *idp_; }
  mcp::McpServer& mcp() { return *mcp_; }
  emulator::EmulatorServer& emulator() { return *emulator_; }

  template <class F>
  auto on_server_thread(F fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto future = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return future.get();
  }

  WireReply send(http::ClientRequest request) const { return https(ca_file_, std::move(request)); }

  // An access token for `scope` of a contoso user, from mock-idp by ROPC with the public
  // client for callers.
  std::string user_token(const std::string& user, const std::string& scope) {
    const auto caller = on_server_thread(
        [this] { return idp_->provider().directory().application_named("caller")->client_id; });
    http::ClientRequest request{.method = http::Method::post,
                                .url = idp_->url() + "/" + kContoso + "/oauth2/v2.0/token"};
    request.headers.set("Content-Type", "application/x-www-form-urlencoded");
    request.body = http::encode_form({{"grant_type", "password"},
                                      {"client_id", caller},
                                      {"username", user + "@contoso.onmicrosoft.com"},
                                      {"password", user + "-Passw0rd!"},
                                      {"scope", scope}});
    auto reply = send(std::move(request));
    if (reply.status != 200) throw std::runtime_error("ROPC failed: " + reply.text);
    return reply.body["access_token"].get<std::string>();
  }
  // mock-idp's active signing key, for tokens forged with the real key.
  jose::SigningKey idp_signing_key() {
    return on_server_thread([this] { return idp_->provider().keys().active(); });
  }

 private:
  template <class T>
  static std::unique_ptr<T> take(core::Result<std::unique_ptr<T>> started) {
    if (!started.ok()) throw std::runtime_error(started.error().message());
    return std::move(*started);
  }

  std::filesystem::path dir_;
  core::SystemClock clock_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<idp::IdpServer> idp_;
  std::unique_ptr<mcp::McpServer> mcp_;
  std::unique_ptr<emulator::EmulatorServer> emulator_;
  std::string ca_file_;
  std::thread thread_;
};

}  // namespace toolauth::attacks
