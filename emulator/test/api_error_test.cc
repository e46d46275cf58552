#include "toolauth/emulator/api_error.h"

#include <gtest/gtest.h>

namespace toolauth::emulator {
namespace {

TEST(ApiErrorTest, OpenAiShapeWithAzureHeader) {
  ApiError e{401, "Unauthorized", "expired", "invalid_request_error", std::nullopt, "TokenExpired"};
  auto r = e.response();
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers.get("x-ms-error-code"), "Unauthorized");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body, nlohmann::json::parse(R"({"error":{"code":"Unauthorized","message":"expired",
      "type":"invalid_request_error","param":null,"innererror":{"code":"TokenExpired"}}})"));
}

TEST(ApiErrorTest, BadRequestNamesItsParam) {
  auto body = nlohmann::json::parse(bad_request("nope", "input").response().body);
  EXPECT_EQ(body["error"]["param"], "input");
  EXPECT_EQ(body["error"]["code"], "invalid_request");
  EXPECT_FALSE(body["error"].contains("innererror"));
}

}  // namespace
}  // namespace toolauth::emulator
