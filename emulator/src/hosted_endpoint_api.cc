// Hosted agents' dedicated endpoints (reference §5): the OpenAI Responses protocol of one
// agent, its latest version or a given one, without an agent reference in the body.

#include "data_plane_internal.h"
#include "toolauth/emulator/hosted_agent.h"

namespace toolauth::emulator {

HostedAgentHost::Call DataPlane::hosted_call(const http::Request& request, const Scope& scope,
                                             const AgentVersion& agent,
                                             const nlohmann::json& body) const {
  HostedAgentHost::Call call;
  call.request = &request;
  call.project = scope.project;
  call.tenant = scope.tenant;
  call.caller = scope.caller;
  call.agent = agent;
  if (body.contains("agent_session_id") && body["agent_session_id"].is_string())
    call.session_id = body["agent_session_id"].get<std::string>();
  return call;
}

void DataPlane::mount_hosted_endpoints(http::Router& router) {
  auto respond = [this](http::Request& r, Scope& s) -> boost::asio::awaitable<http::Response> {
    auto parsed = json_body(r);
    if (auto* e = std::get_if<ApiError>(&parsed)) co_return e->response();
    const auto& body = std::get<nlohmann::json>(parsed);
    const auto name = std::string(r.param("name"));
    // A reference to another agent in the body would be ambiguous: refused.
    for (const char* key : {"agent", "agent_reference"}) {
      if (body.contains(key) &&
          !(body[key].is_object() && body[key].value("name", std::string()) == name)) {
        co_return bad_request("The endpoint belongs to agent '" + name +
                                  "'; the body must not reference another agent.",
                              key)
            .response();
      }
    }
    auto agent = state_->agent(s.project->name, name);
    if (!agent.ok()) co_return storage_failure(agent.error());
    const AgentVersion* version = nullptr;
    if (*agent)
      version = r.path_params.contains("version") ? (*agent)->version(r.param("version"))
                                                  : &(*agent)->latest();
    if (version == nullptr) {
      const bool versioned = r.path_params.contains("version");
      co_return ApiError{
          404,
          "not_found",
          versioned
              ? "Agent '" + name + "' has no version '" + std::string(r.param("version")) + "'."
              : "Agent '" + name + "' was not found in project '" + s.project->name + "'.",
          "invalid_request_error",
          std::nullopt,
          versioned ? "AgentVersionNotFound" : "AgentNotFound"}
          .response();
    }
    // Only hosted agents have an endpoint.
    if (!is_hosted_definition(version->definition)) {
      co_return ApiError{404,
                         "not_found",
                         "Agent '" + name + "' is not a hosted agent and has no endpoint.",
                         "invalid_request_error",
                         std::nullopt,
                         "AgentEndpointNotFound"}
          .response();
    }
    if (hosted_ == nullptr)
      co_return server_error("This emulator runs no hosted agents.").response();
    co_return co_await hosted_->respond(hosted_call(r, s, *version, body));
  };
  const std::string suffix = "/endpoint/protocols/openai/v1/responses";
  router.add(http::Method::post, "/api/projects/{project}/agents/{name}" + suffix,
             guarded(Version::none, respond));
  router.add(http::Method::post,
             "/api/projects/{project}/agents/{name}/versions/{version}" + suffix,
             guarded(Version::none, respond));
}

}  // namespace toolauth::emulator
