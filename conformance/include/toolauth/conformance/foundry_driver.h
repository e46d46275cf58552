#pragma once
// Driver `foundry` (not implemented yet): speaks the Foundry Agent Service data plane
// (reference/foundry-agent-service.md) to an IUT at --target (the emulator by default).
//
//   hello     GET the project; capabilities from what the IUT exposes: "approvals" always
//             (Responses API mcp_approval_request), "restart" and "clock" only for the
//             in-process reference emulator
//   setup     PUT each connection (ARM shape: name, category RemoteTool, target, authType,
//             credentials), then one prompt agent per connection with an MCP tool on it
//             (server_label, server_url, project_connection_id, require_approval)
//   invoke    POST /openai/v1/responses as the user (Authorization: Bearer <user token>) with
//             the agent reference and tool_choice forcing the tool; the output is mapped:
//               an mcp_call item with output          -> ToolResult
//               an oauth_consent_request item (link)  -> ConsentRequired
//               an mcp_call item with error, or an error object -> ToolError
//             `continues` re-sends with previous_response_id of the earlier response
//   restart   only for the in-process emulator (stop, start on the same state folder)
// The user token comes from mock-idp (public client `caller`, audience https://ai.azure.com).

#include "toolauth/conformance/driver.h"

namespace toolauth::conformance {

struct FoundryDriverOptions {
  std::string project_url;  // https://<host>/api/projects/<name>
  std::string ca_file;      // trusted for the IUT's HTTPS
};

}  // namespace toolauth::conformance
