#pragma once
// The MCP methods of a toolbox version, for one caller (toolbox_caller.h): each MCP entry of
// the version is a tool source reached through a ToolSession with its connection's ToolAuth
// (reference/foundry-agent-service.md §1.2, §6.5).
//
// tools/list  every source's tools (allowed_tools honoured; an allowed name the server does
//             not have fails the source) as "<server_label>___<tool>", each with
//             _meta.tool_configuration.require_approval "always" | "never" (the proxy does not
//             enforce approval: the agent's runtime must). Any source failing fails the list
//             with the aggregate error
//               tools/list failed for N tool source(s), succeeded for M tool source(s)
//               {"errors":[{"name": <label>, "type": "mcp", "error": {"code", "message"}}]}
//             code -32006 when every failure is CONSENT_REQUIRED (message: the consent link),
//             -32007 otherwise (codes USER_CONTEXT_REQUIRED, TOOL_SOURCE_ERROR).
// tools/call  the named tool on its source: its result as the server gave it (isError
//             included); consent needed: -32006 with the consent link as the message; the
//             server's JSON-RPC error: its code and message; any other failure: -32000 with
//             the reason; an unknown or not allowed name: -32602.
//
// OAuth2 and UserEntraToken connections act as the user of the hosted call: without a call
// id there is no user, and they fail with USER_CONTEXT_REQUIRED / -32000 (never a consent
// link for nobody). Journal kind "toolbox_call": project, toolbox, version, method,
// server_label, connection, auth_type, agent, caller {tid, oid} (null without a user) and
// outcome; the tool-auth steps go to "tool_auth" as the response engine's do.
//
// Threading: the server's io_context thread.

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "toolauth/emulator/emulator_state.h"
#include "toolauth/emulator/tool_auth_registry.h"
#include "toolauth/emulator/toolbox.h"
#include "toolauth/emulator/toolbox_caller.h"
#include "toolauth/emulator/world.h"
#include "toolauth/http/client.h"
#include "toolauth/jsonrpc/message.h"
#include "toolauth/service/journal.h"

namespace toolauth::emulator {

inline constexpr int kToolboxConsentRequired = -32006;
inline constexpr int kToolboxSourcesFailed = -32007;
inline constexpr int kToolboxCallFailed = -32000;

// One toolbox version called by one caller in one project.
struct ToolboxTarget {
  const ProjectConfig* project = nullptr;
  const TenantConfig* tenant = nullptr;
  ToolboxVersion version;
  ToolboxCaller caller;
};

class ToolboxProxy {
 public:
  // All references must outlive the proxy.
  ToolboxProxy(EmulatorState& state, ToolAuthRegistry& auth, http::Client& client,
               service::Journal& journal);

  boost::asio::awaitable<jsonrpc::Outcome> list_tools(const ToolboxTarget& target);
  // `params`: the tools/call params ({"name", "arguments"?}).
  boost::asio::awaitable<jsonrpc::Outcome> call_tool(const ToolboxTarget& target,
                                                     const nlohmann::json& params);

 private:
  struct Source;
  std::vector<Source> sources(const ToolboxTarget& target) const;
  boost::asio::awaitable<void> open(const ToolboxTarget& target, Source& source,
                                    std::string_view method);
  void journal(const ToolboxTarget& target, const Source& source, std::string_view method,
               std::string_view outcome) const;

  EmulatorState* state_;
  ToolAuthRegistry* auth_;
  http::Client* client_;
  service::Journal* journal_;
};

}  // namespace toolauth::emulator
