#pragma once
// The agent-service profile's view of an implementation under test (DESIGN.md "Conformance
// model"). A driver invokes a tool as a user on a connection and reports what came back: a
// result, a consent link, or an error. Scenarios judge the IUT by that answer and by what
// mock-idp and mock-mcp journaled meanwhile, never by the driver's word alone.
//
// Contract:
//   - hello() comes first and once; it returns the capabilities ("restart", "clock",
//     "approvals", ...). A scenario needing a capability the driver lacks is skipped.
//   - setup() creates the connections the profile needs, exactly as
//     `toolauth certify --print-setup --profile agent-service` describes them, before any
//     invoke().
//   - invoke() never throws for an IUT's refusal: refusals are DriverAnswer::error. Transport
//     failures (the IUT is gone) are core::Result errors, which fail the scenario.
//   - An operation the driver does not support answers core::Errc::not_found with detail
//     "unsupported"; the runner turns that into a skip, never a pass.
//   - Tokens the driver handles (the user's token) are secrets: it never logs them.
// Threading: one scenario at a time; calls come from coroutines on the run's executor.
//
// Implemented so far: the exec driver (exec_driver.h); foundry_driver.h describes the other.
// The agent-service scenarios that use them come next.

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <variant>

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
  std::string connection;  // connection name as created by setup()
  std::string project;
  std::optional<std::string> agent;
  std::string tool;  // MCP tool name
  nlohmann::json arguments = nlohmann::json::object();
  // Re-send of an earlier invoke after consent (the exec protocol's "continue").
  std::optional<std::string> continues;
};

struct ToolResult {
  nlohmann::json output;  // what the IUT returned for the tool call
};
struct ConsentRequired {
  std::string link;  // opaque: followed by the headless user agent, never parsed
};
struct ToolError {
  std::string code;
  std::string message;
};
using DriverAnswer = std::variant<ToolResult, ConsentRequired, ToolError>;

struct DriverHello {
  std::set<std::string> capabilities;
  nlohmann::json implementation;  // name, version, as the IUT describes itself
};

class Driver {
 public:
  virtual ~Driver() = default;
  virtual boost::asio::awaitable<core::Result<DriverHello>> hello() = 0;
  // `world` is the ready document's world without secrets the IUT must not see; `connections`
  // as --print-setup lists them.
  virtual boost::asio::awaitable<core::Result<void>> setup(const nlohmann::json& world,
                                                           const nlohmann::json& connections) = 0;
  virtual boost::asio::awaitable<core::Result<DriverAnswer>> invoke(InvokeRequest request) = 0;
  // Restarts the IUT, keeping its state (capability "restart").
  virtual boost::asio::awaitable<core::Result<void>> restart() = 0;
  // Ends the run; the driver releases the IUT.
  virtual boost::asio::awaitable<void> bye() = 0;
  // What the driver kept as evidence since the last call (e.g. the exec command's stderr),
  // redacted.
  virtual nlohmann::json evidence() { return nlohmann::json::array(); }
};

}  // namespace toolauth::conformance
