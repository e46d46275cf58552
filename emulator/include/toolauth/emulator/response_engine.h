#pragma once
// Produces one Responses API response for a prompt agent: lists the tools of the agent's MCP
// servers, lets the scripted model choose a call, asks for approval when the agent requires
// it, makes the call with the credentials the connection's ToolAuth gives, and answers with
// deterministic text. Output items: mcp_list_tools, mcp_approval_request, mcp_call, message.
//
// A connection's calls go to the connection's target only (it wins over a tool's server_url),
// with the agent's `headers` and then the credentials on top, so an agent can never replace
// or redirect a connection's key. No credential value ever enters an item, a journal entry or
// a log line.
//
// With an EventSink the engine reports the OpenAI streaming events as they happen
// (response.created, response.in_progress, response.output_item.added, ...
// response.completed), each with its sequence_number.
//
// Threading: the server's io_context thread.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/emulator/agent.h"
#include "toolauth/emulator/caller_authenticator.h"
#include "toolauth/emulator/defects.h"
#include "toolauth/emulator/emulator_state.h"
#include "toolauth/emulator/mcp_call_error.h"
#include "toolauth/emulator/tool_auth_registry.h"
#include "toolauth/http/client.h"
#include "toolauth/service/journal.h"

namespace toolauth::emulator {

// An approval the user gave or refused for an mcp_approval_request of the previous response.
struct ApprovalDecision {
  std::string approval_request_id;
  bool approve = false;
};

struct ResponseRequest {
  std::string project;
  const ProjectConfig* project_config = nullptr;
  const TenantConfig* tenant = nullptr;
  AgentVersion agent;
  std::vector<McpToolSpec> tools;
  nlohmann::json input_items = nlohmann::json::array();  // normalised input items
  std::string input_text;                                // the user's text, joined
  nlohmann::json tool_choice = "auto";
  std::vector<ApprovalDecision> approvals;
  std::optional<StoredResponse> previous;
  std::optional<StoredConversation> conversation;
  nlohmann::json metadata = nlohmann::json::object();
  Caller caller;
};

// Receives each streaming event (already numbered).
using EventSink = std::function<boost::asio::awaitable<void>(const nlohmann::json& event)>;

class ResponseEngine {
 public:
  // All references must outlive the engine. `error_format`: the shape of mcp_call.error.
  // Defects honoured here: leak-key-across-connections, key-in-output, token-in-output,
  // shared-agent-identity, declined-500, retry-loop-on-401, approval-skips-consent.
  ResponseEngine(EmulatorState& state, ToolAuthRegistry& auth, http::Client& client,
                 service::Journal& journal, const core::Clock& clock,
                 McpCallErrorFormat error_format = McpCallErrorFormat::string,
                 EmulatorDefects defects = {});

  // Runs the response to its end and stores it. `sink` may be empty (non-streaming).
  boost::asio::awaitable<core::Result<StoredResponse>> run(ResponseRequest request,
                                                           EventSink sink = {});

 private:
  struct Run;
  EmulatorState* state_;
  ToolAuthRegistry* auth_;
  http::Client* client_;
  service::Journal* journal_;
  const core::Clock* clock_;
  McpCallErrorFormat error_format_;
  EmulatorDefects defects_;
};

}  // namespace toolauth::emulator
