#include "toolauth/core/random.h"

#include <gtest/gtest.h>

#include <set>

namespace toolauth::core {
namespace {

bool has_uuid_v4_shape(const std::string& id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (id[i] == '-')) return false;
    if (!dash && std::string_view("0123456789abcdef").find(id[i]) == std::string_view::npos)
      return false;
  }
  return id[14] == '4' && std::string_view("89ab").find(id[19]) != std::string_view::npos;
}

TEST(RandomTest, UuidV4HasVersionAndVariantBits) {
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(has_uuid_v4_shape(uuid_v4()));
}

TEST(RandomTest, ValuesDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(random_hex(16)).second);
  EXPECT_EQ(random_hex(16).size(), 32u);
}

}  // namespace
}  // namespace toolauth::core
