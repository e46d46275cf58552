#include "toolauth/core/constant_time.h"

#include <cstddef>

namespace toolauth::core {

bool constant_time_equal(std::string_view presented, std::string_view expected) {
  // Walk `expected` in full; a length mismatch is folded into the accumulator instead of
  // returning early, and out-of-range bytes of `presented` read as zero.
  volatile unsigned char diff = presented.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const unsigned char p = i < presented.size() ? static_cast<unsigned char>(presented[i]) : 0;
    diff = diff | (p ^ static_cast<unsigned char>(expected[i]));
  }
  return diff == 0;
}

}  // namespace toolauth::core
