#include "toolauth/emulator/scripted_model.h"

#include <gtest/gtest.h>

namespace toolauth::emulator {
namespace {

const std::vector<ToolCandidate> kTools = {{"a", "whoami"}, {"a", "echo"}, {"b", "notes_list"}};

TEST(ScriptedModelTest, AutoCallsOnlyANamedTool) {
  EXPECT_FALSE(plan_call("auto", "hello there", kTools));
  auto call = plan_call("auto", "please echo {\"message\": \"hi\"} and then whoami", kTools);
  ASSERT_TRUE(call);
  EXPECT_EQ(call->name, "echo");
  EXPECT_EQ(call->arguments, nlohmann::json({{"message", "hi"}}));
}

TEST(ScriptedModelTest, RequiredFallsBackToTheFirstTool) {
  auto call = plan_call("required", "anything", kTools);
  ASSERT_TRUE(call);
  EXPECT_EQ(call->server_label, "a");
  EXPECT_EQ(call->name, "whoami");
  EXPECT_EQ(plan_call("required", "list notes_list", kTools)->name, "notes_list");
}

TEST(ScriptedModelTest, NamesMatchWholeWordsOnly) {
  EXPECT_FALSE(plan_call("auto", "echoes and whoamis", kTools));
}

TEST(ScriptedModelTest, NoneNeverCalls) { EXPECT_FALSE(plan_call("none", "echo", kTools)); }

TEST(ScriptedModelTest, AnMcpChoiceNamesServerAndTool) {
  auto call = plan_call({{"type", "mcp"}, {"server_label", "b"}, {"name", "notes_add"}},
                        "{\"text\": \"x\"}", kTools);
  ASSERT_TRUE(call);
  EXPECT_EQ(call->server_label, "b");
  EXPECT_EQ(call->name, "notes_add");
  EXPECT_EQ(call->arguments["text"], "x");
  EXPECT_EQ(plan_call({{"type", "mcp"}, {"server_label", "b"}}, "", kTools)->name, "notes_list");
}

TEST(ScriptedModelTest, ArgumentsAreTheFirstJsonObject) {
  EXPECT_EQ(arguments_from_input("no json"), nlohmann::json::object());
  EXPECT_EQ(arguments_from_input("a {broken} then {\"k\": \"}{\"}"), nlohmann::json({{"k", "}{"}}));
  EXPECT_EQ(arguments_from_input("[1] {\"n\": {\"m\": 2}} tail"),
            nlohmann::json({{"n", {{"m", 2}}}}));
}

TEST(ScriptedModelTest, ValidatesToolChoice) {
  EXPECT_TRUE(validate_tool_choice("required").ok());
  EXPECT_TRUE(validate_tool_choice({{"type", "mcp"}, {"server_label", "a"}}).ok());
  EXPECT_FALSE(validate_tool_choice("sometimes").ok());
  EXPECT_FALSE(validate_tool_choice({{"type", "function"}, {"name", "x"}}).ok());
  EXPECT_FALSE(validate_tool_choice({{"type", "mcp"}}).ok());
  EXPECT_FALSE(validate_tool_choice({{"type", "mcp"}, {"server_label", 3}}).ok());
}

TEST(ScriptedModelTest, AnswersAreFixedSentences) {
  PlannedCall call{"a", "echo", {}};
  EXPECT_EQ(answer_completed(call, "hi"), "echo on a returned: hi");
  EXPECT_EQ(answer_failed(call, "boom"), "echo on a failed: boom");
  EXPECT_EQ(answer_not_approved(call), "The call to echo on a was not approved.");
  EXPECT_EQ(answer_without_tool("x"), "No tool was called. You said: x");
}

}  // namespace
}  // namespace toolauth::emulator
