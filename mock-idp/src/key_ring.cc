#include "toolauth/idp/key_ring.h"

#include "toolauth/core/unix_time.h"
#include "toolauth/jose/jwks.h"

namespace toolauth::idp {

namespace {
constexpr const char* kCommonName = "toolauth mock-idp token signing";
}

core::Result<KeyRing> KeyRing::generate(const core::Clock& clock) {
  TOOLAUTH_ASSIGN_OR_RETURN(auto key, jose::SigningKey::generate_rsa(clock, kCommonName));
  return KeyRing(clock, {Entry{std::move(key), std::nullopt}});
}

core::Result<KeyRing> KeyRing::from_json(const nlohmann::json& document, const core::Clock& clock) {
  if (!document.is_object() || !document.contains("keys") || !document["keys"].is_array() ||
      document["keys"].empty()) {
    return core::Error{core::Errc::parse_error, "key ring: no keys"};
  }
  std::vector<Entry> keys;
  for (const auto& item : document["keys"]) {
    // An imported state document is outside input: check types before reading.
    if (!item.is_object() || !item.contains("key_pem") || !item["key_pem"].is_string() ||
        !item.contains("certificate_pem") || !item["certificate_pem"].is_string()) {
      return core::Error{core::Errc::parse_error,
                         "key ring: a key lacks key_pem or certificate_pem"};
    }
    if (item.contains("retire_at_unix") && !item["retire_at_unix"].is_number_integer())
      return core::Error{core::Errc::parse_error, "key ring: retire_at_unix is not an integer"};
    TOOLAUTH_ASSIGN_OR_RETURN(auto private_key,
                              jose::PrivateKey::from_pem(item["key_pem"].get<std::string>()));
    TOOLAUTH_ASSIGN_OR_RETURN(
        auto certificate, jose::Certificate::from_pem(item["certificate_pem"].get<std::string>()));
    TOOLAUTH_ASSIGN_OR_RETURN(
        auto key,
        jose::SigningKey::from(std::move(private_key), std::move(certificate), jose::Alg::RS256));
    Entry entry{std::move(key), std::nullopt};
    if (item.contains("retire_at_unix")) {
      entry.retire_at = core::time_at_unix_seconds(item["retire_at_unix"].get<std::int64_t>());
    }
    keys.push_back(std::move(entry));
  }
  return KeyRing(clock, std::move(keys));
}

nlohmann::json KeyRing::to_json() const {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& entry : keys_) {
    nlohmann::json item = {{"kid", entry.key.kid},
                           {"key_pem", entry.key.key.to_pem()},
                           {"certificate_pem", entry.key.certificate.to_pem()}};
    if (entry.retire_at) {
      item["retire_at_unix"] =
          std::chrono::duration_cast<std::chrono::seconds>(entry.retire_at->time_since_epoch())
              .count();
    }
    keys.push_back(std::move(item));
  }
  return {{"keys", keys}};
}

core::Result<void> KeyRing::rotate(std::chrono::seconds overlap) {
  TOOLAUTH_ASSIGN_OR_RETURN(auto key, jose::SigningKey::generate_rsa(*clock_, kCommonName));
  const auto now = clock_->now();
  std::erase_if(keys_, [&](const Entry& e) { return e.retire_at && *e.retire_at <= now; });
  keys_.front().retire_at = now + overlap;
  keys_.insert(keys_.begin(), Entry{std::move(key), std::nullopt});
  return {};
}

bool KeyRing::published(const Entry& entry) const {
  return !entry.retire_at || clock_->now() < *entry.retire_at;
}

nlohmann::json KeyRing::jwks(const std::optional<std::string>& issuer) const {
  std::vector<jose::JwksEntry> entries;
  for (const auto& entry : keys_) {
    if (published(entry)) entries.push_back(jose::JwksEntry::from(entry.key, issuer));
  }
  return jose::jwks_document(entries);
}

std::size_t KeyRing::published_count() const {
  return static_cast<std::size_t>(
      std::count_if(keys_.begin(), keys_.end(), [&](const Entry& e) { return published(e); }));
}

std::optional<jose::ResolvedKey> KeyRing::find(std::string_view kid) const {
  for (const auto& entry : keys_) {
    if (entry.key.kid == kid && published(entry))
      return jose::ResolvedKey{entry.key.public_key(), jose::Alg::RS256};
  }
  return std::nullopt;
}

}  // namespace toolauth::idp
