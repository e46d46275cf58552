#include "toolauth/emulator/toolbox_caller.h"

namespace toolauth::emulator {

namespace {

ApiError forbidden(std::string inner, std::string message) {
  return ApiError{403,          "PermissionDenied", std::move(message), "invalid_request_error",
                  std::nullopt, std::move(inner)};
}

}  // namespace

core::Result<ToolboxCaller, ApiError> resolve_toolbox_caller(const ProjectConfig& project,
                                                             const Caller& token,
                                                             const http::Request& request,
                                                             const HostedCallRegistry& calls,
                                                             EmulatorDefects defects) {
  if (!token.app_only && defects.has(Defect::agent_token_as_user)) {
    ToolboxCaller caller;
    caller.agent_identity_client_id = project.identities.agent_identity_client_id;
    caller.user = CallerIdentity{token.tid, token.oid, token.token};
    return caller;
  }
  if (!token.app_only) {
    return forbidden("AgentTokenRequired",
                     "The toolbox is called by a hosted agent with its own agent identity token; "
                     "a user's token is not accepted.");
  }
  if (!project.has_agent_identity(token.app_id)) {
    return forbidden("NotAnAgentIdentity",
                     "The token's client is not an agent identity of the "
                     "project '" +
                         project.name + "'.");
  }
  ToolboxCaller caller;
  caller.agent_identity_client_id = token.app_id;
  const auto ids = request.headers.get_all(kCallIdHeader);
  if (ids.size() > 1) {
    return ApiError{400,
                    "invalid_request",
                    "The x-agent-foundry-call-id header is repeated.",
                    "invalid_request_error",
                    std::string(kCallIdHeader),
                    "InvalidCallId"};
  }
  if (ids.empty()) {
    for (const auto& fixture : project.agents) {
      if (fixture.agent_identity_client_id == token.app_id) caller.agent = fixture.name;
    }
    return caller;
  }
  const auto* call = calls.find(ids.front());
  if (call == nullptr) {
    return forbidden("CallIdUnknown",
                     "The x-agent-foundry-call-id is unknown, or the request it belongs to has "
                     "ended.");
  }
  if (call->project != project.name || project.agent_identity_of(call->agent) != token.app_id) {
    return forbidden("CallIdNotYours",
                     "The x-agent-foundry-call-id belongs to another agent's request.");
  }
  caller.agent = call->agent;
  caller.agent_version = call->agent_version;
  if (!call->app_only) caller.user = call->user;
  caller.response_id = call->response_id;
  return caller;
}

}  // namespace toolauth::emulator
