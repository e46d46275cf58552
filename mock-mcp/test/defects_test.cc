#include "toolauth/mcp/defects.h"

#include <gtest/gtest.h>

namespace toolauth::mcp {
namespace {

TEST(McpDefectsTest, NoDefectsByDefault) {
  EXPECT_FALSE(McpDefects{}.any());
  EXPECT_TRUE(McpDefects{}.names().empty());
}

TEST(McpDefectsTest, ParsesEveryKnownNameAndGivesItBack) {
  std::vector<std::string> all(known_mcp_defects().begin(), known_mcp_defects().end());
  ASSERT_EQ(all.size(), 6u);
  auto parsed = parse_mcp_defects(all);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->accept_expired && parsed->ignore_audience && parsed->accept_alg_none &&
              parsed->key_prefix_match && parsed->no_challenge &&
              parsed->error_without_credentials);
  EXPECT_EQ(parsed->names(), all);
}

TEST(McpDefectsTest, RefusesAnUnknownNameNamingIt) {
  auto parsed = parse_mcp_defects({"accept-expired", "accept-everything"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().detail.find("accept-everything"), std::string::npos);
  EXPECT_NE(parsed.error().detail.find("no-challenge"), std::string::npos);
}

}  // namespace
}  // namespace toolauth::mcp
