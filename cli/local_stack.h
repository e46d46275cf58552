#pragma once
// mock-idp, mock-mcp and the emulator in one process, on one io_context and one clock, as
// `toolauth up` and `toolauth exec` run them:
//
//   LocalStack::Options o;          // the default ports; 0 picks free ones
//   o.state_dir = "/abs/state";     // one folder, so one local CA for all three
//   auto stack = LocalStack::start(io.get_executor(), clock, o);
//   print(stack->ready_document()); // the ready contract with every section
//   ...; stack->stop();             // on the io_context's thread
//
// Every URL is fixed before the first server starts: the servers name each other in their
// fixtures ({idp_url}, {mcp_url}, {emulator_url}, {emulator_http_url}), so ports given as 0
// are picked first (free_port.h) and the start is retried on the rare port stolen meanwhile.
// Threading: start() before the io_context runs or on its thread; everything else on it.

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/core/log.h"
#include "toolauth/core/result.h"
#include "toolauth/emulator/emulator_server.h"
#include "toolauth/idp/idp_server.h"
#include "toolauth/mcp/mcp_server.h"

namespace toolauth::cli {

class LocalStack {
 public:
  struct Options {
    std::string host = "localhost";
    std::uint16_t idp_port = idp::kDefaultStsPort;
    std::uint16_t idp_mi_port = idp::kDefaultManagedIdentityPort;
    std::uint16_t mcp_port = mcp::kDefaultMcpPort;
    std::uint16_t emulator_port = emulator::kDefaultEmulatorPort;
    std::optional<std::uint16_t> emulator_http_port = emulator::kDefaultEmulatorHttpPort;
    std::filesystem::path state_dir;     // shared by the three servers; must not be empty
    std::filesystem::path fixtures_dir;  // idp.json, mcp.json, emulator.json; empty: built in
    std::string admin_key;
    emulator::McpCallErrorFormat mcp_call_errors = emulator::McpCallErrorFormat::string;
    core::Logger logger = core::null_logger();
    // The emulator's mutants (emulator/defects.h); the caller checks the host is loopback.
    std::set<std::string> emulator_defects;
  };

  static core::Result<std::unique_ptr<LocalStack>> start(boost::asio::any_io_executor executor,
                                                         core::SystemClock& clock, Options options);
  ~LocalStack();
  LocalStack(const LocalStack&) = delete;
  LocalStack& operator=(const LocalStack&) = delete;

  idp::IdpServer& idp() { return *idp_; }
  mcp::McpServer& mcp() { return *mcp_; }
  emulator::EmulatorServer& emulator() { return *emulator_; }

  // The three servers' ready documents in one (merge_ready_documents), with the URLs also as
  // TOOLAUTH_*_URL variables in "env". Carries "world": print it with print_ready_line.
  nlohmann::json ready_document() const;
  void stop();

 private:
  struct Ports {  // every port known, none 0
    std::uint16_t idp = 0, idp_mi = 0, mcp = 0, emulator = 0;
    std::optional<std::uint16_t> emulator_http;
  };
  static core::Result<Ports> resolve_ports(const Options& options);

  LocalStack() = default;
  static core::Result<std::unique_ptr<LocalStack>> start_once(boost::asio::any_io_executor executor,
                                                              core::SystemClock& clock,
                                                              const Options& options,
                                                              const Ports& ports);

  std::unique_ptr<idp::IdpServer> idp_;
  std::unique_ptr<mcp::McpServer> mcp_;
  std::unique_ptr<emulator::EmulatorServer> emulator_;
};

// One ready document from several servers' documents: "env" and "world" are merged member by
// member, "defects" is every server's defects, every other member (ca_file, idp, mcp, emulator,
// ...) is taken from the first document that has it.
nlohmann::json merge_ready_documents(const std::vector<nlohmann::json>& documents);

// "https://localhost:4780", with an IPv6 literal in brackets.
std::string url_of(std::string_view scheme, const std::string& host, std::uint16_t port);

}  // namespace toolauth::cli
