#include "toolauth/core/clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

namespace toolauth::core {
namespace {

using namespace std::chrono_literals;

TEST(ClockTest, SystemClockFollowsRealTimePlusOffset) {
  SystemClock clock;
  const auto before = std::chrono::system_clock::now();
  clock.advance(1h);
  const auto seen = clock.now();
  EXPECT_GE(seen, before + 1h);
  EXPECT_LT(seen, std::chrono::system_clock::now() + 1h + 1s);
  EXPECT_EQ(clock.offset(), std::chrono::duration_cast<Clock::duration>(1h));
  clock.reset();
  EXPECT_EQ(clock.offset(), Clock::duration::zero());
}

TEST(ClockTest, SystemClockRefusesToRunBackwardOnAdvance) {
  SystemClock clock;
  EXPECT_THROW(clock.advance(-1s), std::invalid_argument);
}

TEST(ClockTest, ManualClockStandsStillUntilMoved) {
  ManualClock clock;
  const auto start = clock.now();
  EXPECT_EQ(clock.now(), start);
  clock.advance(90s);
  EXPECT_EQ(clock.now(), start + 90s);
  EXPECT_EQ(clock.unix_seconds(), 1'700'000'090);
}

TEST(ClockTest, SubscribersHearEveryJumpUntilUnsubscribed) {
  ManualClock clock;
  int jumps = 0;
  {
    auto subscription = clock.subscribe([&] { ++jumps; });
    clock.advance(1s);
    clock.set(clock.now() + 5s);
    EXPECT_EQ(jumps, 2);
  }
  clock.advance(1s);
  EXPECT_EQ(jumps, 2);
}

TEST(ClockTest, SubscriptionMayOutliveTheClock) {
  Clock::Subscription subscription;
  {
    ManualClock clock;
    subscription = clock.subscribe([] {});
  }
  SUCCEED();  // destroying `subscription` now must not touch the freed clock
}

}  // namespace
}  // namespace toolauth::core
