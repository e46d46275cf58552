#pragma once
// Hosted agents at run time: a Responses request for a hosted agent goes to its container
// (ContainerSupervisor) with the platform's headers, as reference/foundry-agent-service.md §6.1
// says:
//
//   caller --POST /openai/v1/responses {"agent": {"name": "h"}}--> emulator (caller authenticated)
//     -> call id minted (HostedCallRegistry::begin; ended when the container has answered,
//        or failed, or the caller went away)
//     -> POST http://127.0.0.1:<PORT>/responses, the caller's body as sent, with only the
//        allow-listed caller headers (hosted_headers.h), x-agent-user-id and
//        x-agent-foundry-call-id
//     <- the container's status and JSON body, or its SSE events, with x-agent-session-id and
//        x-platform-server added, and the oauth_consent_request items the container asked
//        for through the runtime API (runtime_api.h) inserted (hosted_consent_items.h)
//
// The container's environment, and nothing else of the emulator's (its secrets stay out):
// PATH, HOME, LANG, TZ and TMPDIR as the emulator has them; NODE_EXTRA_CA_CERTS and
// SSL_CERT_FILE naming the emulator's CA (so it can call the toolbox over HTTPS); PORT,
// FOUNDRY_PROJECT_ENDPOINT, FOUNDRY_AGENT_NAME, FOUNDRY_AGENT_VERSION, FOUNDRY_AGENT_ID (a GUID
// stable per project and agent), FOUNDRY_AGENT_SESSION_ID, FOUNDRY_PROJECT_ARM_ID,
// IDENTITY_ENDPOINT / IDENTITY_HEADER (hosted_identity_endpoint.h), TOOLBOX_ENDPOINT when the
// definition names TOOLBOX_NAME, then the definition's own variables.
//
// Sessions: one container per (project, agent, version, session). `agent_session_id` in the
// body picks a session (1-64 letters, digits, '-', '_'); it belongs to the user who used it
// first (another user gets 404). Without one, the agent version's default session.
//
// Callers: a user's call carries the user (toolbox calls act for them); an app-only caller's
// (another agent, a daemon) carries none, so the container acts as its own agent identity.
//
// Failures: the container cannot start or is not ready in time -> 424
// `agent_container_not_ready`; it cannot be reached or breaks the connection -> 502
// `agent_container_unreachable` (OpenAI/Azure error shape, type server_error).
//
// Threading: the server's io_context thread.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <string>

#include "toolauth/emulator/agent.h"
#include "toolauth/emulator/caller_authenticator.h"
#include "toolauth/emulator/container_supervisor.h"
#include "toolauth/emulator/defects.h"
#include "toolauth/emulator/hosted_agent.h"
#include "toolauth/emulator/hosted_call_registry.h"
#include "toolauth/emulator/hosted_identity_endpoint.h"
#include "toolauth/emulator/world.h"
#include "toolauth/http/client.h"
#include "toolauth/http/message.h"

namespace toolauth::emulator {

struct HostedAgentHostOptions {
  ContainerSupervisorOptions containers;
  // How long a container may take to answer one Responses request.
  std::chrono::milliseconds response_timeout{300'000};
  // The CA containers trust (the emulator's local CA); empty: none is named.
  std::string ca_file;
  // Honoured here: forward-authorization (the caller's Authorization and Cookie go to the
  // container too), consent-without-user (an app-only caller becomes the call's user).
  EmulatorDefects defects;
};

class HostedAgentHost {
 public:
  // Every reference must outlive the host. `public_url` is read when a container starts.
  // `user_key`: the key of x-agent-user-id (hosted_user_id()).
  HostedAgentHost(boost::asio::any_io_executor executor, const EmulatorWorld& world,
                  http::Client& client, AgentIdentityToolAuth& agent_identity,
                  HostedCallRegistry& calls, service::Journal& journal, core::Logger logger,
                  const std::string& public_url, std::string user_key,
                  HostedAgentHostOptions options = {});
  ~HostedAgentHost();

  // Starts the identity endpoint's listener.
  core::Result<void> start();

  struct Call {
    const http::Request* request = nullptr;  // the caller's (headers and body are forwarded)
    const ProjectConfig* project = nullptr;
    const TenantConfig* tenant = nullptr;
    Caller caller;
    AgentVersion agent;
    std::string session_id;  // from the body; empty: the default session
  };
  boost::asio::awaitable<http::Response> respond(Call call);

  // The agent was deleted: its containers get SIGTERM and their identity endpoints go.
  void agent_deleted(std::string_view project, std::string_view agent);
  // Back to the fixtures (admin reset): every container is stopped, every session forgotten.
  void reset();
  void stop();

  ContainerSupervisor& containers() { return supervisor_; }
  const std::string& identity_url() const { return identity_.url(); }

 private:
  // Stops the containers whose key starts with `prefix` and forgets their identity
  // endpoints and sessions.
  void forget(const std::string& prefix);
  ContainerLaunch launch_for(const Call& call, const HostedAgentSpec& spec, const std::string& key,
                             const std::string& session_id);

  const EmulatorWorld* world_;
  http::Client* client_;
  HostedCallRegistry* calls_;
  service::Journal* journal_;
  const std::string* public_url_;
  std::string user_key_;
  HostedAgentHostOptions options_;
  HostedIdentityEndpoint identity_;
  ContainerSupervisor supervisor_;
  std::map<std::string, HostedIdentityGrant, std::less<>> identity_grants_;  // by container key
  std::map<std::string, std::string, std::less<>> default_sessions_;         // "<p>/<a>/<v>" -> id
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> session_owners_;
};

}  // namespace toolauth::emulator
