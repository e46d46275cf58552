#pragma once
// Who calls a toolbox's MCP endpoint, and for whom (reference/foundry-agent-service.md §6.1,
// §6.4). A hosted agent's container calls with its own agent token and forwards the
// `x-agent-foundry-call-id` of the request it serves; the platform resolves the user from the
// call id, never from anything the container could write.
//
// After the token itself was verified (CallerAuthenticator: signature, issuer, audience
// https://ai.azure.com, expiry, project tenant), in this order:
//   1. the token is app-only (a user's token is refused:                 403 AgentTokenRequired
//      the toolbox is the agent's door, not the user's)
//   2. its client is one of the project's agent identities              403 NotAnAgentIdentity
//   3. at most one x-agent-foundry-call-id                              400 InvalidCallId
//   4. the call id is live (unknown or ended: refused)                  403 CallIdUnknown
//   5. the call belongs to this project and to an agent that acts as    403 CallIdNotYours
//      the token's identity (another agent's call id is refused)
// With a call id the call's user is the caller for tool auth (none when the request was an
// application's: app-only); without one the agent acts alone (no user: OAuth2 and user-token
// connections cannot be used).
//
// Threading: the server's io_context thread (the registry's).

#include <optional>
#include <string>

#include "toolauth/core/result.h"
#include "toolauth/emulator/api_error.h"
#include "toolauth/emulator/caller_authenticator.h"
#include "toolauth/emulator/defects.h"
#include "toolauth/emulator/hosted_call_registry.h"
#include "toolauth/emulator/world.h"
#include "toolauth/http/message.h"

namespace toolauth::emulator {

inline constexpr std::string_view kCallIdHeader = "x-agent-foundry-call-id";

struct ToolboxCaller {
  std::string agent_identity_client_id;  // the token's client
  // The hosted call's agent; without a call, the fixture agent bound to the identity (empty
  // when the identity is the project's shared one).
  std::string agent;
  std::string agent_version;
  std::optional<CallerIdentity> user;  // the hosted call's user; nullopt: the agent acts alone
  std::string response_id;             // the hosted call's response
};

// Defect agent-token-as-user: step 1 lets a user's token in, and its own user becomes the
// caller (acting as the project's agent identity, without a call id).
core::Result<ToolboxCaller, ApiError> resolve_toolbox_caller(const ProjectConfig& project,
                                                             const Caller& token,
                                                             const http::Request& request,
                                                             const HostedCallRegistry& calls,
                                                             EmulatorDefects defects = {});

}  // namespace toolauth::emulator
