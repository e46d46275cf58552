#pragma once
// The tool-auth seam: one ToolAuth per connection auth type turns the context of one MCP call
// (project, connection, agent, caller) into what the call needs: the headers to send, or an
// outcome that stops it (the user must consent first; the auth type failed). The response
// engine never looks inside a connection's credentials itself.
//
//   ToolAuthOutcome outcome = co_await registry.for_type(connection.auth_type).authorize(context);
//   if (auto* credentials = std::get_if<ToolCredentials>(&outcome)) { ...send with headers... }
//
// Implementations of the token-based types (managed identity, agent identity, OAuth2
// passthrough, on-behalf-of) plug in through ToolAuthRegistry::install (EmulatorServer installs
// all four); a type nothing installed fails every call with `auth_type_unavailable`, visibly.
//
// Threading: the server's io_context thread. Implementations must not log secrets.

#include <boost/asio/awaitable.hpp>
#include <string>
#include <variant>

#include "toolauth/emulator/auth_type.h"
#include "toolauth/emulator/connection.h"
#include "toolauth/emulator/world.h"
#include "toolauth/http/headers.h"

namespace toolauth::emulator {

// The end user on whose behalf a response runs.
struct CallerIdentity {
  std::string tid;
  std::string oid;
  std::string token;  // the caller's bearer token for https://ai.azure.com (a secret)
};

struct ToolCallContext {
  std::string project;
  std::string project_tenant_id;
  const Connection* connection = nullptr;  // never null for ToolAuth::authorize
  std::string agent;
  std::string agent_version;
  // The identities the call may act as: the project's, with the agent's own agent identity
  // when it has one.
  ProjectIdentities identities;
  CallerIdentity caller;
  // The response being produced (consent requests and journals refer to it), and the one it
  // continues (empty for a fresh request).
  std::string response_id;
  std::string previous_response_id;
};

// Go ahead: send these headers with every MCP request of the call.
struct ToolCredentials {
  http::Headers headers;
  // For journals: "static" (keys, none), "cache", "refresh", "new".
  std::string source = "static";
};

// Stop: the user must consent at `consent_link` first (OAuth2 identity passthrough).
struct ConsentRequired {
  std::string consent_link;
  std::string consent_id;
};

// Stop: the call fails with this error (shown in the mcp_call item).
struct ToolAuthFailure {
  std::string code;  // "auth_type_unavailable", "consent_declined", "token_request_failed", ...
  std::string message;
};

using ToolAuthOutcome = std::variant<ToolCredentials, ConsentRequired, ToolAuthFailure>;

class ToolAuth {
 public:
  virtual ~ToolAuth() = default;
  virtual AuthType type() const = 0;
  virtual boost::asio::awaitable<ToolAuthOutcome> authorize(const ToolCallContext& context) = 0;
  // The MCP server refused the credentials authorize() gave (HTTP 401): drop any cached token
  // so the next authorize() gets a fresh one. Default: nothing is cached.
  virtual boost::asio::awaitable<void> refused(const ToolCallContext& context);
};

}  // namespace toolauth::emulator
