#pragma once
// Why an mcp_call failed, in the two shapes of the item's `error` (reference
// foundry-agent-service.md §2.4): a string (openai-node <= 7.4.0 types it `string | null`) or,
// since 7.5.0, one of three objects:
//   {"type": "mcp_protocol_error", "code": <JSON-RPC code>, "message"}
//   {"type": "mcp_tool_execution_error", "content": [<the tool result's content>]}
//   {"type": "http_error", "code": <HTTP status>, "message"}
// The emulator emits one or the other for every call (McpCallErrorFormat, the `toolauth
// emulator --mcp-call-errors` switch). The structured form's `message` is the string form, so
// both carry the same words; a failed tool's string form is its text content.
//
// Which object (the service does not document it; these are the emulator's rules):
//   JSON-RPC error from the server            mcp_protocol_error, its code
//   answer that breaks the protocol           mcp_protocol_error, -32603 (internal error)
//   unsupported protocol version              mcp_protocol_error, -32602 (as servers answer it)
//   HTTP status from the server (401, 500...) http_error, that status
//   server unreachable (connect, TLS, timeout) http_error, 502 (the gateway found no upstream)
//   no credentials for the call (consent declined, refresh failed, identity missing)
//                                              http_error, 401 (what the server answers a call
//                                              without them)
//   the tool's result has isError: true       mcp_tool_execution_error, its content

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "toolauth/core/result.h"
#include "toolauth/emulator/mcp_client.h"

namespace toolauth::emulator {

enum class McpCallErrorFormat { string, structured };

// "string" or "structured". Errors: core::Errc::invalid_argument naming the accepted values.
core::Result<McpCallErrorFormat> parse_mcp_call_error_format(std::string_view text);

class McpCallError {
 public:
  static McpCallError from(const McpError& error);
  static McpCallError tool_execution(const McpCallResult& result);
  // The call could not be made with credentials: `reason` says why.
  static McpCallError without_credentials(std::string reason);

  // The string form (also the words of the assistant's answer).
  const std::string& text() const { return text_; }
  // The item's `error` member in `format`.
  nlohmann::json to_json(McpCallErrorFormat format) const;

 private:
  McpCallError(std::string text, nlohmann::json structured)
      : text_(std::move(text)), structured_(std::move(structured)) {}
  std::string text_;
  nlohmann::json structured_;
};

}  // namespace toolauth::emulator
