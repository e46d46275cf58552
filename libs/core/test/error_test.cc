#include "toolauth/core/error.h"

#include <gtest/gtest.h>

namespace toolauth::core {
namespace {

TEST(ErrorTest, EnumConvertsToErrorCodeOfItsOwnCategory) {
  std::error_code ec = Errc::parse_error;
  EXPECT_EQ(ec, Errc::parse_error);
  EXPECT_NE(ec, Errc::not_found);
  EXPECT_STREQ(ec.category().name(), "toolauth.core");
  EXPECT_EQ(ec.message(), "parse error");
}

TEST(ErrorTest, MessageAppendsDetail) {
  EXPECT_EQ((Error{Errc::not_found, "tenant x"}).message(), "not found: tenant x");
  EXPECT_EQ((Error{Errc::not_found, ""}).message(), "not found");
}

}  // namespace
}  // namespace toolauth::core
