#pragma once
// Private to mock-mcp: what the JSON-RPC handlers of a mount see of the HTTP request they
// serve (reached through jsonrpc::CallContext::user).

#include <functional>
#include <memory>

#include "toolauth/mcp/mount.h"

namespace toolauth::mcp {

struct Mount::RequestScope {
  std::shared_ptr<Session> session;
  // Shared: an SSE answer's dispatch runs on after Mount::handle has returned.
  std::shared_ptr<const Principal> principal;
  // Sends a message on the request's SSE stream; null when the answer is plain JSON.
  std::function<void(nlohmann::json)> emit;
};

}  // namespace toolauth::mcp
