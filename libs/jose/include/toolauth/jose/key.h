#pragma once
// Asymmetric keys for JWS: RSA (2048 bits or more) and EC P-256. No other key type can be
// constructed, so code holding a PublicKey never has to ask "what if it is something else".
//
// Keys are immutable values: copies share one opaque OpenSSL key (copying is cheap), and a key
// may be used from several threads at once. There is no empty state; a key that failed to load
// is an error Result, never a null key.
//
//   auto key = PrivateKey::generate_rsa();            // Result<PrivateKey>
//   std::string pem = key->to_pem();                   // PKCS#8, unencrypted
//   nlohmann::json jwk = key->public_key().to_jwk();   // {"kty":"RSA","n":...,"e":...}

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "toolauth/core/result.h"

namespace toolauth::jose {

namespace internal {
struct KeyAccess;
}

enum class KeyType { rsa, ec_p256 };
std::string_view to_string(KeyType type);  // "RSA", "EC P-256"

// RSA keys shorter than this are refused everywhere (RFC 7518 §3.3 requires 2048 for RS256).
inline constexpr int kMinRsaBits = 2048;

class PublicKey {
 public:
  // A SubjectPublicKeyInfo PEM block ("-----BEGIN PUBLIC KEY-----"). Errors: Errc::invalid_key
  // (unparseable, unsupported type or curve, RSA shorter than kMinRsaBits).
  static core::Result<PublicKey> from_pem(std::string_view pem);
  // An RSA (`n`, `e`) or EC P-256 (`crv`, `x`, `y`) JWK. Strict: members must be present,
  // strings, strict base64url, minimal-length (RSA) or exactly 32 bytes (EC coordinates), and
  // the EC point must lie on the curve. A JWK carrying private members (`d`, `p`, ...) is
  // refused: private material published as a public key is a leak to surface, not to use.
  // Other members (kid, use, alg, x5c...) are ignored here; JwkSet interprets them.
  // Errors: Errc::invalid_jwk.
  static core::Result<PublicKey> from_jwk(const nlohmann::json& jwk);

  std::string to_pem() const;
  // {"kty":"RSA","n","e"} or {"kty":"EC","crv":"P-256","x","y"}; nothing else.
  nlohmann::json to_jwk() const;
  // RFC 7638 JWK thumbprint: base64url(SHA-256(canonical JWK)).
  std::string rfc7638_thumbprint() const;

  KeyType type() const;
  int bits() const;
  friend bool operator==(const PublicKey& a, const PublicKey& b);

 private:
  friend struct internal::KeyAccess;
  struct Impl;
  explicit PublicKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

class PrivateKey {
 public:
  // Errors: Errc::invalid_argument (bits < kMinRsaBits or > 16384), Errc::crypto_error.
  static core::Result<PrivateKey> generate_rsa(int bits = 2048);
  static core::Result<PrivateKey> generate_ec_p256();
  static core::Result<PrivateKey> generate(KeyType type);
  // An unencrypted private key PEM (PKCS#8 "PRIVATE KEY", or the traditional "RSA PRIVATE
  // KEY" / "EC PRIVATE KEY"). Encrypted PEM is refused: nothing here asks for a passphrase.
  // Errors: Errc::invalid_key.
  static core::Result<PrivateKey> from_pem(std::string_view pem);

  // PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), unencrypted: protect it with file modes.
  std::string to_pem() const;
  PublicKey public_key() const;
  KeyType type() const;
  int bits() const;

 private:
  friend struct internal::KeyAccess;
  struct Impl;
  explicit PrivateKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace toolauth::jose
