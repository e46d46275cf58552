#include "toolauth/core/random.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace toolauth::core {
namespace {

TEST(RandomTest, UuidV4HasVersionAndVariantBits) {
  const std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(std::regex_match(uuid_v4(), shape));
}

TEST(RandomTest, ValuesDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(random_hex(16)).second);
  EXPECT_EQ(random_hex(16).size(), 32u);
}

}  // namespace
}  // namespace toolauth::core
