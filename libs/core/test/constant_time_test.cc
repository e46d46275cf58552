#include "toolauth/core/constant_time.h"

#include <gtest/gtest.h>

namespace toolauth::core {
namespace {

TEST(ConstantTimeTest, EqualOnlyWhenIdentical) {
  EXPECT_TRUE(constant_time_equal("s3cret", "s3cret"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("s3cres", "s3cret"));
  EXPECT_FALSE(constant_time_equal("S3cret", "s3cret"));
}

TEST(ConstantTimeTest, RejectsPrefixOfTheSecret) {
  EXPECT_FALSE(constant_time_equal("s3cre", "s3cret"));
  EXPECT_FALSE(constant_time_equal("", "s3cret"));
}

TEST(ConstantTimeTest, RejectsSecretWithExtraSuffix) {
  EXPECT_FALSE(constant_time_equal("s3cret!", "s3cret"));
  EXPECT_FALSE(constant_time_equal(std::string_view("s3cret\0", 7), "s3cret"));
}

}  // namespace
}  // namespace toolauth::core
