#include "toolauth/emulator/mcp_call_error.h"

namespace toolauth::emulator {

namespace {

constexpr int kJsonRpcInvalidParams = -32602;
constexpr int kJsonRpcInternalError = -32603;
constexpr int kBadGateway = 502;
constexpr int kUnauthorized = 401;

nlohmann::json protocol_error(int code, const std::string& message) {
  return {{"type", "mcp_protocol_error"}, {"code", code}, {"message", message}};
}

nlohmann::json http_error(int status, const std::string& message) {
  return {{"type", "http_error"}, {"code", status}, {"message", message}};
}

}  // namespace

core::Result<McpCallErrorFormat> parse_mcp_call_error_format(std::string_view text) {
  if (text == "string") return McpCallErrorFormat::string;
  if (text == "structured") return McpCallErrorFormat::structured;
  return core::Error{
      core::Errc::invalid_argument,
      "mcp_call errors are 'string' or 'structured', not '" + std::string(text) + "'"};
}

McpCallError McpCallError::from(const McpError& error) {
  auto text = error.describe();
  switch (error.kind) {
    case McpError::Kind::rpc:
      return {text, protocol_error(error.code, text)};
    case McpError::Kind::protocol:
      return {text, protocol_error(kJsonRpcInternalError, text)};
    case McpError::Kind::unsupported_version:
      return {text, protocol_error(kJsonRpcInvalidParams, text)};
    case McpError::Kind::unauthorized:
    case McpError::Kind::http:
      return {text, http_error(error.status, text)};
    case McpError::Kind::transport:
    case McpError::Kind::cancelled:  // the response unwinds before such a call is reported
      break;
  }
  return {text, http_error(kBadGateway, text)};
}

McpCallError McpCallError::tool_execution(const McpCallResult& result) {
  return {result.text(), {{"type", "mcp_tool_execution_error"}, {"content", result.content}}};
}

McpCallError McpCallError::without_credentials(std::string reason) {
  auto structured = http_error(kUnauthorized, reason);
  return {std::move(reason), std::move(structured)};
}

nlohmann::json McpCallError::to_json(McpCallErrorFormat format) const {
  return format == McpCallErrorFormat::string ? nlohmann::json(text_) : structured_;
}

}  // namespace toolauth::emulator
