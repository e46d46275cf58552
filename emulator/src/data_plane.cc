#include "toolauth/emulator/data_plane.h"

#include "data_plane_internal.h"
#include "toolauth/emulator/api_version.h"

namespace toolauth::emulator {

DataPlane::DataPlane(const EmulatorWorld& world, EmulatorState& state, CallerAuthenticator& callers,
                     ResponseEngine& engine, service::Journal& journal, const core::Clock& clock,
                     const std::string& public_url)
    : world_(&world),
      state_(&state),
      callers_(&callers),
      engine_(&engine),
      journal_(&journal),
      clock_(&clock),
      public_url_(&public_url) {}

boost::asio::awaitable<std::variant<DataPlane::Scope, http::Response>> DataPlane::enter(
    const http::Request& request, Version version) {
  Scope scope;
  scope.project = world_->project(request.param("project"));
  if (scope.project == nullptr) {
    co_return ApiError{404,
                       "NotFound",
                       "Project '" + std::string(request.param("project")) + "' was not found.",
                       "invalid_request_error",
                       std::nullopt,
                       "ProjectNotFound"}
        .response();
  }
  if (version == Version::required) {
    if (auto refused = check_api_version(request)) co_return refused->response();
  }
  scope.tenant = world_->tenant_named(scope.project->tenant);
  auto caller = co_await callers_->authenticate(request, *scope.tenant);
  if (!caller.ok()) co_return refusal_response(caller.error(), *scope.tenant);
  scope.caller = std::move(*caller);
  co_return scope;
}

void DataPlane::mount(http::Router& router) {
  mount_connections(router);
  mount_control_plane(router);
  mount_agents(router);
  mount_responses(router);
  mount_conversations(router);
  mount_hosted_endpoints(router);
  mount_toolboxes(router);
}

}  // namespace toolauth::emulator
