#include "toolauth/emulator/agent.h"

#include <gtest/gtest.h>

namespace toolauth::emulator {
namespace {

std::optional<std::string> known(std::string_view id) {
  if (id == "api-key" || id == "/subscriptions/s/connections/api-key")
    return std::string("api-key");
  return std::nullopt;
}

nlohmann::json definition(nlohmann::json tool) {
  return {{"kind", "prompt"}, {"tools", nlohmann::json::array({std::move(tool)})}};
}

TEST(AgentTest, ReadsAnMcpToolWithAConnectionByNameOrId) {
  for (const char* id : {"api-key", "/subscriptions/s/connections/api-key"}) {
    auto tools = parse_mcp_tools(definition({{"type", "mcp"},
                                             {"server_label", "keys"},
                                             {"project_connection_id", id},
                                             {"headers", {{"X-Trace", "1"}}}}),
                                 known);
    ASSERT_TRUE(tools.ok()) << tools.error().message();
    ASSERT_EQ(tools->size(), 1u);
    EXPECT_EQ((*tools)[0].connection, "api-key");
    EXPECT_EQ((*tools)[0].headers.at("X-Trace"), "1");
    EXPECT_EQ((*tools)[0].require_approval.for_tool("whoami"), Approval::always);
  }
}

TEST(AgentTest, RequireApprovalFlatAndNestedShapes) {
  auto flat = parse_mcp_tools(definition({{"type", "mcp"},
                                          {"server_label", "a"},
                                          {"server_url", "https://m"},
                                          {"require_approval", {{"never", {"whoami"}}}}}),
                              known);
  ASSERT_TRUE(flat.ok()) << flat.error().message();
  EXPECT_EQ((*flat)[0].require_approval.for_tool("whoami"), Approval::never);
  EXPECT_EQ((*flat)[0].require_approval.for_tool("echo"), Approval::always);
  auto nested = parse_mcp_tools(definition({{"type", "mcp"},
                                            {"server_label", "a"},
                                            {"server_url", "https://m"},
                                            {"require_approval",
                                             {{"always", {{"tool_names", {"echo"}}}},
                                              {"never", {{"tool_names", {"whoami"}}}}}}}),
                                known);
  ASSERT_TRUE(nested.ok()) << nested.error().message();
  EXPECT_EQ((*nested)[0].require_approval.for_tool("echo"), Approval::always);
  EXPECT_EQ((*nested)[0].require_approval.for_tool("whoami"), Approval::never);
  auto never = parse_mcp_tools(definition({{"type", "mcp"},
                                           {"server_label", "a"},
                                           {"server_url", "https://m"},
                                           {"require_approval", "never"}}),
                               known);
  ASSERT_TRUE(never.ok());
  EXPECT_EQ((*never)[0].require_approval.for_tool("echo"), Approval::never);
}

TEST(AgentTest, AllowedToolsAsListOrFilter) {
  auto list = parse_mcp_tools(definition({{"type", "mcp"},
                                          {"server_label", "a"},
                                          {"server_url", "https://m"},
                                          {"allowed_tools", {"echo"}}}),
                              known);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE((*list)[0].allows("echo"));
  EXPECT_FALSE((*list)[0].allows("whoami"));
  auto filter = parse_mcp_tools(definition({{"type", "mcp"},
                                            {"server_label", "a"},
                                            {"server_url", "https://m"},
                                            {"allowed_tools", {{"tool_names", {"whoami"}}}}}),
                                known);
  ASSERT_TRUE(filter.ok());
  EXPECT_TRUE((*filter)[0].allows("whoami"));
}

TEST(AgentTest, RefusesAnUnknownConnection) {
  auto tools = parse_mcp_tools(
      definition({{"type", "mcp"}, {"server_label", "a"}, {"project_connection_id", "nope"}}),
      known);
  ASSERT_FALSE(tools.ok());
  EXPECT_NE(tools.error().detail.find("/tools/0/project_connection_id: no connection 'nope'"),
            std::string::npos)
      << tools.error().detail;
}

TEST(AgentTest, RefusesAToolWithoutServer) {
  auto tools = parse_mcp_tools(definition({{"type", "mcp"}, {"server_label", "a"}}), known);
  ASSERT_FALSE(tools.ok());
  EXPECT_NE(tools.error().detail.find("server_url or project_connection_id is required"),
            std::string::npos);
}

TEST(AgentTest, RefusesDuplicateLabels) {
  nlohmann::json tool = {{"type", "mcp"}, {"server_label", "a"}, {"server_url", "https://m"}};
  auto tools = parse_mcp_tools({{"kind", "prompt"}, {"tools", {tool, tool}}}, known);
  ASSERT_FALSE(tools.ok());
  EXPECT_NE(tools.error().detail.find("/tools/1/server_label"), std::string::npos);
}

TEST(AgentTest, RefusesABadApprovalValue) {
  auto tools = parse_mcp_tools(definition({{"type", "mcp"},
                                           {"server_label", "a"},
                                           {"server_url", "https://m"},
                                           {"require_approval", "sometimes"}}),
                               known);
  ASSERT_FALSE(tools.ok());
  EXPECT_NE(tools.error().detail.find("/tools/0/require_approval"), std::string::npos);
}

TEST(AgentTest, KeepsOtherToolTypesAndStateRoundTrips) {
  AgentVersion v;
  v.name = "a";
  v.version = 2;
  v.created_at = 5;
  v.definition = {{"kind", "prompt"}, {"tools", {{{"type", "code_interpreter"}}}}};
  auto tools = parse_mcp_tools(v.definition, known);
  ASSERT_TRUE(tools.ok());
  EXPECT_TRUE(tools->empty());
  Agent agent{"a", {v}};
  auto back = Agent::from_state(agent.to_state());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->to_api(), agent.to_api());
  EXPECT_EQ(agent.to_api()["versions"]["latest"]["id"], "a:2");
  EXPECT_NE(agent.version("2"), nullptr);
}

}  // namespace
}  // namespace toolauth::emulator
