#include "toolauth/idp/refresh_tokens.h"

#include "toolauth/core/unix_time.h"
#include "toolauth/jose/hash.h"

namespace toolauth::idp {

namespace {
std::int64_t seconds_of(core::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
std::string_view state_name(RefreshToken::State s) {
  switch (s) {
    case RefreshToken::State::active:
      return "active";
    case RefreshToken::State::rotated:
      return "rotated";
    case RefreshToken::State::revoked:
      return "revoked";
  }
  return "revoked";
}
}  // namespace

std::string RefreshTokenStore::issue(RefreshToken record) {
  std::string value = jose::random_token(64);
  if (witness_) witness_->saw(value);
  if (record.family_id.empty()) record.family_id = jose::random_token(16);
  record.token_hash = jose::short_hash(value);
  tokens_[jose::sha256_base64url(value)] = std::move(record);
  return value;
}

RefreshToken* RefreshTokenStore::find(std::string_view token) {
  auto it = tokens_.find(jose::sha256_base64url(token));
  return it == tokens_.end() ? nullptr : &it->second;
}

void RefreshTokenStore::mark_used(RefreshToken& record, RefreshRotation rotation) {
  if (rotation == RefreshRotation::strict) record.state = RefreshToken::State::rotated;
}

std::size_t RefreshTokenStore::revoke_family(std::string_view family_id) {
  std::size_t revoked = 0;
  for (auto& [hash, record] : tokens_) {
    if (record.family_id == family_id && record.state != RefreshToken::State::revoked) {
      revoked += record.state == RefreshToken::State::active;
      record.state = RefreshToken::State::revoked;
    }
  }
  return revoked;
}

std::size_t RefreshTokenStore::revoke_user(std::string_view user, std::string_view client_id) {
  std::size_t revoked = 0;
  for (auto& [hash, record] : tokens_) {
    if (record.user == user && (client_id.empty() || record.client_id == client_id) &&
        record.state == RefreshToken::State::active) {
      record.state = RefreshToken::State::revoked;
      ++revoked;
    }
  }
  return revoked;
}

void RefreshTokenStore::purge(core::Clock::time_point now) {
  std::erase_if(tokens_, [&](const auto& item) { return item.second.expires < now; });
}

nlohmann::json RefreshTokenStore::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [hash, r] : tokens_) {
    out.push_back({{"hash", hash},
                   {"family_id", r.family_id},
                   {"client_id", r.client_id},
                   {"tenant", r.tenant},
                   {"user", r.user},
                   {"scope", r.scope},
                   {"resource", r.resource},
                   {"session_id", r.session_id},
                   {"issued", seconds_of(r.issued)},
                   {"expires", seconds_of(r.expires)},
                   {"state", state_name(r.state)},
                   {"token_hash", r.token_hash}});
  }
  return out;
}

void RefreshTokenStore::load_json(const nlohmann::json& document) {
  tokens_.clear();
  if (!document.is_array()) return;
  for (const auto& item : document) {
    if (!item.is_object() || !item.contains("hash") || !item["hash"].is_string()) continue;
    auto text = [&](const char* key) {
      return item.contains(key) && item[key].is_string() ? item[key].get<std::string>()
                                                         : std::string();
    };
    auto number = [&](const char* key) {
      return item.contains(key) && item[key].is_number_integer() ? item[key].get<std::int64_t>()
                                                                 : 0;
    };
    RefreshToken r;
    r.family_id = text("family_id");
    r.client_id = text("client_id");
    r.tenant = text("tenant");
    r.user = text("user");
    r.scope = text("scope");
    r.resource = text("resource");
    r.session_id = text("session_id");
    r.issued = core::time_at_unix_seconds(number("issued"));
    r.expires = core::time_at_unix_seconds(number("expires"));
    const auto state = text("state");
    r.state = state == "active"    ? RefreshToken::State::active
              : state == "rotated" ? RefreshToken::State::rotated
                                   : RefreshToken::State::revoked;
    r.token_hash = text("token_hash");
    tokens_[item["hash"].get<std::string>()] = std::move(r);
  }
}

}  // namespace toolauth::idp
