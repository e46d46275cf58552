// The two shapes of mcp_call.error and which structured object each failure becomes.
#include "toolauth/emulator/mcp_call_error.h"

#include <gtest/gtest.h>

namespace toolauth::emulator {
namespace {

McpError mcp_error(McpError::Kind kind, int status, int code, std::string message) {
  McpError e;
  e.kind = kind;
  e.status = status;
  e.code = code;
  e.message = std::move(message);
  return e;
}

TEST(McpCallErrorTest, AJsonRpcErrorIsAProtocolErrorWithItsCode) {
  auto error = McpCallError::from(mcp_error(McpError::Kind::rpc, 200, -32042, "bad"));
  EXPECT_EQ(error.to_json(McpCallErrorFormat::string), "MCP error -32042: bad");
  EXPECT_EQ(error.to_json(McpCallErrorFormat::structured),
            nlohmann::json({{"type", "mcp_protocol_error"},
                            {"code", -32042},
                            {"message", "MCP error -32042: bad"}}));
}

TEST(McpCallErrorTest, AnHttpStatusIsAnHttpErrorWithThatStatus) {
  for (auto kind : {McpError::Kind::unauthorized, McpError::Kind::http}) {
    const int status = kind == McpError::Kind::http ? 500 : 401;
    auto structured = McpCallError::from(mcp_error(kind, status, 0, "no"))
                          .to_json(McpCallErrorFormat::structured);
    EXPECT_EQ(structured["type"], "http_error");
    EXPECT_EQ(structured["code"], status);
    EXPECT_EQ(structured["message"], "HTTP " + std::to_string(status) + " from the MCP server: no");
  }
}

TEST(McpCallErrorTest, AnUnreachableServerIsA502) {
  auto structured = McpCallError::from(mcp_error(McpError::Kind::transport, 0, 0, "refused"))
                        .to_json(McpCallErrorFormat::structured);
  EXPECT_EQ(structured["type"], "http_error");
  EXPECT_EQ(structured["code"], 502);
}

TEST(McpCallErrorTest, ABrokenAnswerIsAProtocolError) {
  EXPECT_EQ(McpCallError::from(mcp_error(McpError::Kind::protocol, 200, 0, "x"))
                .to_json(McpCallErrorFormat::structured)["code"],
            -32603);
  EXPECT_EQ(McpCallError::from(mcp_error(McpError::Kind::unsupported_version, 200, 0, "'1999'"))
                .to_json(McpCallErrorFormat::structured)["code"],
            -32602);
}

TEST(McpCallErrorTest, AFailedToolKeepsItsContent) {
  McpCallResult result;
  result.content = {{{"type", "text"}, {"text", "nope"}}};
  result.is_error = true;
  auto error = McpCallError::tool_execution(result);
  EXPECT_EQ(error.text(), "nope");
  EXPECT_EQ(error.to_json(McpCallErrorFormat::string), "nope");
  EXPECT_EQ(error.to_json(McpCallErrorFormat::structured),
            nlohmann::json({{"type", "mcp_tool_execution_error"}, {"content", result.content}}));
}

TEST(McpCallErrorTest, NoCredentialsIsA401CarryingTheReason) {
  auto error = McpCallError::without_credentials("consent_declined");
  EXPECT_EQ(error.to_json(McpCallErrorFormat::string), "consent_declined");
  EXPECT_EQ(
      error.to_json(McpCallErrorFormat::structured),
      nlohmann::json({{"type", "http_error"}, {"code", 401}, {"message", "consent_declined"}}));
}

TEST(McpCallErrorTest, TheFormatIsStringOrStructured) {
  EXPECT_EQ(*parse_mcp_call_error_format("string"), McpCallErrorFormat::string);
  EXPECT_EQ(*parse_mcp_call_error_format("structured"), McpCallErrorFormat::structured);
  auto bad = parse_mcp_call_error_format("json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, core::Errc::invalid_argument);
}

}  // namespace
}  // namespace toolauth::emulator
