#include "toolauth/core/unix_time.h"

namespace toolauth::core {

Clock::time_point time_at_unix_seconds(std::int64_t seconds) {
  using std::chrono::duration_cast;
  constexpr auto kLatest = duration_cast<std::chrono::seconds>(Clock::duration::max()).count();
  constexpr auto kEarliest = duration_cast<std::chrono::seconds>(Clock::duration::min()).count();
  if (seconds > kLatest) return Clock::time_point::max();
  if (seconds < kEarliest) return Clock::time_point::min();
  return Clock::time_point(std::chrono::seconds(seconds));
}

}  // namespace toolauth::core
