#include "toolauth/emulator/toolbox_mcp_endpoint.h"

#include <array>

#include "toolauth/emulator/api_version.h"
#include "toolauth/emulator/foundry_features.h"
#include "toolauth/jsonrpc/parse.h"

namespace toolauth::emulator {

namespace {

using boost::asio::awaitable;

// The MCP versions the endpoint speaks, newest first (as McpClient offers them).
constexpr std::array<std::string_view, 3> kMcpVersions = {"2025-11-25", "2025-06-18", "2025-03-26"};

bool supported_version(std::string_view version) {
  return std::find(kMcpVersions.begin(), kMcpVersions.end(), version) != kMcpVersions.end();
}

// Whether the Accept header takes `type` (absent: anything goes).
bool accepts_json(const http::Request& request) {
  const auto headers = request.headers.get_all("accept");
  if (headers.empty()) return true;
  for (auto header : headers) {
    while (!header.empty()) {
      const auto comma = header.find(',');
      auto item = header.substr(0, comma);
      item = item.substr(0, item.find(';'));
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (http::iequals(item, "application/json") || item == "*/*" ||
          http::iequals(item, "application/*"))
        return true;
      if (comma == std::string_view::npos) break;
      header.remove_prefix(comma + 1);
    }
  }
  return false;
}

// A transport-level refusal in the JSON-RPC shape MCP SDK servers use (null id).
http::Response rpc_refusal(int status, int code, std::string message) {
  return http::Response::json(status, {{"jsonrpc", "2.0"},
                                       {"error", {{"code", code}, {"message", std::move(message)}}},
                                       {"id", nullptr}});
}

ApiError toolbox_missing(std::string_view project, std::string_view name) {
  return ApiError{404,
                  "not_found",
                  "Toolbox '" + std::string(name) + "' was not found in project '" +
                      std::string(project) + "'.",
                  "invalid_request_error",
                  std::nullopt,
                  "ToolboxNotFound"};
}

}  // namespace

ToolboxMcpEndpoint::ToolboxMcpEndpoint(const EmulatorWorld& world, EmulatorState& state,
                                       CallerAuthenticator& callers,
                                       const HostedCallRegistry& calls, ToolboxProxy& proxy,
                                       EmulatorDefects defects)
    : world_(&world),
      state_(&state),
      callers_(&callers),
      calls_(&calls),
      proxy_(&proxy),
      defects_(defects) {
  dispatcher_.add_sync(
      "initialize",
      [](const nlohmann::json& params, jsonrpc::CallContext& ctx) -> jsonrpc::HandlerResult {
        const auto& target = ctx.user_as<const ToolboxTarget>();
        std::string version(kMcpVersions.front());
        if (params.is_object() && params.contains("protocolVersion") &&
            params["protocolVersion"].is_string() &&
            supported_version(params["protocolVersion"].get<std::string>()))
          version = params["protocolVersion"].get<std::string>();
        return nlohmann::json{
            {"protocolVersion", version},
            {"capabilities", {{"tools", {{"listChanged", false}}}}},
            {"serverInfo",
             {{"name", target.version.name}, {"version", std::to_string(target.version.version)}}}};
      });
  dispatcher_.add_sync("ping", [](const nlohmann::json&, jsonrpc::CallContext&) {
    return jsonrpc::HandlerResult(nlohmann::json::object());
  });
  dispatcher_.add("tools/list",
                  [this](const nlohmann::json&,
                         jsonrpc::CallContext& ctx) -> awaitable<jsonrpc::HandlerResult> {
                    co_return co_await proxy_->list_tools(ctx.user_as<const ToolboxTarget>());
                  });
  dispatcher_.add("tools/call",
                  [this](const nlohmann::json& params,
                         jsonrpc::CallContext& ctx) -> awaitable<jsonrpc::HandlerResult> {
                    co_return co_await proxy_->call_tool(ctx.user_as<const ToolboxTarget>(),
                                                         params);
                  });
  for (const char* notification : {"notifications/initialized", "notifications/cancelled"})
    dispatcher_.on_notification(notification, [](const nlohmann::json&, jsonrpc::CallContext&) {});
}

void ToolboxMcpEndpoint::mount(http::Router& router) {
  auto handler = [this](http::Request& r) { return handle(r); };
  auto not_allowed = [](http::Request&) {
    auto response = rpc_refusal(405, -32000, "Method not allowed: this endpoint takes POST only.");
    response.headers.set("Allow", "POST");
    return response;
  };
  for (std::string path : {"/api/projects/{project}/toolboxes/{name}/mcp",
                           "/api/projects/{project}/toolboxes/{name}/versions/{version}/mcp"}) {
    router.add(http::Method::post, path, handler);
    router.add(http::Method::get, path, not_allowed);
    router.add(http::Method::delete_, path, not_allowed);
  }
}

awaitable<http::Response> ToolboxMcpEndpoint::handle(http::Request& request) {
  ToolboxTarget target;
  target.project = world_->project(request.param("project"));
  if (target.project == nullptr) {
    co_return ApiError{404,
                       "NotFound",
                       "Project '" + std::string(request.param("project")) + "' was not found.",
                       "invalid_request_error",
                       std::nullopt,
                       "ProjectNotFound"}
        .response();
  }
  if (auto refused = check_api_version(request)) co_return refused->response();
  target.tenant = world_->tenant_named(target.project->tenant);
  auto token = co_await callers_->authenticate(request, *target.tenant);
  if (!token.ok()) co_return refusal_response(token.error(), *target.tenant);
  auto caller = resolve_toolbox_caller(*target.project, *token, request, *calls_, defects_);
  if (!caller.ok()) co_return caller.error().response();
  target.caller = std::move(*caller);
  if (auto refused = require_foundry_feature(request, kToolboxesPreview))
    co_return refused->response();

  const auto name = request.param("name");
  auto toolbox = state_->toolbox(target.project->name, name);
  if (!toolbox.ok()) co_return server_error("The emulator's state store failed.").response();
  if (!*toolbox) co_return toolbox_missing(target.project->name, name).response();
  if (request.path_params.contains("version")) {
    const auto* version = (*toolbox)->version(request.param("version"));
    if (version == nullptr) {
      co_return ApiError{404,
                         "not_found",
                         "Toolbox '" + std::string(name) + "' has no version '" +
                             std::string(request.param("version")) + "'.",
                         "invalid_request_error",
                         std::nullopt,
                         "ToolboxVersionNotFound"}
          .response();
    }
    target.version = *version;
  } else {
    target.version = (*toolbox)->default_version();
  }

  if (request.media_type() != "application/json")
    co_return rpc_refusal(415, -32000, "Unsupported Media Type: send application/json.");
  if (!accepts_json(request))
    co_return rpc_refusal(406, -32000, "Not Acceptable: the client must accept application/json.");
  if (auto sent = request.headers.get("mcp-protocol-version"); sent && !supported_version(*sent)) {
    co_return rpc_refusal(400, -32000,
                          "Bad Request: unsupported MCP-Protocol-Version " + std::string(*sent));
  }

  auto parsed = jsonrpc::parse_message(request.body, {.params_must_be_object = true});
  const bool all_invalid = std::all_of(
      parsed.messages.begin(), parsed.messages.end(),
      [](const jsonrpc::Incoming& m) { return std::holds_alternative<jsonrpc::Invalid>(m); });
  const ToolboxTarget* pointer = &target;
  auto reply = co_await dispatcher_.dispatch(
      std::move(parsed), [pointer](jsonrpc::CallContext& ctx) { ctx.user = pointer; });
  if (!reply) {
    http::Response accepted;
    accepted.status = 202;
    co_return accepted;
  }
  auto response = http::Response::json(all_invalid ? 400 : 200, *reply);
  response.headers.set("Cache-Control", "no-store");
  co_return response;
}

}  // namespace toolauth::emulator
