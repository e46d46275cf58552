#include "toolauth/emulator/templates.h"

#include <gtest/gtest.h>

namespace toolauth::emulator {
namespace {

TEST(TemplatesTest, ResolvesEveryStringInTheDocument) {
  nlohmann::json document = {{"a", "{idp_url}/x/{idp_url}"},
                             {"b", {{"c", {"{mcp_url}/mcp/open"}}}}};
  auto unresolved =
      resolve_templates(document, {{"idp_url", "https://i:1"}, {"mcp_url", "https://m"}});
  EXPECT_TRUE(unresolved.empty());
  EXPECT_EQ(document["a"], "https://i:1/x/https://i:1");
  EXPECT_EQ(document["b"]["c"][0], "https://m/mcp/open");
}

TEST(TemplatesTest, ReportsATemplateWithoutValueByPath) {
  nlohmann::json document = {{"list", {"ok", "{idp_ulr}/token"}}};
  auto unresolved = resolve_templates(document, {{"idp_url", "https://i"}});
  ASSERT_EQ(unresolved.size(), 1u);
  EXPECT_EQ(unresolved[0].path, "/list/1");
  EXPECT_EQ(unresolved[0].name, "idp_ulr");
}

TEST(TemplatesTest, LeavesBracesThatAreNotTemplates) {
  nlohmann::json document = {{"text", "a {JSON: 1} b {"}};
  EXPECT_TRUE(resolve_templates(document, {}).empty());
  EXPECT_EQ(document["text"], "a {JSON: 1} b {");
}

}  // namespace
}  // namespace toolauth::emulator
