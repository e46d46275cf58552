#pragma once
// The MCP endpoint of a toolbox (reference/foundry-agent-service.md §6.4), MCP Streamable
// HTTP, server side, stateless (no Mcp-Session-Id: every POST stands alone):
//
//   POST {project}/toolboxes/{name}/mcp?api-version=v1                 the default version
//   POST {project}/toolboxes/{name}/versions/{version}/mcp?api-version=v1
//
// Checked in this order: the project (404), api-version (400), the bearer token as
// CallerAuthenticator verifies it (401 with a challenge, 403 for another tenant), the caller
// as toolbox_caller.h resolves it (agent token, x-agent-foundry-call-id: 403/400),
// `Foundry-Features: Toolboxes=V1Preview` (400 PreviewFeatureRequired), the toolbox and
// version (404 ToolboxNotFound / ToolboxVersionNotFound), Content-Type application/json (415),
// an Accept that takes application/json (406), a supported MCP-Protocol-Version when one is
// sent (400). Then the JSON-RPC body (no batches): initialize, ping, tools/list, tools/call
// (toolbox_proxy.h); notifications are accepted with 202. GET and DELETE are 405: the endpoint
// offers no server-sent stream and keeps no session.
//
// Threading: the server's io_context thread.

#include <boost/asio/awaitable.hpp>

#include "toolauth/emulator/caller_authenticator.h"
#include "toolauth/emulator/emulator_state.h"
#include "toolauth/emulator/hosted_call_registry.h"
#include "toolauth/emulator/toolbox_proxy.h"
#include "toolauth/emulator/world.h"
#include "toolauth/http/router.h"
#include "toolauth/jsonrpc/dispatcher.h"

namespace toolauth::emulator {

class ToolboxMcpEndpoint {
 public:
  // All references must outlive the endpoint. Defect honoured: agent-token-as-user
  // (toolbox_caller.h).
  ToolboxMcpEndpoint(const EmulatorWorld& world, EmulatorState& state, CallerAuthenticator& callers,
                     const HostedCallRegistry& calls, ToolboxProxy& proxy,
                     EmulatorDefects defects = {});

  void mount(http::Router& router);

 private:
  boost::asio::awaitable<http::Response> handle(http::Request& request);

  const EmulatorWorld* world_;
  EmulatorState* state_;
  CallerAuthenticator* callers_;
  const HostedCallRegistry* calls_;
  ToolboxProxy* proxy_;
  EmulatorDefects defects_;
  jsonrpc::Dispatcher dispatcher_;
};

}  // namespace toolauth::emulator
