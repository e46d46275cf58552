#include "toolauth/conformance/catalogue.h"

#include <gtest/gtest.h>

namespace toolauth::conformance {
namespace {

TEST(CatalogueTest, GlobMatchesStarsAndQuestionMarks) {
  EXPECT_TRUE(glob_match("*", "mcp-server/token/expired"));
  EXPECT_TRUE(glob_match("mcp-server/token/*", "mcp-server/token/expired"));
  EXPECT_TRUE(glob_match("*/expired", "mcp-server/token/expired"));
  EXPECT_TRUE(glob_match("mcp-server/*/exp?red", "mcp-server/token/expired"));
  EXPECT_FALSE(glob_match("mcp-server/token/*", "mcp-server/api-key/wrong"));
  EXPECT_FALSE(glob_match("mcp-server/token/expired", "mcp-server/token/expired2"));
  EXPECT_FALSE(glob_match("", "x"));
  EXPECT_TRUE(glob_match("a*b*c", "a-b-b-c"));
}

TEST(CatalogueTest, SelectKeepsCatalogueOrderAndTakesSeveralGlobs) {
  std::vector<Scenario> catalogue(3);
  catalogue[0].id = "p/a/one";
  catalogue[1].id = "p/b/two";
  catalogue[2].id = "p/a/three";
  auto chosen = select(catalogue, "p/a/three,p/b/*");
  ASSERT_EQ(chosen.size(), 2u);
  EXPECT_EQ(chosen[0]->id, "p/b/two");
  EXPECT_EQ(chosen[1]->id, "p/a/three");
  EXPECT_EQ(select(catalogue, "").size(), 3u);
  EXPECT_TRUE(select(catalogue, "nothing/*").empty());
}

}  // namespace
}  // namespace toolauth::conformance
