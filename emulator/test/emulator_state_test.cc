#include "toolauth/emulator/emulator_state.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_world.h"
#include "toolauth/core/random.h"

namespace toolauth::emulator {
namespace {

class EmulatorStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = service::StateStore::open(":memory:");
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    state_ = std::make_unique<EmulatorState>(*store_);
    ASSERT_TRUE(state_->seed(world_, 1000).ok());
  }
  EmulatorWorld world_ = testing::default_world();
  std::unique_ptr<service::StateStore> store_;
  std::unique_ptr<EmulatorState> state_;
};

TEST_F(EmulatorStateTest, SeedsConnectionsAndAgentsPerProject) {
  EXPECT_TRUE(*state_->seeded());
  EXPECT_EQ(state_->connections("alpha")->size(), world_.project("alpha")->connections.size());
  EXPECT_EQ(state_->connections("beta")->size(), 1u);
  auto agent = state_->agent("alpha", "api-key-agent");
  ASSERT_TRUE(agent.ok() && agent->has_value());
  EXPECT_EQ((*agent)->latest().definition["tools"][0]["project_connection_id"], "api-key");
  EXPECT_FALSE(state_->agent("beta", "api-key-agent")->has_value());
}

TEST_F(EmulatorStateTest, FindsAConnectionByNameOrIdWithinItsProjectOnly) {
  const auto id = world_.arm.connection_id("alpha", "oauth-invoke");
  auto by_id = state_->connection("alpha", id);
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ((*by_id)->name, "oauth-invoke");
  EXPECT_FALSE(state_->connection("beta", id)->has_value());
  EXPECT_TRUE(state_->connection("beta", "oauth-invoke")->has_value());
}

TEST_F(EmulatorStateTest, SeedingAgainDropsWhatWasAdded) {
  auto c = **state_->connection("alpha", "open");
  c.name = "extra";
  ASSERT_TRUE(state_->put_connection(c).ok());
  ASSERT_TRUE(state_->put_response({"resp_1", "alpha", {"t", "o"}, {{"id", "resp_1"}}, {}}).ok());
  ASSERT_TRUE(state_->seed(world_, 2000).ok());
  EXPECT_FALSE(state_->connection("alpha", "extra")->has_value());
  EXPECT_FALSE(state_->response("resp_1")->has_value());
}

TEST(EmulatorStateFileTest, ARestartLosesNothing) {
  const auto dir = std::filesystem::temp_directory_path() / ("emu-state-" + core::random_hex(6));
  std::filesystem::create_directories(dir);
  const auto file = (dir / "emulator.db").string();
  {
    auto store = service::StateStore::open(file);
    ASSERT_TRUE(store.ok());
    EmulatorState state(**store);
    ASSERT_TRUE(state.seed(testing::default_world(), 1).ok());
    ASSERT_TRUE(state.erase_agent("alpha", "open-agent").ok());
    ASSERT_TRUE(state
                    .put_response({"resp_x",
                                   "alpha",
                                   {"t", "o"},
                                   {{"status", "completed"}},
                                   {{"agent", "api-key-agent"}}})
                    .ok());
    StoredConversation conversation;
    conversation.id = "conv_1";
    conversation.project = "alpha";
    conversation.items = {{{"type", "message"}}};
    ASSERT_TRUE(state.put_conversation(conversation).ok());
  }
  {
    auto store = service::StateStore::open(file);
    ASSERT_TRUE(store.ok());
    EmulatorState state(**store);
    EXPECT_TRUE(*state.seeded());
    EXPECT_FALSE(state.agent("alpha", "open-agent")->has_value());
    auto response = state.response("resp_x");
    ASSERT_TRUE(response.ok() && response->has_value());
    EXPECT_EQ((*response)->owner, (Owner{"t", "o"}));
    EXPECT_EQ((*response)->context["agent"], "api-key-agent");
    EXPECT_EQ((**state.conversation("conv_1")).items.size(), 1u);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace toolauth::emulator
