// The data plane's read-only connection routes and the ARM-like control plane that writes.

#include "data_plane_internal.h"

namespace toolauth::emulator {

namespace {

using boost::asio::awaitable;

ApiError connection_not_found(std::string_view project, std::string_view name) {
  return ApiError{404,
                  "NotFound",
                  "Connection '" + std::string(name) + "' was not found in project '" +
                      std::string(project) + "'.",
                  "invalid_request_error",
                  std::nullopt,
                  "ConnectionNotFound"};
}

bool iequal(std::string_view a, std::string_view b) { return http::iequals(a, b); }

}  // namespace

void DataPlane::mount_connections(http::Router& router) {
  router.add(
      http::Method::get, "/api/projects/{project}/connections",
      guarded(Version::required, [this](http::Request& r, Scope& s) -> awaitable<http::Response> {
        auto list = state_->connections(s.project->name);
        if (!list.ok()) co_return storage_failure(list.error());
        auto query = r.query_params();
        const auto type = query.ok() ? query->get_or("connectionType", "") : std::string();
        nlohmann::json value = nlohmann::json::array();
        for (const auto& c : *list) {
          auto shown = c.to_foundry(false);
          if (!type.empty() && shown["type"] != type) continue;
          value.push_back(std::move(shown));
        }
        co_return http::Response::json(200, {{"value", value}});
      }));
  router.add(
      http::Method::get, "/api/projects/{project}/connections/{name}",
      guarded(Version::required, [this](http::Request& r, Scope& s) -> awaitable<http::Response> {
        auto found = state_->connection(s.project->name, r.param("name"));
        if (!found.ok()) co_return storage_failure(found.error());
        if (!*found) co_return connection_not_found(s.project->name, r.param("name")).response();
        co_return http::Response::json(200, (*found)->to_foundry(false));
      }));
  router.add(
      http::Method::post, "/api/projects/{project}/connections/{name}/getConnectionWithCredentials",
      guarded(Version::required, [this](http::Request& r, Scope& s) -> awaitable<http::Response> {
        auto found = state_->connection(s.project->name, r.param("name"));
        if (!found.ok()) co_return storage_failure(found.error());
        if (!*found) co_return connection_not_found(s.project->name, r.param("name")).response();
        journal_->record("connection",
                         {{"action", "get_with_credentials"},
                          {"project", s.project->name},
                          {"connection", (*found)->name},
                          {"caller", {{"tid", s.caller.tid}, {"oid", s.caller.oid}}}});
        co_return http::Response::json(200, (*found)->to_foundry(true));
      }));
}

void DataPlane::mount_control_plane(http::Router& router) {
  const std::string path =
      "/subscriptions/{subscription}/resourceGroups/{group}/providers/"
      "Microsoft.CognitiveServices/accounts/{account}/projects/{project}/connections/{name}";
  // The emulated account only: ARM names compare case-insensitively.
  auto ours = [this](const http::Request& r) {
    return iequal(r.param("subscription"), world_->arm.subscription) &&
           iequal(r.param("group"), world_->arm.resource_group) &&
           iequal(r.param("account"), world_->arm.account);
  };
  auto missing = [](const http::Request& r) {
    return ApiError{404,
                    "ResourceNotFound",
                    "The Resource 'Microsoft.CognitiveServices/accounts/" +
                        std::string(r.param("account")) + "/projects/" +
                        std::string(r.param("project")) + "/connections/" +
                        std::string(r.param("name")) + "' was not found.",
                    "invalid_request_error",
                    std::nullopt,
                    {}}
        .response();
  };

  router.add(
      http::Method::put, path,
      guarded(Version::required,
              [this, ours, missing](http::Request& r, Scope& s) -> awaitable<http::Response> {
                if (!ours(r)) co_return missing(r);
                const std::string name(r.param("name"));
                if (!valid_name(name))
                  co_return bad_request("Connection names are 1-64 letters, digits, '-' or '_'.",
                                        "name")
                      .response();
                auto body = json_body(r);
                if (auto* e = std::get_if<ApiError>(&body)) co_return e->response();
                auto parsed = parse_arm_connection(std::get<nlohmann::json>(body), world_->arm,
                                                   s.project->name, name);
                if (!parsed.ok()) {
                  ApiError e = bad_request(parsed.error().detail);
                  e.code = "ValidationError";
                  co_return e.response();
                }
                auto existing = state_->connection(s.project->name, name);
                if (!existing.ok()) co_return storage_failure(existing.error());
                if (auto saved = state_->put_connection(*parsed); !saved.ok())
                  co_return storage_failure(saved.error());
                journal_->record("connection",
                                 {{"action", existing->has_value() ? "update" : "create"},
                                  {"project", s.project->name},
                                  {"connection", name},
                                  {"auth_type", to_string(parsed->auth_type)},
                                  {"caller", {{"tid", s.caller.tid}, {"oid", s.caller.oid}}}});
                auto shown = parsed->to_arm();
                // The redirect URL to register at the OAuth app: the emulator's callback.
                if (parsed->auth_type == AuthType::oauth2)
                  shown["properties"]["redirectUrl"] = *public_url_ + "/oauth/callback";
                co_return http::Response::json(existing->has_value() ? 200 : 201, shown);
              }));
  router.add(
      http::Method::get, path,
      guarded(Version::required,
              [this, ours, missing](http::Request& r, Scope& s) -> awaitable<http::Response> {
                if (!ours(r)) co_return missing(r);
                auto found = state_->connection(s.project->name, r.param("name"));
                if (!found.ok()) co_return storage_failure(found.error());
                if (!*found) co_return missing(r);
                auto shown = (*found)->to_arm();
                if ((*found)->auth_type == AuthType::oauth2)
                  shown["properties"]["redirectUrl"] = *public_url_ + "/oauth/callback";
                co_return http::Response::json(200, shown);
              }));
  router.add(
      http::Method::delete_, path,
      guarded(Version::required,
              [this, ours, missing](http::Request& r, Scope& s) -> awaitable<http::Response> {
                if (!ours(r)) co_return missing(r);
                auto erased = state_->erase_connection(s.project->name, r.param("name"));
                if (!erased.ok()) co_return storage_failure(erased.error());
                if (*erased) {
                  journal_->record("connection",
                                   {{"action", "delete"},
                                    {"project", s.project->name},
                                    {"connection", r.param("name")},
                                    {"caller", {{"tid", s.caller.tid}, {"oid", s.caller.oid}}}});
                }
                // ARM answers 204 for a resource that was not there.
                co_return http::Response::empty(*erased ? 200 : 204);
              }));
}

}  // namespace toolauth::emulator
