#include "toolauth/core/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace toolauth::core {
namespace {

Result<int> half(int x) {
  if (x % 2 != 0) return Error{Errc::invalid_argument, "odd"};
  return x / 2;
}

Result<int> quarter(int x) {
  TOOLAUTH_ASSIGN_OR_RETURN(int h, half(x));
  return half(h);
}

Result<void> check_even(int x) {
  TOOLAUTH_RETURN_IF_ERROR(half(x));
  return {};
}

TEST(ResultTest, HoldsValue) {
  Result<std::string> r = std::string("v");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "v");
  EXPECT_EQ(r->size(), 1u);
  EXPECT_FALSE(r.code());
}

TEST(ResultTest, HoldsErrorWithCodeAndDetail) {
  Result<int> r = half(3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::invalid_argument);
  EXPECT_EQ(r.error().detail, "odd");
}

TEST(ResultTest, ValueOfFailedResultThrowsInsteadOfUndefinedBehaviour) {
  Result<int> r = half(3);
  EXPECT_THROW((void)r.value(), BadResultAccess);
  Result<void> v = Errc::not_found;
  EXPECT_THROW(v.value(), BadResultAccess);
}

TEST(ResultTest, MacrosPropagateTheFirstError) {
  EXPECT_EQ(*quarter(8), 2);
  EXPECT_EQ(quarter(6).code(), Errc::invalid_argument);
  EXPECT_TRUE(check_even(4).ok());
  EXPECT_EQ(check_even(5).code(), Errc::invalid_argument);
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

}  // namespace
}  // namespace toolauth::core
