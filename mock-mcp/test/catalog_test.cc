#include "toolauth/mcp/catalog.h"

#include <gtest/gtest.h>

#include "toolauth/mcp/conformance_catalog.h"
#include "toolauth/mcp/default_tools.h"

namespace toolauth::mcp {
namespace {

TEST(CatalogTest, TemplateMatchesOneSegmentPerVariable) {
  ResourceTemplate t;
  t.uri_template = "test://template/{id}/data";
  EXPECT_EQ(t.match("test://template/123/data"),
            (std::map<std::string, std::string>{{"id", "123"}}));
  EXPECT_FALSE(t.match("test://template//data"));
  EXPECT_FALSE(t.match("test://template/1/2/data"));
  EXPECT_FALSE(t.match("test://template/123/data/x"));
  EXPECT_FALSE(t.match("test://other/123/data"));
}

TEST(CatalogTest, ToolOutputJsonCarriesStructuredContentAndErrors) {
  auto out = ToolOutput::text("hi");
  out.structured = nlohmann::json{{"a", 1}};
  out.is_error = true;
  EXPECT_EQ(out.to_json(), (nlohmann::json{{"content", {{{"type", "text"}, {"text", "hi"}}}},
                                           {"structuredContent", {{"a", 1}}},
                                           {"isError", true}}));
}

TEST(CatalogTest, EveryToolHasNameDescriptionAndObjectSchema) {
  Catalog c = default_tools();
  c.add(conformance_catalog());
  for (const auto& tool : c.tools) {
    const auto j = tool.to_json();
    EXPECT_FALSE(j["name"].get<std::string>().empty());
    EXPECT_FALSE(j["description"].get<std::string>().empty()) << tool.name;
    EXPECT_EQ(j["inputSchema"]["type"], "object") << tool.name;
  }
  for (const char* name :
       {"whoami", "echo", "notes_add", "notes_list", "fail", "slow", "test_simple_text",
        "test_sampling", "test_tool_with_progress", "json_schema_2020_12_tool"}) {
    EXPECT_NE(c.tool(name), nullptr) << name;
  }
  EXPECT_EQ(c.tool("json_schema_2020_12_tool")->to_json()["inputSchema"]["$schema"],
            "https://json-schema.org/draft/2020-12/schema");
}

TEST(CatalogTest, AddKeepsTheFirstDefinitionOfAName) {
  Catalog a = default_tools();
  const auto count = a.tools.size();
  a.add(default_tools());
  EXPECT_EQ(a.tools.size(), count);
}

}  // namespace
}  // namespace toolauth::mcp
