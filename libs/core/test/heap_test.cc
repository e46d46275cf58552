#include "toolauth/core/heap.h"

#include <gtest/gtest.h>

namespace toolauth::core {
namespace {

using std::chrono::milliseconds;

TEST(HeapReleaserTest, ReleasesAtMostOncePerInterval) {
  HeapReleaser releaser(milliseconds(1000));
  const std::chrono::steady_clock::time_point start{std::chrono::hours(1)};
  EXPECT_TRUE(releaser.release(start));
  EXPECT_FALSE(releaser.release(start));
  EXPECT_FALSE(releaser.release(start + milliseconds(999)));
  EXPECT_TRUE(releaser.release(start + milliseconds(1000)));
  EXPECT_FALSE(releaser.release(start + milliseconds(1500)));
  EXPECT_TRUE(releaser.release(start + milliseconds(2000)));
}

TEST(HeapReleaserTest, TheProcessHasOne) {
  EXPECT_EQ(&HeapReleaser::process(), &HeapReleaser::process());
}

}  // namespace
}  // namespace toolauth::core
