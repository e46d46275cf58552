#include "toolauth/emulator/toolbox.h"

#include <gtest/gtest.h>

namespace toolauth::emulator {
namespace {

std::optional<std::string> known(std::string_view id) {
  if (id == "api-key" || id == "open") return std::string(id);
  return std::nullopt;
}

nlohmann::json mcp(std::string label, std::string connection) {
  return {{"type", "mcp"}, {"server_label", label}, {"project_connection_id", connection}};
}

TEST(ToolboxTest, ReadsAVersionWithMcpSources) {
  auto version = parse_toolbox_version({{"description", "d"},
                                        {"metadata", {{"team", "tools"}}},
                                        {"tools", {mcp("keys", "api-key"), mcp("open", "open")}}},
                                       "tb", known);
  ASSERT_TRUE(version.ok()) << version.error().message();
  EXPECT_EQ(version->name, "tb");
  EXPECT_EQ(version->description, "d");
  EXPECT_EQ(version->metadata["team"], "tools");
  auto sources = toolbox_sources(*version, known);
  ASSERT_TRUE(sources.ok());
  ASSERT_EQ(sources->size(), 2u);
  EXPECT_EQ((*sources)[0].connection, "api-key");
  EXPECT_EQ((*sources)[0].require_approval.for_tool("whoami"), Approval::always);
}

TEST(ToolboxTest, RefusesWhatItCannotProxy) {
  struct Case {
    nlohmann::json body;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {nlohmann::json::object(), "/tools"},
      {{{"tools", nlohmann::json::array()}}, "at least one tool"},
      {{{"tools", {{{"type", "a2a_preview"}, {"base_url", "https://a"}}}}}, "only \"mcp\" tools"},
      {{{"tools", {mcp("a___b", "open")}}}, "must not contain \"___\""},
      {{{"tools", {mcp("x", "missing")}}}, "no connection 'missing'"},
      {{{"tools", {mcp("x", "open"), mcp("x", "api-key")}}}, "has the label 'x'"},
      {{{"tools", {mcp("x", "open")}}, {"skills", nlohmann::json::array()}}, "/skills"},
      {{{"tools", {mcp("x", "open")}}, {"metadata", {{"k", 1}}}}, "expected a string"},
      {{{"tools", {mcp("x", "open")}}, {"extra", true}}, "/extra"},
      {{{"tools",
         {{{"type", "mcp"},
           {"server_label", "x"},
           {"server_url", "https://m"},
           {"authorization", "a-token"}}}}},
       "inline credentials are not accepted"},
  };
  for (const auto& c : cases) {
    auto version = parse_toolbox_version(c.body, "tb", known);
    ASSERT_FALSE(version.ok()) << c.body.dump();
    EXPECT_NE(version.error().detail.find(c.expected), std::string::npos)
        << c.body.dump() << ": " << version.error().detail;
  }
}

TEST(ToolboxTest, DefaultVersionIsTheLatestUnlessPinned) {
  Toolbox toolbox{.name = "tb"};
  for (std::int64_t n : {1, 2, 3}) {
    ToolboxVersion v;
    v.name = "tb";
    v.version = n;
    toolbox.versions.push_back(v);
  }
  toolbox.next_version = 4;
  EXPECT_EQ(toolbox.default_version().version, 3);
  toolbox.pinned = 2;
  EXPECT_EQ(toolbox.default_version().version, 2);
  EXPECT_EQ(toolbox.to_api()["default_version"], "2");
  EXPECT_EQ(toolbox.to_api()["versions"]["latest"]["id"], "tb:3");
  EXPECT_EQ(toolbox.version("1")->version, 1);
  EXPECT_EQ(toolbox.version("9"), nullptr);
}

TEST(ToolboxTest, StateRoundTrip) {
  Toolbox toolbox{.name = "tb", .pinned = 1, .next_version = 3, .updated_at = 42};
  ToolboxVersion v;
  v.name = "tb";
  v.version = 1;
  v.tools = {mcp("x", "open")};
  toolbox.versions.push_back(v);
  auto back = Toolbox::from_state(toolbox.to_state());
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->to_state(), toolbox.to_state());
  EXPECT_FALSE(Toolbox::from_state({{"name", "tb"}}).ok());
}

}  // namespace
}  // namespace toolauth::emulator
