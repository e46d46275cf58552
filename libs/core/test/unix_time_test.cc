#include "toolauth/core/unix_time.h"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>

namespace toolauth::core {
namespace {

TEST(UnixTimeTest, SecondsWithinRangeAreExact) {
  EXPECT_EQ(time_at_unix_seconds(1'700'000'000).time_since_epoch(),
            std::chrono::seconds(1'700'000'000));
  EXPECT_EQ(time_at_unix_seconds(-86'400).time_since_epoch(), std::chrono::seconds(-86'400));
  EXPECT_EQ(time_at_unix_seconds(9'223'372'036).time_since_epoch(),
            std::chrono::seconds(9'223'372'036));
}

TEST(UnixTimeTest, SecondsBeyondWhatATimePointHoldsSaturate) {
  // 9999-12-31T23:59:59Z, RFC 5280's notAfter for a certificate that does not expire.
  EXPECT_EQ(time_at_unix_seconds(253'402'300'799), Clock::time_point::max());
  EXPECT_EQ(time_at_unix_seconds(9'223'372'037), Clock::time_point::max());
  EXPECT_EQ(time_at_unix_seconds(std::numeric_limits<std::int64_t>::max()),
            Clock::time_point::max());
  EXPECT_EQ(time_at_unix_seconds(std::numeric_limits<std::int64_t>::min()),
            Clock::time_point::min());
}

}  // namespace
}  // namespace toolauth::core
