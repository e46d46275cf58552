#include "toolauth/emulator/static_tool_auth.h"

#include <gtest/gtest.h>

#include "toolauth/testing/run_sync.h"

namespace toolauth::emulator {
namespace {

ToolAuthOutcome authorize(ToolAuth& auth, const Connection& connection) {
  ToolCallContext context;
  context.connection = &connection;
  return toolauth::testing::run_sync<ToolAuthOutcome>(
      [&]() -> boost::asio::awaitable<ToolAuthOutcome> {
        co_return co_await auth.authorize(context);
      });
}

TEST(StaticToolAuthTest, NoneSendsNoHeaders) {
  NoneToolAuth auth;
  Connection c;
  auto outcome = authorize(auth, c);
  ASSERT_TRUE(std::holds_alternative<ToolCredentials>(outcome));
  EXPECT_TRUE(std::get<ToolCredentials>(outcome).headers.empty());
}

TEST(StaticToolAuthTest, CustomKeysSendsEachKeyAsItsHeader) {
  CustomKeysToolAuth auth;
  Connection c;
  c.auth_type = AuthType::custom_keys;
  c.keys = {{"X-API-Key", "k1"}, {"Ocp-Apim-Subscription-Key", "k2"}};
  auto outcome = authorize(auth, c);
  const auto& headers = std::get<ToolCredentials>(outcome).headers;
  EXPECT_EQ(headers.get("x-api-key"), "k1");
  EXPECT_EQ(headers.get("ocp-apim-subscription-key"), "k2");
  EXPECT_EQ(headers.fields().size(), 2u);
}

}  // namespace
}  // namespace toolauth::emulator
