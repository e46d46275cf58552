#pragma once
// The IdP's token-signing keys. One active key signs; after a rotation the previous key stays
// published in the JWKS for an overlap period, so verifiers that cached the old JWKS (jose
// refetches on an unknown kid only after a 30 s cooldown) keep working. Keys are RSA-2048 with
// a self-signed certificate; kid = x5t, as Entra publishes them.
//
// Also a jose::KeyResolver over the published keys, for verifying tokens the IdP issued
// itself (on-behalf-of assertions, agent T1 tokens, managed identity tokens used as
// federated credentials).
//
// Thread safety: single io_context thread; find() may be called concurrently with itself.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/jose/key_resolver.h"
#include "toolauth/jose/signing_key.h"

namespace toolauth::idp {

inline constexpr std::chrono::seconds kDefaultKeyOverlap{3600};

class KeyRing final : public jose::KeyResolver {
 public:
  static core::Result<KeyRing> generate(const core::Clock& clock);
  // The form to_json() writes (private keys in PEM: keep it in the state folder only).
  static core::Result<KeyRing> from_json(const nlohmann::json& document, const core::Clock& clock);
  nlohmann::json to_json() const;

  const jose::SigningKey& active() const { return keys_.front().key; }
  // A new active key; the old one stays published until now + overlap.
  core::Result<void> rotate(std::chrono::seconds overlap = kDefaultKeyOverlap);
  // {"keys": [...]} with every key still published, `issuer` on each when given.
  nlohmann::json jwks(const std::optional<std::string>& issuer) const;
  std::size_t published_count() const;

  std::optional<jose::ResolvedKey> find(std::string_view kid) const override;

 private:
  struct Entry {
    jose::SigningKey key;
    std::optional<core::Clock::time_point> retire_at;
  };
  KeyRing(const core::Clock& clock, std::vector<Entry> keys)
      : clock_(&clock), keys_(std::move(keys)) {}
  bool published(const Entry& entry) const;

  const core::Clock* clock_;
  std::vector<Entry> keys_;  // active first
};

}  // namespace toolauth::idp
