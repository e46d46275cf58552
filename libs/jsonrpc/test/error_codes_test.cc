#include "toolauth/jsonrpc/error_codes.h"

#include <gtest/gtest.h>

#include <string>

#include "toolauth/core/result.h"

namespace toolauth::jsonrpc {
namespace {

TEST(ErrorCodesTest, StandardCodesAreTheSpecValues) {
  EXPECT_EQ(kParseError, -32700);
  EXPECT_EQ(kInvalidRequest, -32600);
  EXPECT_EQ(kMethodNotFound, -32601);
  EXPECT_EQ(kInvalidParams, -32602);
  EXPECT_EQ(kInternalError, -32603);
}

TEST(ErrorCodesTest, HelpersUseTheSpecMessages) {
  EXPECT_EQ(to_json(parse_error()), R"({"code":-32700,"message":"Parse error"})"_json);
  EXPECT_EQ(to_json(invalid_request()), R"({"code":-32600,"message":"Invalid Request"})"_json);
  EXPECT_EQ(to_json(invalid_params()), R"({"code":-32602,"message":"Invalid params"})"_json);
  EXPECT_EQ(to_json(internal_error()), R"({"code":-32603,"message":"Internal error"})"_json);
}

TEST(ErrorCodesTest, DetailFollowsTheStandardMessage) {
  EXPECT_EQ(invalid_params("missing \"name\"").message, "Invalid params: missing \"name\"");
  EXPECT_EQ(invalid_request("x").code, kInvalidRequest);
  EXPECT_FALSE(invalid_params("x").data.has_value());
}

TEST(ErrorCodesTest, MethodNotFoundNamesTheMethod) {
  const RpcError e = method_not_found("tools/cal");
  EXPECT_EQ(e.code, kMethodNotFound);
  EXPECT_EQ(e.message, "Method not found: tools/cal");
}

TEST(ErrorCodesTest, DataIsSerialisedOnlyWhenPresent) {
  RpcError e{.code = -32002, .message = "Resource not found", .data = R"({"uri":"x:/"})"_json};
  EXPECT_EQ(to_json(e),
            R"({"code":-32002,"message":"Resource not found","data":{"uri":"x:/"}})"_json);
  e.data = nlohmann::json(nullptr);  // present, and null: still sent
  EXPECT_TRUE(to_json(e).contains("data"));
}

TEST(ErrorCodesTest, EchoedTextIsClippedOnACharacterBoundary) {
  // 200 two-byte characters: 400 bytes, cut at 256 would split nothing, at 257 would.
  std::string method = "x";
  for (int i = 0; i < 200; ++i) method += "\xc3\xa9";  // U+00E9
  const RpcError e = method_not_found(method);
  const std::string prefix = "Method not found: ";
  ASSERT_EQ(e.message.rfind(prefix, 0), 0u);
  const std::size_t echoed = e.message.size() - prefix.size();
  EXPECT_LE(echoed, kMaxEchoBytes);
  EXPECT_GE(echoed, kMaxEchoBytes - 1);
  // Serialising with the strict (throwing) UTF-8 handler proves the cut is clean.
  EXPECT_NO_THROW((void)to_json(e).dump());
}

TEST(ErrorCodesTest, ReasonsMapToTheCodeToAnswerWith) {
  EXPECT_EQ(rpc_code(Errc::invalid_json), kParseError);
  EXPECT_EQ(rpc_code(Errc::limit_exceeded), kParseError);
  EXPECT_EQ(rpc_code(Errc::params_not_object), kInvalidParams);
  EXPECT_EQ(rpc_code(Errc::bad_id), kInvalidRequest);
  EXPECT_EQ(rpc_code(Errc::batch_not_allowed), kInvalidRequest);
  EXPECT_EQ(rpc_code(Errc::bad_error_object), kInvalidRequest);
}

TEST(ErrorCodesTest, ReasonsAreAnErrorCategory) {
  const std::error_code ec = Errc::unknown_member;
  EXPECT_STREQ(ec.category().name(), "toolauth.jsonrpc");
  EXPECT_EQ(ec.message(), "unknown member");
  EXPECT_EQ(ec, Errc::unknown_member);
  EXPECT_NE(ec, core::Errc::parse_error);
  const core::Result<int> r(Errc::bad_id, "1.5");
  EXPECT_EQ(r.code(), Errc::bad_id);
}

}  // namespace
}  // namespace toolauth::jsonrpc
