#pragma once
// JWK Sets (RFC 7517 §5): publishing one the way Entra does, and reading one strictly.
//
// Published shape (Entra's /discovery/v2.0/keys; no `alg` member, optional per-key `issuer`):
//   {"keys":[{"kty":"RSA","use":"sig","kid":"<x5t>","x5t":"<x5t>","n":"...","e":"AQAB",
//             "x5c":["<base64 DER>"],"issuer":"https://login.microsoftonline.com/<tid>/v2.0"}]}
//
// Reading (JwkSet::from_json, JwkSet::parse) keeps the keys a JWS verifier can use and ignores the
// rest:
//   skipped:  `use` other than "sig"; `key_ops` without "verify"; `kty` other than RSA and
//             EC; curves other than P-256; `alg` other than RS256, PS256, ES256 (so `none`
//             and HS256 keys never enter the set); keys without `kid` (selection is by kid).
//   refused (Errc::invalid_jwk, whole set): a document that is not {"keys":[objects]}, a
//             member of the wrong type, a key the strict PublicKey::from_jwk refuses, an
//             `alg` that does not fit `kty`, an `x5c` whose first certificate is not for the
//             key or an `x5t`/`x5t#S256` that does not match it, two usable keys with one
//             kid, more than kMaxJwksKeys keys.
//   `jku` and `x5u` are ignored entirely: nothing is ever fetched.
//
// A JwkSet is immutable; find() is safe from several threads.

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/result.h"
#include "toolauth/jose/certificate.h"
#include "toolauth/jose/jws.h"
#include "toolauth/jose/key.h"
#include "toolauth/jose/key_resolver.h"
#include "toolauth/jose/signing_key.h"

namespace toolauth::jose {

inline constexpr std::size_t kMaxJwksKeys = 100;

// One key to publish.
struct JwksEntry {
  Certificate certificate;
  std::string kid;
  std::optional<std::string> issuer = std::nullopt;  // Entra's multi-tenant extension

  static JwksEntry from(const SigningKey& key, std::optional<std::string> issuer = std::nullopt);
};

// The JWK of one entry: kty and key members, use "sig", kid, x5t, x5c, and issuer if set.
nlohmann::json jwk_for(const JwksEntry& entry);
nlohmann::json jwks_document(const std::vector<JwksEntry>& entries);
nlohmann::json jwks_document(const std::vector<SigningKey>& keys);

class JwkSet final : public KeyResolver {
 public:
  struct Key {
    std::string kid;
    PublicKey key;
    std::optional<Alg> alg = std::nullopt;
    std::optional<std::string> issuer = std::nullopt;
    std::optional<Certificate> certificate = std::nullopt;  // the first `x5c` entry, if any
  };

  // Errors: Errc::invalid_jwk.
  static core::Result<JwkSet> from_json(const nlohmann::json& document);
  // Parses `text` with core::parse_json first (duplicate members refused), then from_json.
  static core::Result<JwkSet> parse(std::string_view text);
  // A set from keys at hand (tests, statically configured keys). Errors: Errc::invalid_jwk
  // (duplicate kid, an alg that does not fit its key).
  static core::Result<JwkSet> from_keys(std::vector<Key> keys);

  std::optional<ResolvedKey> find(std::string_view kid) const override;
  const Key* key(std::string_view kid) const;
  const std::vector<Key>& keys() const { return keys_; }

 private:
  explicit JwkSet(std::vector<Key> keys);
  std::vector<Key> keys_;
  std::map<std::string, std::size_t, std::less<>> index_;  // kid → position in keys_
};

}  // namespace toolauth::jose
