#pragma once
// Where a verifier finds the key a token names. JwkSet (jwks.h) implements it for a fixed
// JWKS document; a resolver backed by a refreshed JWKS cache lives with the HTTP client.
// Resolvers never fetch anything a token points at (`jku`, `x5u`, embedded `jwk`/`x5c`):
// which keys are trusted is the verifier owner's decision, never the token's.

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "toolauth/jose/jws.h"
#include "toolauth/jose/key.h"

namespace toolauth::jose {

struct ResolvedKey {
  PublicKey key;
  // The JWK's `alg` when the key was published with one; the token's `alg` must then equal it.
  std::optional<Alg> alg = std::nullopt;
};

// Implementations must be safe to call from several threads at once.
class KeyResolver {
 public:
  virtual ~KeyResolver() = default;

  // The key published under `kid`, or nullopt.
  virtual std::optional<ResolvedKey> find(std::string_view kid) const = 0;

  // The key for a token whose header has no `kid` (`header` is that header, e.g. to match
  // `x5t#S256` against registered client certificates). The default, nullopt, makes the
  // verifier refuse such tokens with Errc::missing_kid.
  virtual std::optional<ResolvedKey> find_without_kid(const nlohmann::json& /*header*/) const {
    return std::nullopt;
  }
};

}  // namespace toolauth::jose
