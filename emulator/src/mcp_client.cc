#include "toolauth/emulator/mcp_client.h"

#include <array>
#include <boost/asio/this_coro.hpp>
#include <utility>

#include "toolauth/core/json.h"
#include "toolauth/http/sse.h"

namespace toolauth::emulator {

namespace {

constexpr std::array<std::string_view, 3> kVersions = {"2025-11-25", "2025-06-18", "2025-03-26"};

bool supported(std::string_view version) {
  for (auto v : kVersions) {
    if (v == version) return true;
  }
  return false;
}

McpError error(McpError::Kind kind, std::string message, int status = 0) {
  McpError e;
  e.kind = kind;
  e.message = std::move(message);
  e.status = status;
  return e;
}

// The message of a JSON-RPC error body, or a short excerpt of whatever the body is.
std::string body_message(const std::string& body) {
  if (auto json = core::parse_json(body); json.ok() && json->is_object()) {
    if (auto e = json->find("error"); e != json->end()) {
      if (e->is_object() && e->contains("message") && (*e)["message"].is_string())
        return (*e)["message"].get<std::string>();
      if (e->is_string()) return e->get<std::string>();
    }
  }
  return body.substr(0, 200);
}

// The JSON-RPC response with `id` in an answer (a JSON body or an SSE stream).
McpResult<nlohmann::json> find_response(const http::ClientResponse& response, std::int64_t id) {
  const auto content_type = std::string(response.headers.get("content-type").value_or(""));
  std::vector<std::string> messages;
  if (content_type.starts_with("text/event-stream")) {
    http::SseParser parser;
    for (auto& event : parser.feed(response.body)) {
      if (!event.data.empty()) messages.push_back(std::move(event.data));
    }
  } else if (content_type.starts_with("application/json")) {
    messages.push_back(response.body);
  } else {
    return error(McpError::Kind::protocol,
                 "the MCP server answered with Content-Type '" + content_type + "'",
                 response.status);
  }
  for (const auto& text : messages) {
    auto message = core::parse_json(text);
    if (!message.ok() || !message->is_object()) continue;
    auto id_it = message->find("id");
    if (id_it == message->end() || !id_it->is_number_integer() || id_it->get<std::int64_t>() != id)
      continue;  // a notification or a server request on the stream
    if (auto e = message->find("error"); e != message->end()) {
      McpError rpc = error(McpError::Kind::rpc, "JSON-RPC error", response.status);
      if (e->is_object()) {
        if (e->contains("code") && (*e)["code"].is_number_integer()) rpc.code = (*e)["code"];
        if (e->contains("message") && (*e)["message"].is_string()) rpc.message = (*e)["message"];
      }
      return rpc;
    }
    if (auto result = message->find("result"); result != message->end() && result->is_object())
      return *result;
    return error(McpError::Kind::protocol, "a JSON-RPC response without an object result",
                 response.status);
  }
  return error(McpError::Kind::protocol,
               "the answer holds no response to request " + std::to_string(id), response.status);
}

}  // namespace

std::string McpError::describe() const {
  switch (kind) {
    case Kind::transport:
      return "the MCP server could not be reached: " + message;
    case Kind::unauthorized:
    case Kind::http:
      return "HTTP " + std::to_string(status) + " from the MCP server: " + message;
    case Kind::rpc:
      return "MCP error " + std::to_string(code) + ": " + message;
    case Kind::unsupported_version:
      return "the MCP server speaks an unsupported protocol version: " + message;
    case Kind::protocol:
      return "the MCP server broke the protocol: " + message;
    case Kind::cancelled:
      return "the call was cancelled: " + message;
  }
  return message;
}

nlohmann::json McpToolInfo::to_item_json() const {
  nlohmann::json item = {{"name", name}, {"input_schema", input_schema}};
  if (!description.empty()) item["description"] = description;
  if (!annotations.is_null()) item["annotations"] = annotations;
  return item;
}

std::string McpCallResult::text() const {
  std::string out;
  for (const auto& part : content) {
    if (part.is_object() && part.value("type", "") == "text" && part.contains("text") &&
        part["text"].is_string()) {
      if (!out.empty()) out += "\n";
      out += part["text"].get<std::string>();
    }
  }
  if (out.empty() && !structured.is_null()) out = structured.dump();
  return out;
}

McpClient::McpClient(http::Client& client, std::string url, http::Headers extra_headers)
    : client_(&client), url_(std::move(url)), extra_headers_(std::move(extra_headers)) {}

http::ClientRequest McpClient::make_request(http::Method method, std::string body) const {
  http::ClientRequest request{.method = method, .url = url_, .body = std::move(body)};
  // The agent's headers first, so nothing below can be overridden by them.
  for (const auto& [name, value] : extra_headers_.fields()) request.headers.set(name, value);
  request.headers.set("Accept", "application/json, text/event-stream");
  if (method == http::Method::post) request.headers.set("Content-Type", "application/json");
  if (!protocol_version_.empty()) request.headers.set("MCP-Protocol-Version", protocol_version_);
  if (!session_id_.empty()) request.headers.set("Mcp-Session-Id", session_id_);
  return request;
}

boost::asio::awaitable<McpResult<nlohmann::json>> McpClient::request(const std::string& method,
                                                                     nlohmann::json params) {
  const auto id = next_id_++;
  nlohmann::json message = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  in_flight_ = id;
  in_flight_method_ = method;
  auto response = co_await client_->send(make_request(http::Method::post, message.dump()));
  // Cancelled while the request was out: it stays in flight for cancel().
  const auto state = co_await boost::asio::this_coro::cancellation_state;
  if (state.cancelled() != boost::asio::cancellation_type::none)
    co_return error(McpError::Kind::cancelled, method + " was cancelled in flight");
  in_flight_.reset();
  if (!response.ok()) co_return error(McpError::Kind::transport, response.error().message());
  if (response->status == 401 || response->status == 403) {
    auto e = error(McpError::Kind::unauthorized, body_message(response->body), response->status);
    e.www_authenticate = std::string(response->headers.get("www-authenticate").value_or(""));
    co_return e;
  }
  if (response->status != 200) {
    co_return error(McpError::Kind::http, body_message(response->body), response->status);
  }
  if (method == "initialize") {
    if (auto id_header = response->headers.get("mcp-session-id")) session_id_ = *id_header;
  }
  co_return find_response(*response, id);
}

boost::asio::awaitable<McpResult<void>> McpClient::notify(const std::string& method,
                                                          nlohmann::json params) {
  nlohmann::json message = {{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  auto response = co_await client_->send(make_request(http::Method::post, message.dump()));
  if (!response.ok()) co_return error(McpError::Kind::transport, response.error().message());
  if (response->status != 202 && response->status != 200 && response->status != 204)
    co_return error(McpError::Kind::http, body_message(response->body), response->status);
  co_return McpResult<void>{};
}

boost::asio::awaitable<McpResult<void>> McpClient::initialize() {
  McpError last = error(McpError::Kind::protocol, "no protocol version was tried");
  for (auto offered : kVersions) {
    protocol_version_.clear();
    session_id_.clear();
    auto result = co_await request(
        "initialize", {{"protocolVersion", offered},
                       {"capabilities", nlohmann::json::object()},
                       {"clientInfo", {{"name", "toolauth-emulator"}, {"version", "1"}}}});
    if (!result.ok()) {
      last = result.error();
      // Only a refusal of the version itself is worth an older one.
      const bool refused_version = (last.kind == McpError::Kind::http && last.status == 400) ||
                                   last.kind == McpError::Kind::rpc;
      if (refused_version) continue;
      co_return last;
    }
    const auto version = result->value("protocolVersion", std::string());
    if (!supported(version))
      co_return error(McpError::Kind::unsupported_version, "'" + version + "'");
    protocol_version_ = version;
    co_return co_await notify("notifications/initialized");
  }
  co_return last;
}

boost::asio::awaitable<McpResult<std::vector<McpToolInfo>>> McpClient::list_tools() {
  std::vector<McpToolInfo> tools;
  std::string cursor;
  for (std::size_t page = 0; page < kMaxPages; ++page) {
    nlohmann::json params = nlohmann::json::object();
    if (!cursor.empty()) params["cursor"] = cursor;
    auto result = co_await request("tools/list", std::move(params));
    if (!result.ok()) co_return result.error();
    auto list = result->find("tools");
    if (list == result->end() || !list->is_array())
      co_return error(McpError::Kind::protocol, "tools/list answered without a tools array");
    for (const auto& tool : *list) {
      if (!tool.is_object() || !tool.contains("name") || !tool["name"].is_string())
        co_return error(McpError::Kind::protocol, "tools/list answered a tool without a name");
      McpToolInfo info;
      info.name = tool["name"].get<std::string>();
      info.description = tool.value("description", std::string());
      if (tool.contains("inputSchema") && tool["inputSchema"].is_object())
        info.input_schema = tool["inputSchema"];
      if (tool.contains("annotations") && tool["annotations"].is_object())
        info.annotations = tool["annotations"];
      tools.push_back(std::move(info));
    }
    auto next = result->find("nextCursor");
    if (next == result->end() || !next->is_string() || next->get<std::string>().empty())
      co_return tools;
    cursor = next->get<std::string>();
  }
  co_return error(McpError::Kind::protocol,
                  "tools/list did not end within " + std::to_string(kMaxPages) + " pages");
}

boost::asio::awaitable<McpResult<McpCallResult>> McpClient::call_tool(
    const std::string& name, const nlohmann::json& arguments) {
  auto result = co_await request("tools/call", {{"name", name}, {"arguments", arguments}});
  if (!result.ok()) co_return result.error();
  McpCallResult call;
  if (auto content = result->find("content"); content != result->end() && content->is_array())
    call.content = *content;
  if (auto s = result->find("structuredContent"); s != result->end()) call.structured = *s;
  if (auto e = result->find("isError"); e != result->end() && e->is_boolean()) call.is_error = *e;
  co_return call;
}

boost::asio::awaitable<void> McpClient::cancel(std::string reason) {
  const auto id = std::exchange(in_flight_, std::nullopt);
  if (!id || in_flight_method_ == "initialize") co_return;
  (void)co_await notify("notifications/cancelled", {{"requestId", *id}, {"reason", reason}});
}

boost::asio::awaitable<void> McpClient::close() {
  if (session_id_.empty()) co_return;
  auto response = co_await client_->send(make_request(http::Method::delete_, {}));
  (void)response;
  session_id_.clear();
}

}  // namespace toolauth::emulator
