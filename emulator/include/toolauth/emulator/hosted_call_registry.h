#pragma once
// The hosted-agent requests in flight, found by their `x-agent-foundry-call-id`.
//
// The emulator mints one call id for each Responses request it proxies to a hosted agent's
// container (reference/foundry-agent-service.md §6.1). The container forwards it unchanged on
// its calls back to the platform (toolbox, runtime API), and the platform resolves from it on
// whose behalf the container is acting. A call id is therefore a capability: it is random
// (128 bits), bound to one agent and one user, and dies with its response.
//
// A call whose caller is an application (an app-only token: another agent, a daemon) has no
// user: the container acts as its own agent identity, and nobody can be asked to consent.
//
// Defect call-id-not-bound-to-user: end() keeps the call findable, so an ended request's id
// still acts for its user while the container serves someone else.
//
// Threading: the server's io_context thread.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/emulator/defects.h"
#include "toolauth/emulator/tool_auth.h"

namespace toolauth::emulator {

struct HostedCall {
  std::string project;
  std::string agent;
  std::string agent_version;
  // The signed-in caller of the Responses request. Its token (a secret, memory only) is what
  // the runtime API's on-behalf-of exchanges; it dies with the call.
  CallerIdentity user;
  std::string response_id;  // the response the container is producing
  // The caller was an application (an app-only token): no user is involved.
  bool app_only = false;
  // oauth_consent_request items the container asked for (runtime API), inserted into the
  // response the caller gets when the container's answer returns.
  std::vector<nlohmann::json> consent_items;
};

class HostedCallRegistry {
 public:
  explicit HostedCallRegistry(EmulatorDefects defects = {}) : defects_(defects) {}
  // Registers a call and returns its new id.
  std::string begin(HostedCall call);
  // The call with this id while it is live; nullopt when the id is unknown or has ended.
  const HostedCall* find(std::string_view call_id) const;
  HostedCall* find(std::string_view call_id);
  // Ends the call; later finds of its id fail. Unknown ids are ignored.
  void end(std::string_view call_id);
  std::size_t live() const { return calls_.size(); }

 private:
  EmulatorDefects defects_;
  std::map<std::string, HostedCall, std::less<>> calls_;
};

}  // namespace toolauth::emulator
