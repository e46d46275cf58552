// Agents and agent versions: prompt agents with MCP tools, and hosted agents (hosted_agent.h).

#include <algorithm>

#include "data_plane_internal.h"
#include "toolauth/emulator/foundry_features.h"
#include "toolauth/emulator/hosted_agent.h"

namespace toolauth::emulator {

namespace {

using boost::asio::awaitable;

ApiError agent_not_found(std::string_view project, std::string_view name) {
  return ApiError{
      404,
      "not_found",
      "Agent '" + std::string(name) + "' was not found in project '" + std::string(project) + "'.",
      "invalid_request_error",
      std::nullopt,
      "AgentNotFound"};
}

}  // namespace

void DataPlane::mount_agents(http::Router& router) {
  // Reads {description?, metadata?, definition} (and `name` when `with_name`) into a version;
  // the definition's MCP tools must name connections of the project.
  auto read_version = [this](const http::Request& r, const Scope& s, bool with_name,
                             std::string name) -> std::variant<AgentVersion, ApiError> {
    auto parsed = json_body(r);
    if (auto* e = std::get_if<ApiError>(&parsed)) return *e;
    const auto& body = std::get<nlohmann::json>(parsed);
    core::ConfigReader reader(body, "request body");
    auto root = reader.root();
    AgentVersion v;
    if (with_name) name = root.required<std::string>("name").value_or("");
    v.name = name;
    v.description = root.optional<std::string>("description", "");
    v.metadata = root.optional<nlohmann::json>("metadata", nlohmann::json::object());
    if (!v.metadata.is_object()) root.problem("expected an object", "metadata");
    if (auto definition = root.object("definition")) {
      const auto kind = definition->required<std::string>("kind").value_or("");
      v.definition = definition->json();
      if (kind == "hosted") {
        if (auto refused = require_foundry_feature(r, kHostedAgentsPreview)) return *refused;
        (void)read_hosted_definition(*definition);
      } else {
        if (!kind.empty() && kind != "prompt")
          definition->problem("the emulator supports prompt and hosted agents", "kind");
        const auto project = s.project->name;
        (void)read_mcp_tools(*definition,
                             [this, project](std::string_view id) -> std::optional<std::string> {
                               auto found = state_->connection(project, id);
                               if (!found.ok() || !*found) return std::nullopt;
                               return (*found)->name;
                             });
      }
    }
    root.reject_unknown_keys();
    if (!reader.ok()) return bad_request(reader.result().error().detail, "definition");
    if (!valid_name(v.name))
      return bad_request("Agent names are 1-64 letters, digits, '-' or '_'.", "name");
    v.created_at = clock_->unix_seconds();
    return v;
  };

  // Adds `version` to the agent of that name (creating it), and answers with what `shape` says.
  auto store = [this](const Scope& s, AgentVersion version, bool answer_agent) -> http::Response {
    auto existing = state_->agent(s.project->name, version.name);
    if (!existing.ok()) return storage_failure(existing.error());
    Agent agent = existing->value_or(Agent{version.name, {}});
    version.version = agent.versions.empty() ? 1 : agent.latest().version + 1;
    agent.versions.push_back(version);
    if (auto saved = state_->put_agent(s.project->name, agent); !saved.ok())
      return storage_failure(saved.error());
    journal_->record("agent", {{"action", "version"},
                               {"project", s.project->name},
                               {"agent", agent.name},
                               {"version", version.version}});
    return http::Response::json(200, answer_agent ? agent.to_api() : version.to_api());
  };

  router.add(
      http::Method::post, "/api/projects/{project}/agents",
      guarded(Version::required,
              [read_version, store](http::Request& r, Scope& s) -> awaitable<http::Response> {
                auto version = read_version(r, s, true, "");
                if (auto* e = std::get_if<ApiError>(&version)) co_return e->response();
                co_return store(s, std::get<AgentVersion>(version), true);
              }));
  router.add(
      http::Method::get, "/api/projects/{project}/agents",
      guarded(Version::required, [this](http::Request&, Scope& s) -> awaitable<http::Response> {
        auto agents = state_->agents(s.project->name);
        if (!agents.ok()) co_return storage_failure(agents.error());
        nlohmann::json data = nlohmann::json::array();
        for (const auto& a : *agents) data.push_back(a.to_api());
        co_return http::Response::json(200, list_of(data));
      }));
  router.add(
      http::Method::get, "/api/projects/{project}/agents/{name}",
      guarded(Version::required, [this](http::Request& r, Scope& s) -> awaitable<http::Response> {
        auto agent = state_->agent(s.project->name, r.param("name"));
        if (!agent.ok()) co_return storage_failure(agent.error());
        if (!*agent) co_return agent_not_found(s.project->name, r.param("name")).response();
        co_return http::Response::json(200, (*agent)->to_api());
      }));
  router.add(
      http::Method::post, "/api/projects/{project}/agents/{name}",
      guarded(Version::required,
              [this, read_version, store](http::Request& r, Scope& s) -> awaitable<http::Response> {
                auto agent = state_->agent(s.project->name, r.param("name"));
                if (!agent.ok()) co_return storage_failure(agent.error());
                if (!*agent) co_return agent_not_found(s.project->name, r.param("name")).response();
                auto version = read_version(r, s, false, std::string(r.param("name")));
                if (auto* e = std::get_if<ApiError>(&version)) co_return e->response();
                co_return store(s, std::get<AgentVersion>(version), true);
              }));
  router.add(
      http::Method::delete_, "/api/projects/{project}/agents/{name}",
      guarded(Version::required, [this](http::Request& r, Scope& s) -> awaitable<http::Response> {
        auto erased = state_->erase_agent(s.project->name, r.param("name"));
        if (!erased.ok()) co_return storage_failure(erased.error());
        if (!*erased) co_return agent_not_found(s.project->name, r.param("name")).response();
        if (hosted_ != nullptr) hosted_->agent_deleted(s.project->name, r.param("name"));
        journal_->record(
            "agent",
            {{"action", "delete"}, {"project", s.project->name}, {"agent", r.param("name")}});
        co_return http::Response::json(
            200, {{"object", "agent.deleted"}, {"name", r.param("name")}, {"deleted", true}});
      }));
  router.add(
      http::Method::post, "/api/projects/{project}/agents/{name}/versions",
      guarded(Version::required,
              [read_version, store](http::Request& r, Scope& s) -> awaitable<http::Response> {
                auto version = read_version(r, s, false, std::string(r.param("name")));
                if (auto* e = std::get_if<ApiError>(&version)) co_return e->response();
                co_return store(s, std::get<AgentVersion>(version), false);
              }));
  router.add(
      http::Method::get, "/api/projects/{project}/agents/{name}/versions",
      guarded(Version::required, [this](http::Request& r, Scope& s) -> awaitable<http::Response> {
        auto agent = state_->agent(s.project->name, r.param("name"));
        if (!agent.ok()) co_return storage_failure(agent.error());
        if (!*agent) co_return agent_not_found(s.project->name, r.param("name")).response();
        nlohmann::json data = nlohmann::json::array();
        for (auto it = (*agent)->versions.rbegin(); it != (*agent)->versions.rend(); ++it)
          data.push_back(it->to_api());
        co_return http::Response::json(200, list_of(data));
      }));
  router.add(
      http::Method::get, "/api/projects/{project}/agents/{name}/versions/{version}",
      guarded(Version::required, [this](http::Request& r, Scope& s) -> awaitable<http::Response> {
        auto agent = state_->agent(s.project->name, r.param("name"));
        if (!agent.ok()) co_return storage_failure(agent.error());
        const AgentVersion* version = *agent ? (*agent)->version(r.param("version")) : nullptr;
        if (version == nullptr) {
          co_return ApiError{404,
                             "not_found",
                             "Agent '" + std::string(r.param("name")) + "' has no version '" +
                                 std::string(r.param("version")) + "'.",
                             "invalid_request_error",
                             std::nullopt,
                             "AgentVersionNotFound"}
              .response();
        }
        co_return http::Response::json(200, version->to_api());
      }));
}

}  // namespace toolauth::emulator
