#pragma once
// The emulator's MCP client: Streamable HTTP (reference/mcp.md §1) as an agent service speaks
// it to remote MCP servers.
//
//   McpClient mcp(http_client, url, headers);      // headers: auth + the agent's own
//   TOOLAUTH_CO_ASSIGN_OR_RETURN(auto tools, co_await mcp.list_tools());  (after initialize)
//   auto result = co_await mcp.call_tool("whoami", nlohmann::json::object());
//   co_await mcp.close();
//
// initialize offers the newest protocol version first (2025-11-25, then 2025-06-18, then
// 2025-03-26 when a server refuses a version with 400 or a JSON-RPC error) and accepts the
// server's answer only if it is one of those; then notifications/initialized. Later requests
// carry MCP-Protocol-Version and the Mcp-Session-Id the server gave. Answers may be JSON or
// an SSE stream (server notifications before the response are skipped). tools/list follows
// nextCursor. close() ends the session with DELETE.
//
// Failures are typed (McpError::Kind) so callers can tell a refused credential (unauthorized,
// with the WWW-Authenticate challenge) from a JSON-RPC error or a broken transport.
//
// Cancellation: a request whose coroutine is cancelled (Asio terminal cancellation, e.g. the
// streaming client of the response went away) stays "in flight"; cancel() then sends
// notifications/cancelled for it, since over HTTP a dropped connection is not a cancellation
// (reference/mcp.md §2.7).
//
// Threading: coroutines on the executor of the http::Client, one call at a time.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/core/result.h"
#include "toolauth/http/client.h"

namespace toolauth::emulator {

struct McpError {
  enum class Kind {
    transport,            // no HTTP answer (connect, TLS, timeout)
    unauthorized,         // 401/403 from the server
    http,                 // another non-2xx status
    protocol,             // an answer that is not what the protocol says
    rpc,                  // a JSON-RPC error object
    unsupported_version,  // the server insists on a version we do not speak
    cancelled,            // our caller cancelled the request while it was in flight
  };
  Kind kind = Kind::protocol;
  int status = 0;  // HTTP status when there was one
  int code = 0;    // JSON-RPC error code for Kind::rpc
  std::string message;
  std::string www_authenticate;

  // One line for mcp_call / mcp_list_tools errors, e.g. "HTTP 401 from the MCP server: ...".
  std::string describe() const;
};

template <class T>
using McpResult = core::Result<T, McpError>;

struct McpToolInfo {
  std::string name;
  std::string description;
  nlohmann::json input_schema = nlohmann::json::object();
  nlohmann::json annotations;  // null when absent

  // {"name", "input_schema", "description"?, "annotations"?} as mcp_list_tools shows it.
  nlohmann::json to_item_json() const;
};

struct McpCallResult {
  nlohmann::json content = nlohmann::json::array();
  nlohmann::json structured;  // structuredContent, null when absent
  bool is_error = false;

  // The text content joined by newlines; the structured content's JSON when there is none.
  std::string text() const;
};

class McpClient {
 public:
  static constexpr std::size_t kMaxPages = 100;

  // `extra_headers` go with every request (credentials, the agent's headers); `client` must
  // outlive this object.
  McpClient(http::Client& client, std::string url, http::Headers extra_headers = {});

  boost::asio::awaitable<McpResult<void>> initialize();
  boost::asio::awaitable<McpResult<std::vector<McpToolInfo>>> list_tools();
  boost::asio::awaitable<McpResult<McpCallResult>> call_tool(const std::string& name,
                                                             const nlohmann::json& arguments);
  // notifications/cancelled {requestId, reason} for the request that was cancelled in flight
  // (never initialize, which must not be cancelled); nothing when there is none. Call it
  // after resetting the coroutine's cancellation state. Failures are ignored.
  boost::asio::awaitable<void> cancel(std::string reason);
  // The id of the request cancelled in flight, if any.
  std::optional<std::int64_t> in_flight() const { return in_flight_; }
  // DELETE of the session, when there is one; failures are ignored (the server may not allow it).
  boost::asio::awaitable<void> close();

  const std::string& protocol_version() const { return protocol_version_; }
  const std::string& session_id() const { return session_id_; }

 private:
  boost::asio::awaitable<McpResult<nlohmann::json>> request(const std::string& method,
                                                            nlohmann::json params);
  boost::asio::awaitable<McpResult<void>> notify(const std::string& method,
                                                 nlohmann::json params = nullptr);
  http::ClientRequest make_request(http::Method method, std::string body) const;

  http::Client* client_;
  std::string url_;
  http::Headers extra_headers_;
  std::string protocol_version_;
  std::string session_id_;
  std::int64_t next_id_ = 1;
  std::optional<std::int64_t> in_flight_;  // a request whose answer never came (cancelled)
  std::string in_flight_method_;
};

}  // namespace toolauth::emulator
