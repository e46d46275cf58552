// driver.h is an interface only (the agent-service profile comes next): this checks it can
// be implemented as documented and that answers keep their three shapes apart.
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
  awaitable<core::Result<void>> setup(const nlohmann::json&, const nlohmann::json&) override {
    co_return core::Result<void>{};
  }
  awaitable<core::Result<DriverAnswer>> invoke(InvokeRequest request) override {
    if (!request.continues) co_return DriverAnswer{ConsentRequired{"https://iut/consent/1"}};
    co_return DriverAnswer{ToolResult{{{"oid", "alice"}}}};
  }
  awaitable<core::Result<void>> restart() override {
    co_return core::Error{core::make_error_code(core::Errc::not_found), "unsupported"};
  }
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

}  // namespace
}  // namespace toolauth::conformance
