#pragma once
// A minimal MCP client over Streamable HTTP (reference/mcp.md §1) for the conformance suite:
// initialize, tools/list and tools/call, with whatever credentials a scenario chooses, reading
// the answer as JSON or as an SSE stream (the last event that answers the request). Unlike an
// SDK client it never retries, refreshes or follows a challenge: a scenario sees every 401
// exactly as the server sent it.
//
// The emulator branch has its own MCP client; the two are to be merged (one client for the
// whole project) once both exist.
//
//   McpProbe probe(client, target_url, {{"Authorization", "Bearer " + token}});
//   auto reply = co_await probe.initialize();          // keeps Mcp-Session-Id
//   auto tools = co_await probe.list_tools();
//
// Threading: use from coroutines on the client's executor.

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "toolauth/core/result.h"
#include "toolauth/http/client.h"
#include "toolauth/http/headers.h"

namespace toolauth::conformance {

inline constexpr std::string_view kProbeProtocolVersion = "2025-06-18";

struct ProbeReply {
  int status = 0;
  http::Headers headers;
  std::string body;
  bool event_stream = false;
  // The JSON-RPC response to the request (null when the answer held none, e.g. a 401).
  nlohmann::json message;

  std::string header(std::string_view name) const {
    return std::string(headers.get(name).value_or(""));
  }
  bool has_result() const { return message.is_object() && message.contains("result"); }
};

class McpProbe {
 public:
  // `credentials` go on every request (Authorization, X-API-Key, ...); may be empty.
  McpProbe(http::Client& client, std::string url, http::Headers credentials = {});

  // initialize, and on success the notifications/initialized that completes the handshake.
  boost::asio::awaitable<core::Result<ProbeReply>> initialize();
  boost::asio::awaitable<core::Result<ProbeReply>> list_tools();
  boost::asio::awaitable<core::Result<ProbeReply>> call_tool(std::string name,
                                                             nlohmann::json arguments);
  // Any request; the session and protocol headers are added once initialize succeeded.
  boost::asio::awaitable<core::Result<ProbeReply>> request(std::string method,
                                                           nlohmann::json params);

  const std::string& url() const { return url_; }
  const std::string& session_id() const { return session_id_; }

 private:
  boost::asio::awaitable<core::Result<ProbeReply>> post(const nlohmann::json& message);

  http::Client* client_;
  std::string url_;
  http::Headers credentials_;
  std::string session_id_;
  std::string protocol_version_;
  int next_id_ = 1;
};

// The JSON-RPC answer to request `id` in an SSE body (the last event carrying it), or null.
nlohmann::json answer_in_event_stream(std::string_view body, const nlohmann::json& id);

}  // namespace toolauth::conformance
