// The key scenarios have teeth against a real IUT: a deliberately wrong ToolAuth installed in
// the in-process reference emulator's registry (the seam EmulatorServer::tool_auth() offers)
// makes the scenario aimed at that defect fail, and the scenarios aimed elsewhere still pass.
#include <gtest/gtest.h>

#include "agent_service_fixture.h"
#include "toolauth/emulator/tool_auth.h"
#include "toolauth/emulator/tool_auth_registry.h"

namespace toolauth::conformance {
namespace {

using boost::asio::awaitable;

// wrong-key-header: every key goes out under a header of its own invention.
class KeysUnderAnotherHeaderToolAuth final : public emulator::ToolAuth {
 public:
  emulator::AuthType type() const override { return emulator::AuthType::custom_keys; }
  awaitable<emulator::ToolAuthOutcome> authorize(
      const emulator::ToolCallContext& context) override {
    emulator::ToolCredentials credentials;
    for (const auto& [header, value] : context.connection->keys)
      credentials.headers.set("X-Api-Token", value);
    co_return credentials;
  }
};

// leak-key-across-connections: calls on connections without auth carry another connection's
// key as well.
class LeakingNoneToolAuth final : public emulator::ToolAuth {
 public:
  LeakingNoneToolAuth(std::string header, std::string key)
      : header_(std::move(header)), key_(std::move(key)) {}
  emulator::AuthType type() const override { return emulator::AuthType::none; }
  awaitable<emulator::ToolAuthOutcome> authorize(const emulator::ToolCallContext&) override {
    emulator::ToolCredentials credentials;
    credentials.headers.set(header_, key_);
    co_return credentials;
  }

 private:
  std::string header_, key_;
};

TEST(AgentServiceDefectTest, KeyUnderAnotherHeaderFailsHeaderSentOnly) {
  const auto result =
      testing::run_agent_service_profile(
          "agent-service/key/header-sent,agent-service/key/not-sent-elsewhere,"
          "agent-service/key/absent-from-output",
          {},
          [](Environment& env) {
            env.emulator()->tool_auth().install(std::make_unique<KeysUnderAnotherHeaderToolAuth>());
          })
          .result;
  EXPECT_EQ(testing::verdict_of(result, "agent-service/key/header-sent"), Verdict::failed);
  EXPECT_EQ(testing::verdict_of(result, "agent-service/key/not-sent-elsewhere"), Verdict::passed)
      << testing::not_passed(result);
  EXPECT_EQ(testing::verdict_of(result, "agent-service/key/absent-from-output"), Verdict::passed)
      << testing::not_passed(result);
}

TEST(AgentServiceDefectTest, KeyLeakingToAnotherServerFailsNotSentElsewhereOnly) {
  const auto result =
      testing::run_agent_service_profile(
          "agent-service/key/header-sent,agent-service/key/not-sent-elsewhere,"
          "agent-service/key/absent-from-output",
          {},
          [](Environment& env) {
            const auto* mount = find_named(env.world(), "mounts", "api-key");
            env.emulator()->tool_auth().install(std::make_unique<LeakingNoneToolAuth>(
                mount->value("header", ""), mount->value("key", "")));
          })
          .result;
  EXPECT_EQ(testing::verdict_of(result, "agent-service/key/not-sent-elsewhere"), Verdict::failed);
  EXPECT_EQ(testing::verdict_of(result, "agent-service/key/header-sent"), Verdict::passed)
      << testing::not_passed(result);
  EXPECT_EQ(testing::verdict_of(result, "agent-service/key/absent-from-output"), Verdict::passed)
      << testing::not_passed(result);
}

}  // namespace
}  // namespace toolauth::conformance
