#pragma once
// Times given as seconds since the Unix epoch (JWT NumericDate, certificate validity, stored
// expiries) made into clock time points.

#include <cstdint>

#include "toolauth/core/clock.h"

namespace toolauth::core {

// The time `seconds` after the Unix epoch, saturated to what a time_point holds (nanoseconds:
// the years 1678 to 2262). Certificates valid until 9999 (RFC 5280's "no expiration") and
// claims far in the future are real input; converting them unchecked overflows.
Clock::time_point time_at_unix_seconds(std::int64_t seconds);

}  // namespace toolauth::core
