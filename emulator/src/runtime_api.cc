#include "toolauth/emulator/runtime_api.h"

#include <optional>

#include "toolauth/core/json.h"
#include "toolauth/emulator/api_version.h"
#include "toolauth/emulator/entra_tokens.h"
#include "toolauth/emulator/foundry_features.h"
#include "toolauth/emulator/hosted_consent_items.h"
#include "toolauth/http/params.h"

namespace toolauth::emulator {

namespace {

using boost::asio::awaitable;

constexpr std::string_view kRuntimeApiVersion = "v1";

// An error whose code and innererror code both name the reason.
ApiError runtime_error(int status, std::string code, std::string message) {
  return ApiError{status,
                  code,
                  std::move(message),
                  status >= 500 ? "server_error" : "invalid_request_error",
                  std::nullopt,
                  code};
}

http::Response no_such_route() {
  return runtime_error(404, "NotFound", "The requested resource was not found.").response();
}

std::int64_t unix_seconds(core::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// The body of a runtime API request: absent, or a JSON object.
std::optional<nlohmann::json> body_object(const http::Request& request) {
  if (request.body.empty()) return nlohmann::json::object();
  auto parsed = core::parse_json(request.body);
  if (!parsed.ok() || !parsed->is_object()) return std::nullopt;
  return std::move(*parsed);
}

ApiError invalid_body(std::string message) {
  return runtime_error(400, "InvalidRequest", std::move(message));
}

ApiError user_required() {
  return runtime_error(400, "UserRequired",
                       "The request the container serves was made by an application: no user is "
                       "involved, there is nobody to consent or to act for.");
}

// An IdP refusal is the request's fault (400); no answer, or the IdP failing, is 502. The
// message names the AADSTS code and never a token.
ApiError token_request_failed(std::string_view what, const oauth::TokenError& error) {
  const bool refused = error.http_status >= 400 && error.http_status < 500;
  return runtime_error(refused ? 400 : 502, "TokenRequestFailed",
                       std::string(what) + " failed: " + error.summary());
}

}  // namespace

bool valid_obo_scope(std::string_view scope) {
  if (scope.empty() || scope.size() > 512) return false;
  for (char c : scope) {
    if (c <= ' ' || c > '~') return false;  // one scope: printable ASCII, no space
  }
  std::string_view rest;
  if (scope.starts_with("api://")) {
    rest = scope.substr(6);
  } else if (scope.starts_with("https://")) {
    rest = scope.substr(8);
  } else {
    return false;
  }
  const auto slash = rest.rfind('/');
  // A resource and a permission, both non-empty: "<resource>/<permission>".
  return slash != std::string_view::npos && slash > 0 && slash + 1 < rest.size();
}

bool obo_scope_allowed(const nlohmann::json& metadata, std::string_view scope) {
  if (!metadata.is_object()) return false;
  auto it = metadata.find(std::string(kOboAllowedScopesKey));
  if (it == metadata.end() || !it->is_string()) return false;
  std::string_view list = it->get_ref<const std::string&>();
  while (!list.empty()) {
    const auto space = list.find(' ');
    const auto entry = list.substr(0, space);
    if (!entry.empty() && entry == scope) return true;
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return false;
}

// What every endpoint works with once the request got through the common checks.
struct RuntimeApi::Target {
  const ProjectConfig* project = nullptr;
  const TenantConfig* tenant = nullptr;
  ToolboxCaller caller;
  std::string call_id;               // empty: the request named none
  const HostedCall* call = nullptr;  // the live call of call_id
};

RuntimeApi::RuntimeApi(RuntimeApiServices services, bool enabled, EmulatorDefects defects)
    : s_(services), enabled_(enabled), defects_(defects) {}

void RuntimeApi::mount(http::Router& router) {
  // Every method and path under runtime/, so that switched off (or an unknown path) looks the
  // same whatever is asked.
  for (auto method : {http::Method::get, http::Method::post, http::Method::put, http::Method::patch,
                      http::Method::delete_}) {
    router.add(method, "/api/projects/{project}/runtime/{path...}",
               [this](http::Request& r) { return handle(r); });
  }
}

void RuntimeApi::journal(const Target& target, std::string_view endpoint,
                         std::string_view outcome) {
  s_.journal->record("runtime_api", {{"endpoint", endpoint},
                                     {"project", target.project->name},
                                     {"agent", target.caller.agent},
                                     {"outcome", outcome}});
}

std::optional<RuntimeApi::Route> RuntimeApi::route(std::string_view path) {
  std::vector<std::string_view> segments;
  while (true) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  if (segments.size() == 3 && segments[0] == "connections" && segments[2] == "token") {
    auto name = http::decode_path_segment(segments[1]);
    if (!name.ok() || name->empty()) return std::nullopt;
    return Route{Endpoint::connection_token, std::move(*name)};
  }
  if (segments.size() == 3 && segments[0] == "responses" && segments[1] == "current" &&
      segments[2] == "consent_request")
    return Route{Endpoint::consent_request, {}};
  if (segments.size() == 1 && segments[0] == "obo_token") return Route{Endpoint::obo_token, {}};
  return std::nullopt;
}

awaitable<http::Response> RuntimeApi::handle(http::Request& request) {
  if (!enabled_) co_return no_such_route();
  const auto route_of = route(request.param("path"));
  if (!route_of) co_return no_such_route();
  if (request.method != http::Method::post) {
    auto refused = runtime_error(405, "MethodNotAllowed", "This endpoint takes POST only.");
    auto response = refused.response();
    response.headers.set("Allow", "POST");
    co_return response;
  }

  Target target;
  target.project = s_.world->project(request.param("project"));
  if (target.project == nullptr) {
    co_return runtime_error(
        404, "ProjectNotFound",
        "Project '" + std::string(request.param("project")) + "' was not found.")
        .response();
  }
  if (auto refused = check_api_version(request)) co_return refused->response();
  if (request.query_params()->get("api-version") != kRuntimeApiVersion) {
    co_return ApiError{400,
                       "UnsupportedApiVersion",
                       "The runtime API supports api-version 'v1' only.",
                       "invalid_request_error",
                       "api-version",
                       {}}
        .response();
  }
  target.tenant = s_.world->tenant_named(target.project->tenant);
  auto token = co_await s_.callers->authenticate(request, *target.tenant);
  if (!token.ok()) co_return refusal_response(token.error(), *target.tenant);
  auto caller = resolve_toolbox_caller(*target.project, *token, request, *s_.calls);
  if (!caller.ok()) {
    auto error = caller.error();
    if (!error.inner_code.empty()) error.code = error.inner_code;
    co_return error.response();
  }
  target.caller = std::move(*caller);
  if (auto refused = require_foundry_feature(request, kRuntimeApiPreview)) {
    refused->status = 403;
    co_return refused->response();
  }
  if (auto id = request.headers.get(kCallIdHeader)) {
    target.call_id = std::string(*id);
    target.call = s_.calls->find(target.call_id);
  }
  if (target.call == nullptr) {
    co_return runtime_error(400, "CallIdRequired",
                            "The runtime API acts for the request the container serves: send its "
                            "x-agent-foundry-call-id.")
        .response();
  }
  switch (route_of->endpoint) {
    case Endpoint::connection_token:
      co_return co_await connection_token(request, target, route_of->connection);
    case Endpoint::consent_request:
      co_return co_await consent_request(request, target);
    case Endpoint::obo_token:
      co_return co_await obo_token(request, target);
  }
  co_return no_such_route();
}

std::variant<Connection, ApiError> RuntimeApi::oauth2_connection(const Target& target,
                                                                 const std::string& name) const {
  auto connection = s_.state->connection(target.project->name, name);
  if (!connection.ok()) return server_error("The emulator's state store failed.");
  if (!*connection || (*connection)->name != name) {
    return runtime_error(
        404, "ConnectionNotFound",
        "Connection '" + name + "' was not found in project '" + target.project->name + "'.");
  }
  if ((*connection)->auth_type != AuthType::oauth2) {
    return runtime_error(400, "UnsupportedAuthType",
                         "Connection '" + name + "' uses " +
                             std::string(to_string((*connection)->auth_type)) +
                             "; only OAuth2 (identity passthrough) connections hold a user's "
                             "delegated token.");
  }
  return std::move(**connection);
}

ToolCallContext RuntimeApi::tool_context(const Target& target, const Connection& connection) const {
  ToolCallContext context;
  context.project = target.project->name;
  context.project_tenant_id = target.tenant->id;
  context.connection = &connection;
  context.agent = target.caller.agent;
  context.agent_version = target.caller.agent_version;
  context.identities = target.project->identities_for(target.caller.agent);
  context.caller = target.call->user;
  context.response_id = target.call->response_id;
  return context;
}

awaitable<http::Response> RuntimeApi::connection_token(const http::Request& request,
                                                       const Target& target,
                                                       const std::string& name) {
  if (target.call->app_only) co_return user_required().response();
  if (!body_object(request))
    co_return invalid_body("The body is empty or a JSON object.").response();
  auto connection = oauth2_connection(target, name);
  if (auto* refused = std::get_if<ApiError>(&connection)) co_return refused->response();
  const auto& found = std::get<Connection>(connection);
  const auto context = tool_context(target, found);
  auto outcome = co_await s_.oauth2->delegated_tokens(context);
  if (auto* consent = std::get_if<ConsentRequired>(&outcome)) {
    journal(target, "connection_token", "consent_required");
    co_return http::Response::json(200, {{"consent_required", true},
                                         {"consent_link", consent->consent_link},
                                         {"server_label", found.name}});
  }
  if (auto* failure = std::get_if<ToolAuthFailure>(&outcome)) {
    journal(target, "connection_token", failure->code);
    co_return runtime_error(502, "TokenRefreshFailed", failure->message).response();
  }
  const auto& fresh = std::get<oauth::FreshTokens>(outcome);
  journal(target, "connection_token", fresh.refreshed ? "refresh" : "cache");
  auto response = http::Response::json(200, {{"token_type", "Bearer"},
                                             {"access_token", fresh.tokens.access_token},
                                             {"expires_on", unix_seconds(fresh.tokens.expires_at)},
                                             {"scope", fresh.tokens.scopes}});
  response.headers.set("Cache-Control", "no-store");
  co_return response;
}

awaitable<http::Response> RuntimeApi::consent_request(const http::Request& request,
                                                      const Target& target) {
  // Nobody could follow the link for an application: there is no user to consent.
  if (target.call->app_only) co_return user_required().response();
  auto body = body_object(request);
  if (!body || !body->contains("connection") || !(*body)["connection"].is_string() ||
      (*body)["connection"].get<std::string>().empty()) {
    co_return invalid_body("The body is {\"connection\": \"<name>\", \"server_label\"?: \"...\"}.")
        .response();
  }
  std::string server_label;
  if (body->contains("server_label")) {
    if (!(*body)["server_label"].is_string() || (*body)["server_label"].get<std::string>().empty())
      co_return invalid_body("server_label is a non-empty string.").response();
    server_label = (*body)["server_label"].get<std::string>();
  }
  const auto name = (*body)["connection"].get<std::string>();
  auto connection = oauth2_connection(target, name);
  if (auto* refused = std::get_if<ApiError>(&connection)) co_return refused->response();
  const auto& found = std::get<Connection>(connection);
  if (server_label.empty()) server_label = found.name;
  const auto context = tool_context(target, found);
  if (s_.oauth2->consented(context)) {
    journal(target, "consent_request", "already_consented");
    co_return runtime_error(409, "AlreadyConsented",
                            "The user has consented to connection '" + found.name +
                                "' already: ask for the token instead.")
        .response();
  }
  auto consent = s_.oauth2->ask_consent(context);
  auto item = oauth_consent_request_item(consent.consent_link, server_label);
  // The call is live: the common checks found it on this thread just now.
  s_.calls->find(target.call_id)->consent_items.push_back(item);
  journal(target, "consent_request", "emitted");
  co_return http::Response::json(200, item);
}

awaitable<http::Response> RuntimeApi::obo_token(const http::Request& request,
                                                const Target& target) {
  if (target.call->app_only) co_return user_required().response();
  auto body = body_object(request);
  if (!body || !body->contains("scope") || !(*body)["scope"].is_string())
    co_return invalid_body("The body is {\"scope\": \"api://<app id>/.default\"}.").response();
  const auto scope = (*body)["scope"].get<std::string>();
  if (!valid_obo_scope(scope)) {
    co_return runtime_error(400, "InvalidScope",
                            "The scope is one scope of an api:// or https:// resource, e.g. "
                            "'api://<app id>/.default'.")
        .response();
  }
  if (!defects_.has(Defect::obo_any_audience)) {
    auto agent = s_.state->agent(target.project->name, target.caller.agent);
    if (!agent.ok()) co_return server_error("The emulator's state store failed.").response();
    const AgentVersion* version = *agent ? (*agent)->version(target.caller.agent_version) : nullptr;
    if (version == nullptr || !obo_scope_allowed(version->metadata, scope)) {
      journal(target, "obo_token", "scope_not_allowed");
      co_return runtime_error(403, "ScopeNotAllowed",
                              "The agent's metadata \"" + std::string(kOboAllowedScopesKey) +
                                  "\" does not list the scope '" + scope + "'.")
          .response();
    }
  }
  // Copied now: the call may end while the tokens are fetched.
  const auto user = target.call->user;
  const auto identities = target.project->identities_for(target.caller.agent);
  const auto tenant_id = target.tenant->id;
  if (identities.agent_identity_client_id.empty() || identities.blueprint_client_id.empty()) {
    co_return runtime_error(400, "IdentityMissing",
                            "The agent '" + target.caller.agent +
                                "' has no agent identity with a blueprint in the project.")
        .response();
  }
  // The user's token for the blueprint (Tc), then the agent identity's on-behalf-of with T1.
  auto user_for_blueprint = co_await s_.foundry_obo->exchange(
      user, default_scope("api://" + identities.blueprint_client_id));
  if (!user_for_blueprint.ok()) {
    journal(target, "obo_token", "failed");
    co_return token_request_failed("the user's token for the agent blueprint",
                                   user_for_blueprint.error())
        .response();
  }
  auto token = co_await s_.agent_identity->on_behalf_of(tenant_id, identities,
                                                        user_for_blueprint->access_token, scope);
  if (!token.ok()) {
    journal(target, "obo_token", "failed");
    co_return token_request_failed("the agent's on-behalf-of token", token.error()).response();
  }
  journal(target, "obo_token", "issued");
  auto response =
      http::Response::json(200, {{"token_type", "Bearer"},
                                 {"access_token", token->access_token},
                                 {"expires_on", unix_seconds(token->expires_at())},
                                 {"scope", token->scope.empty() ? scope : token->scope}});
  response.headers.set("Cache-Control", "no-store");
  co_return response;
}

}  // namespace toolauth::emulator
