#include "toolauth/idp/auth_codes.h"

#include "toolauth/jose/hash.h"

namespace toolauth::idp {

std::string AuthCodeStore::issue(AuthCode code) {
  std::string value = jose::random_token(48);
  if (witness_) witness_->saw(value);
  codes_[jose::sha256_base64url(value)] = std::move(code);
  return value;
}

AuthCode* AuthCodeStore::find(std::string_view code) {
  auto it = codes_.find(jose::sha256_base64url(code));
  return it == codes_.end() ? nullptr : &it->second;
}

void AuthCodeStore::purge(core::Clock::time_point now) {
  // Keep redeemed and expired codes for a while, so replays and late redemptions get the
  // precise error; a day later they are only memory.
  std::erase_if(
      codes_, [&](const auto& item) { return item.second.expires + std::chrono::hours(24) < now; });
}

}  // namespace toolauth::idp
