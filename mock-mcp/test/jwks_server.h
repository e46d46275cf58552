#pragma once
// A JWKS served over plain HTTP from its own thread, for tests of bearer mounts: the keys a
// test signs its tokens with (jose::TokenForge) are the ones the mount fetches.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "test_support.h"

namespace toolauth::mcp::testing {

class JwksServer {
 public:
  explicit JwksServer(const core::Clock& clock) {
    keys_.push_back(*jose::SigningKey::generate_rsa(clock));
    router_.add(http::Method::get, "/keys", [this](http::Request&) {
      ++fetches;
      return http::Response::json(200, jose::jwks_document(keys_));
    });
    port_ = thread_.run_on([this] {
      server_ = std::make_unique<http::Server>(thread_.executor(), router_.handler());
      return *server_->listen({"127.0.0.1", 0, std::nullopt});
    });
  }
  ~JwksServer() {
    thread_.run_on([this] {
      server_->stop();
      server_.reset();
      return 0;
    });
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/keys"; }
  const jose::SigningKey& key() const { return keys_.front(); }
  void rotate(const core::Clock& clock) {
    thread_.run_on([&] {
      keys_ = {*jose::SigningKey::generate_rsa(clock)};
      return 0;
    });
  }
  std::atomic<int> fetches = 0;

 private:
  std::vector<jose::SigningKey> keys_;
  http::Router router_;
  IoThread thread_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
};

}  // namespace toolauth::mcp::testing
