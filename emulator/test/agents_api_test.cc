// Agents and versions on the data plane.

#include <gtest/gtest.h>

#include "stack.h"

namespace toolauth::emulator {
namespace {

using testing::HttpReply;
using testing::Stack;

class AgentsApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new Stack();
    token_ = new std::string(stack_->user_token("alice"));
  }
  static void TearDownTestSuite() {
    delete stack_;
    delete token_;
  }
  HttpReply call(http::Method method, const std::string& path,
                 const nlohmann::json& body = nullptr) {
    return stack_->call(method, stack_->project_url("alpha") + path, *token_, body);
  }
  static nlohmann::json mcp_tool(nlohmann::json extra) {
    nlohmann::json tool = {
        {"type", "mcp"}, {"server_label", "keys"}, {"require_approval", "never"}};
    for (auto& [k, v] : extra.items()) tool[k] = v;
    return tool;
  }
  static Stack* stack_;
  static std::string* token_;
};
Stack* AgentsApiTest::stack_ = nullptr;
std::string* AgentsApiTest::token_ = nullptr;

TEST_F(AgentsApiTest, ListsTheFixtureAgents) {
  auto reply = call(http::Method::get, "/agents?api-version=v1");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["object"], "list");
  EXPECT_EQ(reply.body["data"].size(), 9u);
}

TEST_F(AgentsApiTest, CreatesVersionsWithAConnectionByNameOrId) {
  const auto id = stack_->on_server_thread(
      [&] { return stack_->emulator().world().arm.connection_id("alpha", "api-key"); });
  auto first = call(http::Method::post, "/agents/keys-agent/versions?api-version=v1",
                    {{"definition",
                      {{"kind", "prompt"},
                       {"model", "m"},
                       {"tools", {mcp_tool({{"project_connection_id", "api-key"}})}}}}});
  ASSERT_EQ(first.status, 200) << first.text;
  EXPECT_EQ(first.body["object"], "agent.version");
  EXPECT_EQ(first.body["version"], "1");
  auto second =
      call(http::Method::post, "/agents/keys-agent/versions?api-version=v1",
           {{"definition",
             {{"kind", "prompt"}, {"tools", {mcp_tool({{"project_connection_id", id}})}}}}});
  ASSERT_EQ(second.status, 200) << second.text;
  EXPECT_EQ(second.body["version"], "2");
  auto agent = call(http::Method::get, "/agents/keys-agent?api-version=v1");
  EXPECT_EQ(agent.body["versions"]["latest"]["version"], "2");
  EXPECT_EQ(call(http::Method::get, "/agents/keys-agent/versions/1?api-version=v1").status, 200);
  EXPECT_EQ(
      call(http::Method::get, "/agents/keys-agent/versions?api-version=v1").body["data"].size(),
      2u);
}

TEST_F(AgentsApiTest, UnknownConnectionIs400NamingThePath) {
  auto reply =
      call(http::Method::post, "/agents?api-version=v1",
           {{"name", "bad"},
            {"definition",
             {{"kind", "prompt"}, {"tools", {mcp_tool({{"project_connection_id", "nope"}})}}}}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error_code(), "invalid_request");
  EXPECT_NE(reply.body["error"]["message"].get<std::string>().find(
                "/definition/tools/0/project_connection_id: no connection 'nope'"),
            std::string::npos)
      << reply.text;
}

TEST_F(AgentsApiTest, AnotherProjectsConnectionIdIs400) {
  const auto beta_id = stack_->on_server_thread(
      [&] { return stack_->emulator().world().arm.connection_id("beta", "oauth-invoke"); });
  auto reply =
      call(http::Method::post, "/agents/x/versions?api-version=v1",
           {{"definition",
             {{"kind", "prompt"}, {"tools", {mcp_tool({{"project_connection_id", beta_id}})}}}}});
  EXPECT_EQ(reply.status, 400) << reply.text;
}

TEST_F(AgentsApiTest, OtherAgentKindsAreRefused) {
  auto reply = call(http::Method::post, "/agents?api-version=v1",
                    {{"name", "w"}, {"definition", {{"kind", "workflow"}}}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.text.find("the emulator supports prompt and hosted agents"), std::string::npos);
}

// Hosted agents themselves: hosted_agent_host_test.cc. Without the preview opt-in they are
// refused before their definition is even read.
TEST_F(AgentsApiTest, HostedAgentsNeedThePreviewHeader) {
  auto reply = call(http::Method::post, "/agents?api-version=v1",
                    {{"name", "h"}, {"definition", {{"kind", "hosted"}}}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error_code(), "preview_feature_required");
}

TEST_F(AgentsApiTest, MalformedJsonIs400) {
  auto reply =
      stack_->call_raw(http::Method::post, stack_->project_url("alpha") + "/agents?api-version=v1",
                       *token_, "{\"name\": \"x\",}");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error_code(), "invalid_request");
  EXPECT_NE(reply.body["error"]["message"].get<std::string>().find("not valid JSON"),
            std::string::npos);
}

TEST_F(AgentsApiTest, UnknownAgentIs404AndDeleteWorks) {
  auto missing = call(http::Method::get, "/agents/nope?api-version=v1");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.inner_code(), "AgentNotFound");
  auto deleted = call(http::Method::delete_, "/agents/open-agent?api-version=v1");
  ASSERT_EQ(deleted.status, 200) << deleted.text;
  EXPECT_EQ(deleted.body["deleted"], true);
  EXPECT_EQ(call(http::Method::get, "/agents/open-agent?api-version=v1").status, 404);
}

}  // namespace
}  // namespace toolauth::emulator
