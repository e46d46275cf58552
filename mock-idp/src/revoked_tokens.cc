#include "toolauth/idp/revoked_tokens.h"

#include "toolauth/core/unix_time.h"
#include "toolauth/idp/json_fields.h"

namespace toolauth::idp {

void RevokedTokens::revoke(const std::string& uti, core::Clock::time_point expires,
                           core::Clock::time_point now) {
  std::erase_if(entries_, [&](const auto& item) { return item.second <= now; });
  entries_[uti] = expires;
}

nlohmann::json RevokedTokens::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [uti, expires] : entries_) {
    out.push_back(
        {{"uti", uti},
         {"expires",
          std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count()}});
  }
  return out;
}

void RevokedTokens::load_json(const nlohmann::json& document) {
  entries_.clear();
  if (!document.is_array()) return;
  for (const auto& item : document) {
    const auto uti = string_field(item, "uti");
    const auto expires = integer_field(item, "expires");
    if (uti.empty() || !expires) continue;
    entries_[uti] = core::time_at_unix_seconds(*expires);
  }
}

}  // namespace toolauth::idp
