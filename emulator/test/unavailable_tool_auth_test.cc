#include "toolauth/emulator/unavailable_tool_auth.h"

#include <gtest/gtest.h>

#include "toolauth/testing/run_sync.h"

namespace toolauth::emulator {
namespace {

TEST(UnavailableToolAuthTest, FailsNamingTheType) {
  UnavailableToolAuth auth(AuthType::user_entra_token);
  Connection c;
  ToolCallContext context;
  context.connection = &c;
  auto outcome = toolauth::testing::run_sync<ToolAuthOutcome>(
      [&]() -> boost::asio::awaitable<ToolAuthOutcome> {
        co_return co_await auth.authorize(context);
      });
  auto* failure = std::get_if<ToolAuthFailure>(&outcome);
  ASSERT_NE(failure, nullptr);
  EXPECT_EQ(failure->message, "the auth type UserEntraToken is not available in this build");
}

}  // namespace
}  // namespace toolauth::emulator
