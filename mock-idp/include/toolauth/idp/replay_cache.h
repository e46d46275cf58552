#pragma once
// Remembers the `jti` of every client assertion until it expires, so an assertion is accepted
// once only (RFC 7523 §3, item 7).

#include <map>
#include <string>

#include "toolauth/core/clock.h"

namespace toolauth::idp {

class ReplayCache {
 public:
  // False when `id` was seen before and has not expired; otherwise remembers it until `expires`.
  bool first_use(const std::string& id, core::Clock::time_point expires,
                 core::Clock::time_point now);
  void clear() { seen_.clear(); }
  std::size_t size() const { return seen_.size(); }

 private:
  std::map<std::string, core::Clock::time_point> seen_;
};

}  // namespace toolauth::idp
