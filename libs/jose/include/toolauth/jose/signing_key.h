#pragma once
// A token-signing key as Entra publishes one: a key pair, a self-signed certificate for it
// (published as `x5c`), and `kid` equal to the certificate's `x5t` thumbprint.
//
// Immutable after construction and cheap to copy; sign() may be called from several threads.
//
//   auto key = SigningKey::generate_rsa(clock);             // RS256
//   auto token = key->sign(claims);                          // {"alg","kid","typ":"JWT"}
//   auto v1 = key->sign(claims, {.include_x5t = true});      // v1 tokens also carry x5t

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/jose/certificate.h"
#include "toolauth/jose/jws.h"
#include "toolauth/jose/key.h"

namespace toolauth::jose {

inline constexpr std::string_view kDefaultSigningCertificateName = "toolauth token signing";
inline constexpr std::chrono::seconds kDefaultSigningCertificateValidity = std::chrono::days(1826);

struct SignOptions {
  // Added to the protected header. May set `typ` (default "JWT") and other members, but not
  // `alg`, `kid` or `x5t`: those are the key's.
  nlohmann::json extra_header = nlohmann::json::object();
  // Adds `x5t` (equal to the kid), as Entra's v1 tokens do.
  bool include_x5t = false;
};

struct SigningKey {
  PrivateKey key;
  Certificate certificate;  // self-signed, for `key`
  std::string kid;          // certificate.x5t()
  Alg alg;

  // A new RSA-2048 (RS256) or EC P-256 (ES256) key with a self-signed certificate.
  static core::Result<SigningKey> generate_rsa(
      const core::Clock& clock,
      std::string common_name = std::string(kDefaultSigningCertificateName),
      std::chrono::seconds validity = kDefaultSigningCertificateValidity);
  static core::Result<SigningKey> generate_ec_p256(
      const core::Clock& clock,
      std::string common_name = std::string(kDefaultSigningCertificateName),
      std::chrono::seconds validity = kDefaultSigningCertificateValidity);
  // An existing key and certificate (e.g. loaded from PEM). Errors: Errc::invalid_key (the
  // certificate is for another key), Errc::key_alg_mismatch, Errc::alg_none,
  // Errc::alg_not_allowed.
  static core::Result<SigningKey> from(PrivateKey key, Certificate certificate, Alg alg);

  PublicKey public_key() const { return certificate.public_key(); }

  // A compact JWT of `payload` (a JSON object) with header {"alg", "kid", "typ": "JWT"} plus
  // `options`. Errors: Errc::invalid_argument (payload not an object, not UTF-8, a reserved
  // header member in extra_header), Errc::crypto_error.
  core::Result<std::string> sign(const nlohmann::json& payload,
                                 const SignOptions& options = {}) const;
};

}  // namespace toolauth::jose
