#include "toolauth/idp/sessions.h"

#include "toolauth/core/unix_time.h"
#include "toolauth/jose/hash.h"

namespace toolauth::idp {

std::string SessionStore::start(Session session) {
  std::string cookie = jose::random_token(32);
  if (witness_) witness_->saw(cookie);
  if (session.id.empty()) session.id = jose::random_token(16);
  sessions_[jose::sha256_base64url(cookie)] = std::move(session);
  return cookie;
}

const Session* SessionStore::find(std::string_view cookie, core::Clock::time_point now) const {
  if (cookie.empty()) return nullptr;
  auto it = sessions_.find(jose::sha256_base64url(cookie));
  if (it == sessions_.end() || it->second.expires <= now) return nullptr;
  return &it->second;
}

void SessionStore::end(std::string_view cookie) { sessions_.erase(jose::sha256_base64url(cookie)); }

std::size_t SessionStore::end_user(std::string_view user) {
  return std::erase_if(sessions_, [&](const auto& item) { return item.second.user == user; });
}

nlohmann::json SessionStore::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  auto seconds = [](core::Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  };
  for (const auto& [hash, s] : sessions_) {
    out.push_back({{"hash", hash},
                   {"id", s.id},
                   {"user", s.user},
                   {"tenant", s.tenant},
                   {"auth_time", seconds(s.auth_time)},
                   {"expires", seconds(s.expires)}});
  }
  return out;
}

void SessionStore::load_json(const nlohmann::json& document) {
  sessions_.clear();
  if (!document.is_array()) return;
  for (const auto& item : document) {
    if (!item.is_object()) continue;
    auto text = [&](const char* key) {
      return item.contains(key) && item[key].is_string() ? item[key].get<std::string>()
                                                         : std::string();
    };
    auto time = [&](const char* key) {
      const std::int64_t s =
          item.contains(key) && item[key].is_number_integer() ? item[key].get<std::int64_t>() : 0;
      return core::time_at_unix_seconds(s);
    };
    if (text("hash").empty()) continue;
    sessions_[text("hash")] =
        Session{text("id"), text("user"), text("tenant"), time("auth_time"), time("expires")};
  }
}

}  // namespace toolauth::idp
