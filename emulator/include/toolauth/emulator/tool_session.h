#pragma once
// An MCP session to one tool source with its connection's credentials, opened the same way
// wherever the emulator calls tools (the response engine, the toolbox proxy):
//
//   ToolSession session(http_client, url, headers, &auth, context, journal);
//   co_await session.open();
//   if (session.consent()) ...       // the user must consent first (OAuth2)
//   else if (session.error()) ...    // why the source cannot be used
//   else auto result = co_await session.call_tool("whoami", {});
//   co_await session.close();
//
// open(): the connection's ToolAuth authorizes (no ToolAuth: no credentials), its headers go
// on top of `headers` (so nothing given by an agent or a toolbox entry can replace a
// connection's key), and the session initializes. A 401 at initialize tells the ToolAuth
// (refused(): it drops a cached token, or marks the OAuth2 entry for refresh) and the session
// is opened once more with what authorize() gives then. call_tool() does the same once for a
// 401 in mid-session (a token revoked or expired early) and calls again.
//
// The journal callback gets the tool-auth steps as fields to record: {"outcome": "credentials",
// "source"}, {"outcome": "consent", "source": "consent"}, {"outcome": "failed", "code"},
// {"outcome": "refused", "status": 401}; never a credential.
//
// Cancellation: when the calling coroutine was cancelled (a streaming client went away) a
// returning MCP request throws operation_aborted, so an aborted request is never reported as
// a failed call.
//
// Threading: coroutines on the executor of the http::Client.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "toolauth/core/result.h"
#include "toolauth/emulator/mcp_call_error.h"
#include "toolauth/emulator/mcp_client.h"
#include "toolauth/emulator/tool_auth.h"
#include "toolauth/http/client.h"

namespace toolauth::emulator {

// How often a refusing server is tried: at open (attempts) and around a call (retries).
// The retry-loop-on-401 defect raises both; a correct caller keeps the defaults.
struct ToolSessionRetries {
  int open_attempts = 2;
  int call_retries = 1;
};

class ToolSession {
 public:
  using Journal = std::function<void(nlohmann::json fields)>;
  // `client`, and `auth` when given, must outlive the session.
  ToolSession(http::Client& client, std::string url, http::Headers headers, ToolAuth* auth,
              ToolCallContext context, Journal journal = {}, ToolSessionRetries retries = {});
  ~ToolSession();
  ToolSession(const ToolSession&) = delete;
  ToolSession& operator=(const ToolSession&) = delete;

  // Opens (again: a fresh session with fresh credentials).
  boost::asio::awaitable<void> open();
  boost::asio::awaitable<core::Result<McpCallResult, McpCallError>> call_tool(
      const std::string& name, const nlohmann::json& arguments);
  boost::asio::awaitable<McpResult<std::vector<McpToolInfo>>> list_tools();
  // Ends the MCP session, if one is open.
  boost::asio::awaitable<void> close();

  bool ready() const { return mcp_ != nullptr && !error_ && !consent_; }
  const std::optional<ConsentRequired>& consent() const { return consent_; }
  const std::optional<McpCallError>& error() const { return error_; }
  // The ToolAuthFailure code when authorize() failed ("consent_declined", ...), else empty.
  const std::string& failure_code() const { return failure_code_; }
  // What the ToolAuth gave (secrets: only the credential-echo defects read them).
  const http::Headers& credentials() const { return credentials_; }
  // The MCP client of the open session (null before open() or after a failure to authorize).
  McpClient* mcp() { return mcp_.get(); }

 private:
  http::Client* client_;
  std::string url_;
  http::Headers headers_;
  ToolAuth* auth_;
  ToolCallContext context_;
  Journal journal_;
  ToolSessionRetries retries_;
  std::unique_ptr<McpClient> mcp_;
  std::optional<ConsentRequired> consent_;
  std::optional<McpCallError> error_;
  std::string failure_code_;
  http::Headers credentials_;
};

}  // namespace toolauth::emulator
