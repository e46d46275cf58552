// driver.h as an interface: this checks it can be implemented as documented, that answers keep
// their three shapes apart, and that reconfigure() defaults to "unsupported" (a skip).
#include <gtest/gtest.h>

#include "toolauth/conformance/driver.h"
#include "toolauth/conformance/exec_driver.h"
#include "toolauth/conformance/foundry_driver.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::conformance {
namespace {

using boost::asio::awaitable;

class ScriptedDriver final : public Driver {
 public:
  awaitable<core::Result<DriverHello>> hello() override {
    co_return DriverHello{{"approvals"}, {{"name", "scripted"}}};
  }
  awaitable<core::Result<SetupAnswer>> setup(const nlohmann::json&) override {
    co_return SetupAnswer{};
  }
  awaitable<core::Result<DriverAnswer>> invoke(InvokeRequest request) override {
    if (!request.continues) co_return DriverAnswer{ConsentRequired{"https://iut/consent/1"}};
    co_return DriverAnswer{ToolResult{{{"oid", "alice"}}}};
  }
  awaitable<core::Result<void>> restart() override { co_return unsupported_operation(); }
  awaitable<void> bye() override { co_return; }
};

TEST(DriverContractTest, ConsentThenResultOnContinue) {
  ScriptedDriver driver;
  auto answers = toolauth::testing::run_sync<std::pair<DriverAnswer, DriverAnswer>>(
      [&]() -> awaitable<std::pair<DriverAnswer, DriverAnswer>> {
        auto first = co_await driver.invoke({.id = "1", .connection = "c", .tool = "whoami"});
        auto second = co_await driver.invoke(
            {.id = "2", .connection = "c", .tool = "whoami", .continues = "1"});
        co_return std::pair{*first, *second};
      });
  EXPECT_TRUE(std::holds_alternative<ConsentRequired>(answers.first));
  EXPECT_TRUE(std::holds_alternative<ToolResult>(answers.second));
  EXPECT_EQ(kExecProtocolVersion, 1);
}

TEST(DriverContractTest, ReconfigureIsUnsupportedUnlessImplemented) {
  ScriptedDriver driver;
  auto answer = toolauth::testing::run_sync<core::Result<void>>(
      [&]() -> awaitable<core::Result<void>> { co_return co_await driver.reconfigure({}); });
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, core::make_error_code(core::Errc::not_found));
  EXPECT_EQ(answer.error().detail, "unsupported");
}

}  // namespace
}  // namespace toolauth::conformance
