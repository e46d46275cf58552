#include "toolauth/idp/replay_cache.h"

namespace toolauth::idp {

bool ReplayCache::first_use(const std::string& id, core::Clock::time_point expires,
                            core::Clock::time_point now) {
  std::erase_if(seen_, [&](const auto& item) { return item.second < now; });
  return seen_.emplace(id, expires).second;
}

}  // namespace toolauth::idp
