#pragma once
// The agent-service profile's view of an implementation under test (DESIGN.md "Conformance
// model"). A driver invokes a tool as a user on a connection and reports what came back: a
// result, a consent link, or an error. Scenarios judge the IUT by that answer and by what
// mock-idp and mock-mcp journaled meanwhile, never by the driver's word alone.
//
// Contract:
//   - hello() comes first and once; it returns the capabilities ("restart", "clock",
//     "approvals", ...). A scenario needing a capability the driver lacks is skipped.
//   - setup() creates the connections and agents the profile needs, exactly as
//     `toolauth certify --print-setup --profile agent-service` describes them (the setup
//     document, agent_service_setup.h), before any invoke(). Its answer names the IUT's OAuth
//     callback URLs, which the suite registers at mock-idp for the connection's client.
//   - reconfigure() changes one connection after setup (capability "reconfigure"), e.g. a
//     rotated key.
//   - invoke() never throws for an IUT's refusal: refusals are DriverAnswer::error. Transport
//     failures (the IUT is gone) are core::Result errors, which fail the scenario.
//   - An operation the driver does not support answers core::Errc::not_found with detail
//     "unsupported"; the runner turns that into a skip, never a pass.
//   - Tokens the driver handles (the user's token) are secrets: it never logs them.
// Threading: one scenario at a time; calls come from coroutines on the run's executor.
//
// Implemented: FoundryDriver (foundry_driver.h) and ExecDriver (exec_driver.h).

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "toolauth/core/error.h"
#include "toolauth/core/result.h"

namespace toolauth::conformance {

// Who invokes: a fixture user's access token for the IUT's own API (audience
// https://ai.azure.com for a Foundry-shaped IUT).
struct DriverUser {
  std::string name;   // world user name, for reports
  std::string token;  // secret
};

struct InvokeRequest {
  std::string id;  // unique per run; echoed in the answer
  DriverUser user;
  // Connection names are unique only within a project (alpha/oauth-invoke vs
  // beta/oauth-invoke is the per-project case).
  std::string project;
  std::string connection;  // connection name as created by setup()
  // The agent to run (a setup document agent); default: the connection's agent that needs no
  // approval.
  std::optional<std::string> agent;
  std::string tool;  // MCP tool name
  nlohmann::json arguments = nlohmann::json::object();
  // Re-send of an earlier invoke after consent (the exec protocol's "continue").
  std::optional<std::string> continues;
  // With `continues`: the user's decision on the approval that earlier invoke asked for.
  std::optional<bool> approve;
};

// `raw` in each answer is everything the IUT sent back (the whole response), so scenarios
// can prove a secret is absent from all of it, not just from the tool's output.
struct ToolResult {
  nlohmann::json output;  // what the IUT returned for the tool call
  nlohmann::json raw;
};
struct ConsentRequired {
  std::string link;  // opaque: followed by the headless user agent, never parsed
  nlohmann::json raw;
};
struct ToolError {
  std::string code;
  std::string message;
  nlohmann::json raw;
  int status = 0;  // the HTTP status of the IUT's answer when the driver knows it, else 0
};
// The agent asks the user to approve the call first (require_approval); continue with
// InvokeRequest::approve.
struct ApprovalRequired {
  std::string request_id;  // opaque, for the evidence
  nlohmann::json raw;
};
using DriverAnswer = std::variant<ToolResult, ConsentRequired, ToolError, ApprovalRequired>;

struct DriverHello {
  std::set<std::string> capabilities;
  nlohmann::json implementation;  // name, version, as the IUT describes itself
};

struct SetupAnswer {
  std::vector<std::string> redirect_uris;  // the IUT's OAuth callback URL(s)
};

inline core::Error unsupported_operation() {
  return core::Error{core::make_error_code(core::Errc::not_found), "unsupported"};
}

class Driver {
 public:
  virtual ~Driver() = default;
  virtual boost::asio::awaitable<core::Result<DriverHello>> hello() = 0;
  // `setup` is the setup document (agent_service_setup.h): world without the secrets the IUT
  // must not see, ca_file, connections, agents.
  virtual boost::asio::awaitable<core::Result<SetupAnswer>> setup(const nlohmann::json& setup) = 0;
  // Replaces one connection (a setup document connection entry) (capability "reconfigure").
  virtual boost::asio::awaitable<core::Result<void>> reconfigure(const nlohmann::json& connection) {
    (void)connection;
    co_return unsupported_operation();
  }
  virtual boost::asio::awaitable<core::Result<DriverAnswer>> invoke(InvokeRequest request) = 0;
  // Forgets the delegated tokens the IUT holds for `user` (every connection and project), as
  // a user revoking their consents would: scenarios start from "never consented".
  virtual boost::asio::awaitable<core::Result<void>> forget_consents(const DriverUser& user) {
    (void)user;
    co_return unsupported_operation();
  }
  // Restarts the IUT, keeping its state (capability "restart").
  virtual boost::asio::awaitable<core::Result<void>> restart() = 0;
  // Ends the run; the driver releases the IUT.
  virtual boost::asio::awaitable<void> bye() = 0;
  // What the driver kept as evidence since the last call (e.g. the exec command's stderr),
  // redacted.
  virtual nlohmann::json evidence() { return nlohmann::json::array(); }
};

}  // namespace toolauth::conformance
