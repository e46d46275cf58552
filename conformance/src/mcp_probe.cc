#include "toolauth/conformance/mcp_probe.h"

#include "toolauth/core/json.h"
#include "toolauth/http/sse.h"

namespace toolauth::conformance {

McpProbe::McpProbe(http::Client& client, std::string url, http::Headers credentials)
    : client_(&client), url_(std::move(url)), credentials_(std::move(credentials)) {}

nlohmann::json answer_in_event_stream(std::string_view body, const nlohmann::json& id) {
  http::SseParser parser;
  auto events = parser.feed(body);
  auto tail = parser.feed("\n\n");  // a stream cut without its final blank line
  events.insert(events.end(), tail.begin(), tail.end());
  nlohmann::json answer;
  for (const auto& event : events) {
    auto parsed = core::parse_json(event.data);
    if (!parsed.ok() || !parsed->is_object()) continue;
    if (parsed->contains("id") && (*parsed)["id"] == id &&
        (parsed->contains("result") || parsed->contains("error"))) {
      answer = std::move(*parsed);
    }
  }
  return answer;
}

boost::asio::awaitable<core::Result<ProbeReply>> McpProbe::post(const nlohmann::json& message) {
  http::ClientRequest request{.method = http::Method::post, .url = url_, .body = message.dump()};
  request.headers.set("Content-Type", "application/json");
  request.headers.set("Accept", "application/json, text/event-stream");
  if (!session_id_.empty()) request.headers.set("Mcp-Session-Id", session_id_);
  if (!protocol_version_.empty()) request.headers.set("MCP-Protocol-Version", protocol_version_);
  for (const auto& [name, value] : credentials_.fields()) request.headers.add(name, value);
  auto sent = co_await client_->send(std::move(request));
  if (!sent.ok()) co_return sent.error();
  ProbeReply reply;
  reply.status = sent->status;
  reply.headers = std::move(sent->headers);
  reply.body = std::move(sent->body);
  const auto content_type = reply.header("content-type");
  reply.event_stream = content_type.starts_with("text/event-stream");
  if (message.contains("id")) {
    if (reply.event_stream) {
      reply.message = answer_in_event_stream(reply.body, message["id"]);
    } else if (auto parsed = core::parse_json(reply.body); parsed.ok() && parsed->is_object()) {
      reply.message = std::move(*parsed);
    }
  }
  co_return reply;
}

boost::asio::awaitable<core::Result<ProbeReply>> McpProbe::request(std::string method,
                                                                   nlohmann::json params) {
  nlohmann::json message = {{"jsonrpc", "2.0"}, {"id", next_id_++}, {"method", std::move(method)}};
  if (!params.is_null()) message["params"] = std::move(params);
  co_return co_await post(message);
}

boost::asio::awaitable<core::Result<ProbeReply>> McpProbe::initialize() {
  auto reply = co_await request(
      "initialize", {{"protocolVersion", kProbeProtocolVersion},
                     {"capabilities", nlohmann::json::object()},
                     {"clientInfo", {{"name", "toolauth-conformance"}, {"version", "1"}}}});
  if (!reply.ok() || !reply->has_result()) co_return reply;
  session_id_ = reply->header("mcp-session-id");
  const auto& result = reply->message["result"];
  protocol_version_ = result.contains("protocolVersion") && result["protocolVersion"].is_string()
                          ? result["protocolVersion"].get<std::string>()
                          : std::string(kProbeProtocolVersion);
  auto initialized = co_await post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  if (!initialized.ok()) co_return initialized.error();
  co_return reply;
}

boost::asio::awaitable<core::Result<ProbeReply>> McpProbe::list_tools() {
  co_return co_await request("tools/list", nlohmann::json::object());
}

boost::asio::awaitable<core::Result<ProbeReply>> McpProbe::call_tool(std::string name,
                                                                     nlohmann::json arguments) {
  co_return co_await request("tools/call",
                             {{"name", std::move(name)}, {"arguments", std::move(arguments)}});
}

}  // namespace toolauth::conformance
