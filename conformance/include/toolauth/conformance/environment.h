#pragma once
// The world a conformance run judges in: mock-idp and mock-mcp started in this process on one
// shared clock (port 0 unless told otherwise), sharing one state folder and hence one local CA,
// so one http::Client trusting that CA reaches both and any IUT configured with it.
//
//   auto env = Environment::start(executor, {});
//   env->idp_url();  env->world();  env->idp_journal();
//
// Lifecycle: start() binds every listener before it returns; stop() closes them (call it
// before the io_context is destroyed). Threading: the executor's one thread.

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/http/client.h"
#include "toolauth/idp/idp_server.h"
#include "toolauth/mcp/mcp_server.h"
#include "toolauth/service/journal.h"

namespace toolauth::conformance {

struct EnvironmentOptions {
  std::string host = "localhost";
  std::uint16_t idp_port = 0;
  std::uint16_t idp_mi_port = 0;
  std::uint16_t mcp_port = 0;
  // Keys and the local CA persist here, so an IUT configured once keeps trusting them; empty:
  // a temporary folder removed by stop().
  std::filesystem::path state_dir;
  // CAs trusted besides the local CA: those of an IUT serving HTTPS with its own certificate.
  std::vector<std::string> extra_ca_files;
};

class Environment {
 public:
  static core::Result<std::unique_ptr<Environment>> start(boost::asio::any_io_executor executor,
                                                          EnvironmentOptions options);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  core::SystemClock& clock() { return clock_; }
  idp::IdpServer& idp() { return *idp_; }
  mcp::McpServer& mcp() { return *mcp_; }
  const std::string& idp_url() const;
  const std::string& mcp_url() const;
  std::string ca_file() const;
  // The shared state folder (its tls/ holds the local CA and the leaf certificate).
  const std::filesystem::path& state_dir() const { return state_dir_; }
  // The ready documents' worlds merged: tenants, users, clients, resources, identities (IdP)
  // and mounts (mock-mcp). Holds secrets: never put it in a report.
  const nlohmann::json& world() const { return world_; }
  // A client trusting the local CA, for scenarios and the headless user agent.
  http::Client& client() { return *client_; }
  service::Journal& idp_journal();
  service::Journal& mcp_journal();

  void stop();

 private:
  Environment() = default;

  core::SystemClock clock_;
  std::filesystem::path temporary_dir_;
  std::filesystem::path state_dir_;
  std::unique_ptr<idp::IdpServer> idp_;
  std::unique_ptr<mcp::McpServer> mcp_;
  std::unique_ptr<http::Client> client_;
  nlohmann::json world_;
  bool stopped_ = false;
};

// Small lookups into a world document; nullptr when absent.
const nlohmann::json* find_named(const nlohmann::json& world, std::string_view section,
                                 std::string_view name);

}  // namespace toolauth::conformance
