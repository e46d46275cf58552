#pragma once
// The Foundry project data plane and the emulator's ARM-like control plane for connections:
//
//   /api/projects/{project}/connections[/{name}[/getConnectionWithCredentials]]  (api-version)
//   /api/projects/{project}/agents[/{name}[/versions[/{version}]]]                (api-version)
//   /api/projects/{project}/openai/v1/responses[/{id}]                            (no api-version)
//   /api/projects/{project}/openai/responses[/{id}]                               (api-version)
//   /api/projects/{project}/openai/v1/conversations[/{id}[/items]]
//   /api/projects/{project}/agents/{name}[/versions/{v}]/endpoint/protocols/openai/v1/responses
//                                                                 (hosted agents, no api-version)
//   /api/projects/{project}/toolboxes[/{name}[/versions[/{version}]]]             (api-version,
//                                                       Foundry-Features: Toolboxes=V1Preview)
//   PUT|GET|DELETE /subscriptions/{s}/resourceGroups/{rg}/providers/
//        Microsoft.CognitiveServices/accounts/{a}/projects/{project}/connections/{name}
//
// Every route authenticates the caller (CallerAuthenticator) for the project's tenant; errors
// are ApiErrors (OpenAI/Azure shape). `x-ms-client-request-id` is echoed. Responses and
// conversations belong to the user who made them: another user gets 404.
//
// Threading: the server's io_context thread.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <variant>

#include "toolauth/emulator/caller_authenticator.h"
#include "toolauth/emulator/emulator_state.h"
#include "toolauth/emulator/hosted_agent_host.h"
#include "toolauth/emulator/response_engine.h"
#include "toolauth/emulator/world.h"
#include "toolauth/http/router.h"
#include "toolauth/service/journal.h"

namespace toolauth::emulator {

class DataPlane {
 public:
  // All references must outlive the data plane; `public_url` is read when a route runs (it
  // is known only once the server listens).
  DataPlane(const EmulatorWorld& world, EmulatorState& state, CallerAuthenticator& callers,
            ResponseEngine& engine, service::Journal& journal, const core::Clock& clock,
            const std::string& public_url);

  void mount(http::Router& router);
  // Where Responses requests for hosted agents go (without it they are refused with a 500).
  void set_hosted(HostedAgentHost& host) { hosted_ = &host; }

 private:
  struct Scope {
    const ProjectConfig* project = nullptr;
    const TenantConfig* tenant = nullptr;
    Caller caller;
  };
  enum class Version { required, none };
  // The project of the route and its authenticated caller, or the response to give instead.
  boost::asio::awaitable<std::variant<Scope, http::Response>> enter(const http::Request& request,
                                                                    Version version);
  // Wraps a handler: enter() first, x-ms-client-request-id echoed, Cache-Control: no-store.
  template <class F>
  http::Router::Handler guarded(Version version, F handler);

  void mount_connections(http::Router& router);
  void mount_control_plane(http::Router& router);
  void mount_agents(http::Router& router);
  void mount_responses(http::Router& router);
  void mount_conversations(http::Router& router);
  void mount_hosted_endpoints(http::Router& router);
  // The hosted host's view of a Responses request (agent_session_id from the body).
  HostedAgentHost::Call hosted_call(const http::Request& request, const Scope& scope,
                                    const AgentVersion& agent, const nlohmann::json& body) const;
  void mount_toolboxes(http::Router& router);

  const EmulatorWorld* world_;
  EmulatorState* state_;
  CallerAuthenticator* callers_;
  ResponseEngine* engine_;
  service::Journal* journal_;
  const core::Clock* clock_;
  const std::string* public_url_;
  HostedAgentHost* hosted_ = nullptr;
};

}  // namespace toolauth::emulator
