#pragma once
// The world a conformance run judges in: mock-idp and mock-mcp started in this process on one
// shared clock (port 0 unless told otherwise), sharing one state folder and hence one local CA,
// so one http::Client trusting that CA reaches both and any IUT configured with it.
//
// With `reference_emulator` set, the reference IUT of the agent-service profile runs beside
// them: the Foundry Agent Service emulator on the same clock and state folder (so the same
// CA), with mock-idp's and mock-mcp's URLs templated into its fixtures and mock-idp's IMDS
// listener as its managed-identity endpoint. restart_emulator() stops it and starts it again
// on the same port and state folder, as a process restart would.
//
//   auto env = Environment::start(executor, {.reference_emulator = ReferenceEmulatorOptions{}});
//   env->idp_url();  env->world();  env->idp_journal();  env->emulator()->url();
//
// Lifecycle: start() binds every listener before it returns; stop() closes them (call it
// before the io_context is destroyed). Threading: the executor's one thread.

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/core/log.h"
#include "toolauth/core/result.h"
#include "toolauth/emulator/emulator_server.h"
#include "toolauth/http/client.h"
#include "toolauth/idp/idp_server.h"
#include "toolauth/mcp/mcp_server.h"
#include "toolauth/service/journal.h"

namespace toolauth::conformance {

struct ReferenceEmulatorOptions {
  std::uint16_t port = 0;
  // Applied to the emulator's options before every start (restarts included): the seam for
  // emulator mutants (defects) and other fixtures. Listeners stay on `host`.
  std::function<void(emulator::EmulatorServerOptions&)> customize;
  // Mutant names (`toolauth emulator --defect NAME`, emulator/defects.h) the emulator runs
  // with, at every start; reports stamp them (AgentServiceProfile::defects). An unknown name
  // fails Environment::start. Mutants are for loopback only: the caller checks `host`.
  std::vector<std::string> defects;
};

struct EnvironmentOptions {
  std::string host = "localhost";
  std::uint16_t idp_port = 0;
  std::uint16_t idp_mi_port = 0;
  std::uint16_t mcp_port = 0;
  // Keys and the local CA persist here, so an IUT configured once keeps trusting them; empty:
  // a temporary folder removed by stop().
  std::filesystem::path state_dir;
  // Start the reference emulator as the IUT (agent-service); nullopt: no emulator.
  std::optional<ReferenceEmulatorOptions> reference_emulator;
  // CAs trusted besides the local CA: those of an IUT serving HTTPS with its own certificate.
  std::vector<std::string> extra_ca_files;
  // The servers' logs (each under its component); silent by default.
  core::Logger logger = core::null_logger();
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
  // The reference emulator; nullptr unless options.reference_emulator.
  emulator::EmulatorServer* emulator() { return emulator_.get(); }
  const ReferenceEmulatorOptions* emulator_options() const {
    return options_.reference_emulator ? &*options_.reference_emulator : nullptr;
  }
  // Stops the emulator and starts it on the same port and state folder (its database, vault
  // key and CA survive; in-memory state does not). Answers its URL.
  core::Result<std::string> restart_emulator();
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
  core::Result<void> start_emulator();

  core::SystemClock clock_;
  std::filesystem::path temporary_dir_;
  std::filesystem::path state_dir_;
  std::unique_ptr<idp::IdpServer> idp_;
  std::unique_ptr<mcp::McpServer> mcp_;
  std::unique_ptr<emulator::EmulatorServer> emulator_;
  EnvironmentOptions options_;
  std::uint16_t emulator_port_ = 0;
  boost::asio::any_io_executor executor_;
  std::unique_ptr<http::Client> client_;
  nlohmann::json world_;
  bool stopped_ = false;
};

// Small lookups into a world document; nullptr when absent.
const nlohmann::json* find_named(const nlohmann::json& world, std::string_view section,
                                 std::string_view name);

}  // namespace toolauth::conformance
