// Mount: construction and the MCP methods. The HTTP side is in streamable_http.cc.

#include <algorithm>

#include "request_scope.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/mcp/conformance_catalog.h"
#include "toolauth/mcp/default_tools.h"
#include "toolauth/mcp/protocol.h"

namespace toolauth::mcp {

namespace {

using boost::asio::awaitable;
using jsonrpc::HandlerResult;
using jsonrpc::RpcError;

constexpr std::string_view kServerName = "toolauth-mcp";
constexpr std::string_view kLogLevels[] = {"debug", "info",     "notice", "warning",
                                           "error", "critical", "alert",  "emergency"};

RpcError invalid_params(std::string message) { return jsonrpc::invalid_params(std::move(message)); }

const nlohmann::json* member(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

std::string string_member(const nlohmann::json& object, const char* name) {
  const auto* value = member(object, name);
  return value && value->is_string() ? value->get<std::string>() : std::string();
}

// Opaque pagination cursors: the kind of list and the offset, base64url-encoded.
std::string make_cursor(std::string_view kind, std::size_t offset) {
  return jose::base64url_encode("toolauth:" + std::string(kind) + ":" + std::to_string(offset));
}

std::optional<std::size_t> read_cursor(const nlohmann::json& params, std::string_view kind,
                                       bool* invalid) {
  *invalid = false;
  const auto* cursor = member(params, "cursor");
  if (cursor == nullptr || cursor->is_null()) return 0;
  if (!cursor->is_string()) {
    *invalid = true;
    return std::nullopt;
  }
  auto decoded = jose::base64url_decode(cursor->get<std::string>());
  const std::string prefix = "toolauth:" + std::string(kind) + ":";
  const std::string text =
      decoded.ok() ? std::string(decoded->begin(), decoded->end()) : std::string();
  if (!text.starts_with(prefix) || text.size() == prefix.size() ||
      text.find_first_not_of("0123456789", prefix.size()) != std::string::npos ||
      text.size() > prefix.size() + 9) {
    *invalid = true;
    return std::nullopt;
  }
  return static_cast<std::size_t>(std::stoul(text.substr(prefix.size())));
}

template <class T, class ToJson>
HandlerResult page(const std::vector<T>& items, const nlohmann::json& params, std::string_view kind,
                   const char* field, std::size_t page_size, ToJson to_json) {
  bool invalid = false;
  const auto offset = read_cursor(params, kind, &invalid);
  if (invalid || *offset > items.size()) return invalid_params("Invalid cursor");
  nlohmann::json list = nlohmann::json::array();
  const auto end = std::min(items.size(), *offset + page_size);
  for (std::size_t i = *offset; i < end; ++i) list.push_back(to_json(items[i]));
  nlohmann::json result = {{field, std::move(list)}};
  if (end < items.size()) result["nextCursor"] = make_cursor(kind, end);
  return result;
}

}  // namespace

Mount::Mount(MountConfig config, McpContext& context, boost::asio::any_io_executor executor)
    : config_(std::move(config)),
      context_(&context),
      executor_(executor),
      authenticator_(config_.auth, *context.client, *context.clock, *context.revoked,
                     context.defects),
      catalog_(default_tools()) {
  if (config_.catalog == "conformance") catalog_.add(conformance_catalog());
  register_methods();
}

std::string Mount::url() const { return context_->public_url + "/mcp/" + config_.name; }

std::string Mount::metadata_url() const {
  return context_->public_url + "/.well-known/oauth-protected-resource/mcp/" + config_.name;
}

nlohmann::json Mount::protected_resource_metadata() const {
  if (config_.auth.kind != AuthKind::bearer) return nullptr;
  const auto& bearer = config_.auth.bearer;
  nlohmann::json doc = {{"resource", url()},
                        {"authorization_servers", bearer.authorization_servers},
                        {"bearer_methods_supported", {"header"}},
                        {"resource_name", "toolauth mock MCP server '" + config_.name + "'"}};
  if (!bearer.scopes_supported.empty()) doc["scopes_supported"] = bearer.scopes_supported;
  return doc;
}

nlohmann::json Mount::describe() const {
  nlohmann::json out = {
      {"name", config_.name}, {"url", url()}, {"auth", to_string(config_.auth.kind)}};
  if (config_.auth.kind == AuthKind::api_key) {
    out["header"] =
        config_.auth.api_key.headers.empty() ? "" : config_.auth.api_key.headers.front();
    if (!config_.auth.api_key.keys.empty()) out["key"] = config_.auth.api_key.keys.front().value;
  }
  if (config_.auth.kind == AuthKind::bearer) {
    out["issuer"] = config_.auth.bearer.issuers.empty() ? "" : config_.auth.bearer.issuers.front();
    out["audience"] =
        config_.auth.bearer.audiences.empty() ? "" : config_.auth.bearer.audiences.front();
    out["resource_metadata"] = metadata_url();
  }
  return out;
}

void Mount::end_sessions() {
  for (auto& [id, session] : sessions_) session->terminate();
  sessions_.clear();
}

void Mount::register_methods() {
  auto& d = dispatcher_;
  d.add_sync("initialize",
             [this](const nlohmann::json& params, jsonrpc::CallContext& ctx) -> HandlerResult {
               auto& scope = ctx.user_as<RequestScope>();
               if (string_member(params, "protocolVersion").empty())
                 return invalid_params("protocolVersion is required");
               if (const auto* info = member(params, "clientInfo"); info && info->is_object())
                 scope.session->client_info = *info;
               if (const auto* caps = member(params, "capabilities"); caps && caps->is_object()) {
                 scope.session->client_capabilities = *caps;
               }
               nlohmann::json result = {
                   {"protocolVersion", scope.session->protocol_version()},
                   {"capabilities",
                    {{"tools", {{"listChanged", false}}},
                     {"resources", {{"subscribe", true}, {"listChanged", false}}},
                     {"prompts", {{"listChanged", false}}},
                     {"logging", nlohmann::json::object()},
                     {"completions", nlohmann::json::object()}}},
                   {"serverInfo",
                    {{"name", kServerName},
                     {"title", "toolauth mock MCP: " + config_.name},
                     {"version", "0.1.0"}}},
               };
               if (!catalog_.instructions.empty()) result["instructions"] = catalog_.instructions;
               return result;
             });
  d.add_sync("ping", [](const nlohmann::json&, jsonrpc::CallContext&) -> HandlerResult {
    return nlohmann::json::object();
  });
  d.add_sync("tools/list",
             [this](const nlohmann::json& params, jsonrpc::CallContext&) -> HandlerResult {
               return page(catalog_.tools, params, "tools", "tools", config_.page_size,
                           [](const Tool& t) { return t.to_json(); });
             });
  d.add(
      "tools/call",
      [this](const nlohmann::json& params, jsonrpc::CallContext& ctx) -> awaitable<HandlerResult> {
        auto& scope = ctx.user_as<RequestScope>();
        const auto name = string_member(params, "name");
        const Tool* tool = catalog_.tool(name);
        if (tool == nullptr) co_return invalid_params("Unknown tool: " + name);
        // The request's own arguments (params outlive the call), not a copy of them.
        static const nlohmann::json kNoArguments = nlohmann::json::object();
        const nlohmann::json* arguments = &kNoArguments;
        if (const auto* given = member(params, "arguments"); given && !given->is_null()) {
          if (!given->is_object()) co_return invalid_params("arguments must be an object");
          arguments = given;
        }
        std::optional<nlohmann::json> progress_token;
        if (const auto* meta = member(params, "_meta")) {
          if (const auto* token = member(*meta, "progressToken");
              token && (token->is_string() || token->is_number_integer())) {
            progress_token = *token;
          }
        }
        const std::string request_id = ctx.id ? jsonrpc::id_to_string(*ctx.id) : std::string();
        scope.session->begin_request(request_id);
        ToolContext tool_context(*scope.principal, *scope.session, *context_->clock, notes_,
                                 scope.emit, progress_token, request_id);
        auto result = co_await tool->run(*arguments, tool_context);
        scope.session->end_request(request_id);
        if (!result.ok()) co_return result.error();
        co_return std::move(*result).to_json();
      });
  d.add_sync("resources/list",
             [this](const nlohmann::json& params, jsonrpc::CallContext&) -> HandlerResult {
               return page(catalog_.resources, params, "resources", "resources", config_.page_size,
                           [](const Resource& r) { return r.to_json(); });
             });
  d.add_sync("resources/templates/list",
             [this](const nlohmann::json& params, jsonrpc::CallContext&) -> HandlerResult {
               return page(catalog_.templates, params, "templates", "resourceTemplates",
                           config_.page_size,
                           [](const ResourceTemplate& t) { return t.to_json(); });
             });
  d.add_sync(
      "resources/read",
      [this](const nlohmann::json& params, jsonrpc::CallContext&) -> HandlerResult {
        const auto uri = string_member(params, "uri");
        if (uri.empty()) return invalid_params("uri is required");
        if (const auto* resource = catalog_.resource(uri))
          return nlohmann::json{{"contents", {resource->contents_json()}}};
        for (const auto& t : catalog_.templates) {
          if (auto variables = t.match(uri))
            return nlohmann::json{{"contents", {t.read(uri, *variables)}}};
        }
        return RpcError{kResourceNotFound, "Resource not found", nlohmann::json{{"uri", uri}}};
      });
  auto subscription = [this](bool subscribe) {
    return [this, subscribe](const nlohmann::json& params,
                             jsonrpc::CallContext& ctx) -> HandlerResult {
      auto& scope = ctx.user_as<RequestScope>();
      const auto uri = string_member(params, "uri");
      if (uri.empty()) return invalid_params("uri is required");
      if (catalog_.resource(uri) == nullptr)
        return RpcError{kResourceNotFound, "Resource not found", nlohmann::json{{"uri", uri}}};
      if (subscribe) {
        scope.session->subscriptions.insert(uri);
      } else {
        scope.session->subscriptions.erase(uri);
      }
      return nlohmann::json::object();
    };
  };
  d.add_sync("resources/subscribe", subscription(true));
  d.add_sync("resources/unsubscribe", subscription(false));
  d.add_sync("prompts/list",
             [this](const nlohmann::json& params, jsonrpc::CallContext&) -> HandlerResult {
               return page(catalog_.prompts, params, "prompts", "prompts", config_.page_size,
                           [](const Prompt& p) { return p.to_json(); });
             });
  d.add_sync("prompts/get",
             [this](const nlohmann::json& params, jsonrpc::CallContext&) -> HandlerResult {
               const auto name = string_member(params, "name");
               const Prompt* prompt = catalog_.prompt(name);
               if (prompt == nullptr) return invalid_params("Unknown prompt: " + name);
               nlohmann::json arguments = nlohmann::json::object();
               if (const auto* given = member(params, "arguments"); given && !given->is_null()) {
                 if (!given->is_object()) return invalid_params("arguments must be an object");
                 arguments = *given;
               }
               for (const auto& argument : prompt->arguments) {
                 if (argument.required && !arguments.contains(argument.name))
                   return invalid_params("Missing argument: " + argument.name);
               }
               auto messages = prompt->get(arguments);
               if (!messages.ok()) return messages.error();
               return std::move(messages).value();
             });
  d.add_sync("completion/complete",
             [this](const nlohmann::json& params, jsonrpc::CallContext&) -> HandlerResult {
               const auto* ref = member(params, "ref");
               const auto* argument = member(params, "argument");
               if (ref == nullptr || argument == nullptr)
                 return invalid_params("ref and argument are required");
               std::vector<std::string> values;
               if (string_member(*ref, "type") == "ref/prompt") {
                 const Prompt* prompt = catalog_.prompt(string_member(*ref, "name"));
                 if (prompt == nullptr)
                   return invalid_params("Unknown prompt: " + string_member(*ref, "name"));
                 if (prompt->complete)
                   values = prompt->complete(string_member(*argument, "name"),
                                             string_member(*argument, "value"));
               } else if (string_member(*ref, "type") != "ref/resource") {
                 return invalid_params("ref.type must be ref/prompt or ref/resource");
               }
               const auto total = values.size();
               if (values.size() > 100) values.resize(100);
               return nlohmann::json{
                   {"completion",
                    {{"values", values}, {"total", total}, {"hasMore", total > values.size()}}}};
             });
  d.add_sync("logging/setLevel",
             [](const nlohmann::json& params, jsonrpc::CallContext& ctx) -> HandlerResult {
               const auto level = string_member(params, "level");
               if (std::find(std::begin(kLogLevels), std::end(kLogLevels), level) ==
                   std::end(kLogLevels)) {
                 return invalid_params(
                     "level must be one of debug, info, notice, warning, error, critical, alert, "
                     "emergency");
               }
               ctx.user_as<RequestScope>().session->log_level = level;
               return nlohmann::json::object();
             });

  d.on_notification("notifications/initialized",
                    [](const nlohmann::json&, jsonrpc::CallContext& ctx) {
                      ctx.user_as<RequestScope>().session->initialized = true;
                    });
  d.on_notification(
      "notifications/cancelled", [](const nlohmann::json& params, jsonrpc::CallContext& ctx) {
        const auto* id = member(params, "requestId");
        if (id == nullptr) return;
        if (auto parsed = jsonrpc::id_from_json(*id); parsed.ok()) {
          ctx.user_as<RequestScope>().session->cancel_request(jsonrpc::id_to_string(*parsed));
        }
      });
  d.on_response([](jsonrpc::Response response, jsonrpc::CallContext& ctx) {
    if (!response.id) return;
    ctx.user_as<RequestScope>().session->deliver_answer(jsonrpc::id_to_string(*response.id),
                                                        jsonrpc::to_json(response));
  });
}

}  // namespace toolauth::mcp
