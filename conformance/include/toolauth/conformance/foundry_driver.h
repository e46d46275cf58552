#pragma once
// Driver `foundry`: speaks the Foundry Agent Service data plane
// (reference/foundry-agent-service.md) to an IUT at an endpoint (the in-process reference
// emulator by default).
//
//   hello        GET the probe project's connections (reachability and caller auth);
//                capabilities: "approvals" and "reconfigure" always, "restart" when the
//                options can restart the IUT, "clock" when it shares the suite's clock (both
//                only for the in-process reference emulator)
//   setup        PUT each connection through the ARM-like control plane (category RemoteTool,
//                authType, target, audience, credentials, OAuth URLs and scopes), then one
//                prompt agent per setup agent with one MCP tool on its connection
//                (server_label = connection name, server_url, project_connection_id,
//                require_approval); redirect_uris from the OAuth2 connections' redirectUrl
//   reconfigure  PUT the connection again
//   invoke       POST /openai/v1/responses as the user (Authorization: Bearer <user token>)
//                with the agent reference and a tool_choice forcing the tool (the arguments
//                ride in the input as JSON, which the scripted model and real models read);
//                the output is mapped:
//                  an oauth_consent_request item, anywhere          -> ConsentRequired
//                  an mcp_call item that completed (output)         -> ToolResult
//                  an mcp_call item that failed (error)             -> ToolError "tool_failed"
//                  an mcp_approval_request item                     -> ApprovalRequired
//                  an error object (non-200)                        -> ToolError (its code)
//                  no call at all                                   -> ToolError "no_tool_call"
//                every ToolError carries the HTTP status;
//                `continues` re-sends with previous_response_id of the earlier response, and
//                `approve` answers its mcp_approval_request (an mcp_approval_response item)
//   forget_consents  through FoundryDriverOptions::forget_consents (the reference emulator's
//                admin plane: DELETE /_admin/vault?user=<oid>)
//   restart      through FoundryDriverOptions::restart (stop, start on the same state folder)
// Control-plane calls carry the setup token (a project user's caller token); invokes carry
// the invoking user's. Neither is ever logged or kept beyond the call.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "toolauth/conformance/driver.h"
#include "toolauth/http/client.h"

namespace toolauth::conformance {

inline constexpr std::string_view kArmApiVersion = "2025-04-01-preview";
inline constexpr std::string_view kDataPlaneApiVersion = "v1";

// The emulated ARM account that owns the projects (the control plane's path).
struct ArmAccount {
  std::string subscription;
  std::string resource_group;
  std::string account;
};

struct FoundryDriverOptions {
  std::string endpoint;  // https://<host>[:port]; projects are <endpoint>/api/projects/<p>
  std::string ca_file;   // trusted for the IUT's HTTPS; empty: the system store
  std::vector<std::string> extra_ca_files;  // trusted besides ca_file (an IUT's own CA)
  ArmAccount arm;                           // whose projects' connections setup() writes
  std::string probe_project;                // hello() reads its connections
  // A caller token of a project user, for hello, setup and reconfigure (a secret).
  std::function<boost::asio::awaitable<core::Result<std::string>>()> setup_token;
  // Restarts the IUT keeping its state and answers its endpoint (empty: no "restart").
  std::function<boost::asio::awaitable<core::Result<std::string>>()> restart;
  // Drops the IUT's stored delegated tokens of a world user (empty: unsupported).
  std::function<boost::asio::awaitable<core::Result<void>>(const std::string& user)>
      forget_consents;
  // The IUT reads time from the suite's shared clock ("clock").
  bool shares_clock = false;
};

class FoundryDriver final : public Driver {
 public:
  FoundryDriver(boost::asio::any_io_executor executor, FoundryDriverOptions options);
  ~FoundryDriver() override;

  boost::asio::awaitable<core::Result<DriverHello>> hello() override;
  boost::asio::awaitable<core::Result<SetupAnswer>> setup(const nlohmann::json& setup) override;
  boost::asio::awaitable<core::Result<void>> reconfigure(const nlohmann::json& connection) override;
  boost::asio::awaitable<core::Result<DriverAnswer>> invoke(InvokeRequest request) override;
  boost::asio::awaitable<core::Result<void>> forget_consents(const DriverUser& user) override;
  boost::asio::awaitable<core::Result<void>> restart() override;
  boost::asio::awaitable<void> bye() override;
  nlohmann::json evidence() override;

  const std::string& endpoint() const { return options_.endpoint; }

 private:
  boost::asio::awaitable<core::Result<http::ClientResponse>> send(http::Method method,
                                                                  std::string url,
                                                                  const std::string& token,
                                                                  const nlohmann::json& body);
  boost::asio::awaitable<core::Result<std::string>> put_connection(
      const nlohmann::json& connection);

  FoundryDriverOptions options_;
  std::unique_ptr<http::Client> client_;
  // "<project>/<connection>" -> the agent that runs it without approval, and every agent's
  // server label (its connection's name).
  std::map<std::string, std::string> default_agents_;
  std::map<std::string, std::string> agent_labels_;  // "<project>/<agent>" -> server_label
  std::map<std::string, std::string> responses_;     // invoke id -> response id
  std::map<std::string, std::string> approvals_;     // invoke id -> mcp_approval_request id
  nlohmann::json evidence_ = nlohmann::json::array();
};

// The ARM body of a setup document connection (exposed for tests).
nlohmann::json arm_connection_body(const nlohmann::json& connection);
// The prompt agent of a setup document agent on its connection (exposed for tests).
nlohmann::json agent_body(const nlohmann::json& agent, const nlohmann::json& connection);
// The answer a Responses API reply maps to (exposed for tests).
DriverAnswer map_response(int status, const nlohmann::json& body);

}  // namespace toolauth::conformance
