// Toolboxes and their versions (toolbox.h). Every route is a preview operation: it needs
// `Foundry-Features: Toolboxes=V1Preview` as well as the api-version and a caller token.
//   POST   /toolboxes/{name}/versions            a new version (the toolbox is created with it)
//   GET    /toolboxes, /toolboxes/{name}          list, get
//   PATCH  /toolboxes/{name}                      {"default_version"}: pin the default version
//   DELETE /toolboxes/{name}                      the toolbox and every version
//   GET    /toolboxes/{name}/versions[/{v}]       list (newest first), get
//   DELETE /toolboxes/{name}/versions/{v}         one version; never the only one or the pinned
//                                                 default

#include "data_plane_internal.h"
#include "toolauth/emulator/foundry_features.h"

namespace toolauth::emulator {

namespace {

using boost::asio::awaitable;

ApiError toolbox_not_found(std::string_view project, std::string_view name) {
  return ApiError{404,
                  "not_found",
                  "Toolbox '" + std::string(name) + "' was not found in project '" +
                      std::string(project) + "'.",
                  "invalid_request_error",
                  std::nullopt,
                  "ToolboxNotFound"};
}

ApiError version_not_found(std::string_view name, std::string_view version) {
  return ApiError{
      404,
      "not_found",
      "Toolbox '" + std::string(name) + "' has no version '" + std::string(version) + "'.",
      "invalid_request_error",
      std::nullopt,
      "ToolboxVersionNotFound"};
}

}  // namespace

void DataPlane::mount_toolboxes(http::Router& router) {
  const std::string base = "/api/projects/{project}/toolboxes";
  // guarded() with the preview opt-in checked first.
  auto preview = [this](auto handler) {
    return guarded(
        Version::required,
        [handler = std::move(handler)](http::Request& r, Scope& s) -> awaitable<http::Response> {
          if (auto refused = require_foundry_feature(r, kToolboxesPreview))
            co_return refused->response();
          co_return co_await handler(r, s);
        });
  };
  // The toolbox of the route, or the response to give instead.
  auto load = [this](const http::Request& r,
                     const Scope& s) -> std::variant<Toolbox, http::Response> {
    auto toolbox = state_->toolbox(s.project->name, r.param("name"));
    if (!toolbox.ok()) return storage_failure(toolbox.error());
    if (!*toolbox) return toolbox_not_found(s.project->name, r.param("name")).response();
    return std::move(**toolbox);
  };

  router.add(http::Method::post, base + "/{name}/versions",
             preview([this](http::Request& r, Scope& s) -> awaitable<http::Response> {
               const std::string name(r.param("name"));
               if (!valid_name(name))
                 co_return bad_request("Toolbox names are 1-64 letters, digits, '-' or '_'.",
                                       "name")
                     .response();
               auto parsed = json_body(r);
               if (auto* e = std::get_if<ApiError>(&parsed)) co_return e->response();
               const auto project = s.project->name;
               auto version = parse_toolbox_version(
                   std::get<nlohmann::json>(parsed), name,
                   [this, project](std::string_view id) -> std::optional<std::string> {
                     auto found = state_->connection(project, id);
                     if (!found.ok() || !*found) return std::nullopt;
                     return (*found)->name;
                   });
               if (!version.ok()) co_return bad_request(version.error().detail, "tools").response();
               auto existing = state_->toolbox(project, name);
               if (!existing.ok()) co_return storage_failure(existing.error());
               Toolbox toolbox = existing->value_or(Toolbox{.name = name});
               version->version = toolbox.next_version++;
               version->created_at = clock_->unix_seconds();
               toolbox.updated_at = version->created_at;
               toolbox.versions.push_back(*version);
               if (auto saved = state_->put_toolbox(project, toolbox); !saved.ok())
                 co_return storage_failure(saved.error());
               journal_->record("toolbox", {{"action", "version"},
                                            {"project", project},
                                            {"toolbox", name},
                                            {"version", version->version}});
               co_return http::Response::json(200, version->to_api());
             }));
  router.add(http::Method::get, base,
             preview([this](http::Request&, Scope& s) -> awaitable<http::Response> {
               auto toolboxes = state_->toolboxes(s.project->name);
               if (!toolboxes.ok()) co_return storage_failure(toolboxes.error());
               nlohmann::json data = nlohmann::json::array();
               for (const auto& t : *toolboxes) data.push_back(t.to_api());
               co_return http::Response::json(200, list_of(data));
             }));
  router.add(http::Method::get, base + "/{name}",
             preview([load](http::Request& r, Scope& s) -> awaitable<http::Response> {
               auto toolbox = load(r, s);
               if (auto* refused = std::get_if<http::Response>(&toolbox))
                 co_return std::move(*refused);
               co_return http::Response::json(200, std::get<Toolbox>(toolbox).to_api());
             }));
  router.add(
      http::Method::patch, base + "/{name}",
      preview([this, load](http::Request& r, Scope& s) -> awaitable<http::Response> {
        auto loaded = load(r, s);
        if (auto* refused = std::get_if<http::Response>(&loaded)) co_return std::move(*refused);
        auto& toolbox = std::get<Toolbox>(loaded);
        auto parsed = json_body(r);
        if (auto* e = std::get_if<ApiError>(&parsed)) co_return e->response();
        const auto& body = std::get<nlohmann::json>(parsed);
        core::ConfigReader reader(body, "request body");
        auto root = reader.root();
        const auto wanted = root.required<std::string>("default_version").value_or("");
        root.reject_unknown_keys();
        if (!reader.ok())
          co_return bad_request(reader.result().error().detail, "default_version").response();
        const auto* version = toolbox.version(wanted);
        if (version == nullptr) co_return version_not_found(toolbox.name, wanted).response();
        toolbox.pinned = version->version;
        toolbox.updated_at = clock_->unix_seconds();
        if (auto saved = state_->put_toolbox(s.project->name, toolbox); !saved.ok())
          co_return storage_failure(saved.error());
        journal_->record("toolbox", {{"action", "default_version"},
                                     {"project", s.project->name},
                                     {"toolbox", toolbox.name},
                                     {"version", *toolbox.pinned}});
        co_return http::Response::json(200, toolbox.to_api());
      }));
  router.add(
      http::Method::delete_, base + "/{name}",
      preview([this](http::Request& r, Scope& s) -> awaitable<http::Response> {
        auto erased = state_->erase_toolbox(s.project->name, r.param("name"));
        if (!erased.ok()) co_return storage_failure(erased.error());
        if (!*erased) co_return toolbox_not_found(s.project->name, r.param("name")).response();
        journal_->record(
            "toolbox",
            {{"action", "delete"}, {"project", s.project->name}, {"toolbox", r.param("name")}});
        co_return http::Response::json(
            200, {{"object", "toolbox.deleted"}, {"name", r.param("name")}, {"deleted", true}});
      }));
  router.add(http::Method::get, base + "/{name}/versions",
             preview([load](http::Request& r, Scope& s) -> awaitable<http::Response> {
               auto toolbox = load(r, s);
               if (auto* refused = std::get_if<http::Response>(&toolbox))
                 co_return std::move(*refused);
               const auto& versions = std::get<Toolbox>(toolbox).versions;
               nlohmann::json data = nlohmann::json::array();
               for (auto it = versions.rbegin(); it != versions.rend(); ++it)
                 data.push_back(it->to_api());
               co_return http::Response::json(200, list_of(data));
             }));
  router.add(http::Method::get, base + "/{name}/versions/{version}",
             preview([load](http::Request& r, Scope& s) -> awaitable<http::Response> {
               auto toolbox = load(r, s);
               if (auto* refused = std::get_if<http::Response>(&toolbox))
                 co_return std::move(*refused);
               const auto& t = std::get<Toolbox>(toolbox);
               const auto* version = t.version(r.param("version"));
               if (version == nullptr)
                 co_return version_not_found(t.name, r.param("version")).response();
               co_return http::Response::json(200, version->to_api());
             }));
  router.add(
      http::Method::delete_, base + "/{name}/versions/{version}",
      preview([this, load](http::Request& r, Scope& s) -> awaitable<http::Response> {
        auto loaded = load(r, s);
        if (auto* refused = std::get_if<http::Response>(&loaded)) co_return std::move(*refused);
        auto& toolbox = std::get<Toolbox>(loaded);
        const auto* version = toolbox.version(r.param("version"));
        if (version == nullptr)
          co_return version_not_found(toolbox.name, r.param("version")).response();
        const auto number = version->version;
        if (toolbox.versions.size() == 1)
          co_return bad_request("This is the toolbox's only version: delete the toolbox instead.",
                                "version")
              .response();
        if (toolbox.pinned == number)
          co_return bad_request(
              "This version is the toolbox's default version: point default_version at another "
              "version first.",
              "version")
              .response();
        std::erase_if(toolbox.versions,
                      [number](const ToolboxVersion& v) { return v.version == number; });
        toolbox.updated_at = clock_->unix_seconds();
        if (auto saved = state_->put_toolbox(s.project->name, toolbox); !saved.ok())
          co_return storage_failure(saved.error());
        journal_->record("toolbox", {{"action", "delete_version"},
                                     {"project", s.project->name},
                                     {"toolbox", toolbox.name},
                                     {"version", number}});
        co_return http::Response::json(200, {{"object", "toolbox.version.deleted"},
                                             {"name", toolbox.name},
                                             {"version", std::to_string(number)},
                                             {"deleted", true}});
      }));
}

}  // namespace toolauth::emulator
