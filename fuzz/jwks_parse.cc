// Fuzz target: JWK Sets and single JWKs (jose::JwkSet::parse, PublicKey::from_jwk). Beyond
// "no crash": every key of an accepted set is found under its kid, its JWK (to_jwk) loads back
// as the same key, and its algorithm fits its key type; only sig keys for RS256, PS256 and
// ES256 ever enter a set.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "toolauth/core/json.h"
#include "toolauth/jose/jwks.h"

namespace core = toolauth::core;
namespace jose = toolauth::jose;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto set = jose::JwkSet::parse(input); set.ok()) {
    if (set->keys().size() > jose::kMaxJwksKeys) std::abort();
    for (const auto& key : set->keys()) {
      const auto found = set->find(key.kid);
      if (!found || !(found->key == key.key) || found->alg != key.alg) std::abort();
      auto again = jose::PublicKey::from_jwk(key.key.to_jwk());
      if (!again.ok() || !(*again == key.key)) std::abort();
      if (key.alg && jose::key_type_for(*key.alg) != key.key.type()) std::abort();
      if (key.key.type() == jose::KeyType::rsa && key.key.bits() < jose::kMinRsaBits) std::abort();
    }
  }
  // Each key of the document on its own, as PublicKey::from_jwk sees a JWK.
  if (auto document = core::parse_json(input); document.ok()) {
    const auto keys = document->is_object() ? document->find("keys") : document->end();
    if (keys != document->end() && keys->is_array()) {
      for (const auto& jwk : *keys) {
        if (auto key = jose::PublicKey::from_jwk(jwk); key.ok()) {
          if (key->rfc7638_thumbprint().size() != 43) std::abort();
        }
      }
    } else if (auto key = jose::PublicKey::from_jwk(*document); key.ok()) {
      auto again = jose::PublicKey::from_jwk(key->to_jwk());
      if (!again.ok() || !(*again == *key)) std::abort();
    }
  }
  return 0;
}
