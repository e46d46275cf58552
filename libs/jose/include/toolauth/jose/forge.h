#pragma once
// A token forge for negative tests: well-known attacks and broken tokens, each made from the
// claims of an otherwise valid token, so a test changes exactly one thing and can assert the
// exact error the verifier must give (verifier.h lists them).
//
//   TokenForge forge(signing_key, clock);
//   auto claims = ClaimsBuilder().issuer(iss).audience(aud).valid_for(clock, 1h).build();
//   EXPECT_EQ(verifier.verify(*forge.alg_none(claims)).code(), Errc::alg_none);
//
// For tests and the conformance suite only: nothing on a request path may use it. Methods
// are const and safe to call from several threads; the forge keeps a second key of the same
// type (made on first use) for signed_by_other_key() and embedded_jwk().

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/jose/jws.h"
#include "toolauth/jose/signing_key.h"

namespace toolauth::jose {

inline constexpr std::string_view kForgedIssuer = "https://forged-issuer.invalid/";
inline constexpr std::string_view kForgedAudience = "api://forged-audience";

class TokenForge {
 public:
  // `clock` must outlive the forge.
  TokenForge(SigningKey key, const core::Clock& clock);

  const SigningKey& key() const { return key_; }

  // The honest token: `claims` signed as SigningKey::sign does ({"typ","alg","kid"}).
  core::Result<std::string> valid(const nlohmann::json& claims) const;

  // `alg` set to `spelling` ("none", "None", "NONE", ...), the kid kept, empty signature.
  core::Result<std::string> alg_none(const nlohmann::json& claims,
                                     std::string_view spelling = "none") const;
  // Key confusion: alg HS256 with the real kid, MACed with the public key's PEM (exactly the
  // SubjectPublicKeyInfo text a JWKS consumer could rebuild), as if it were a shared secret.
  core::Result<std::string> hs256_with_public_key(const nlohmann::json& claims) const;
  // A properly signed token whose header names a kid nobody published.
  core::Result<std::string> unknown_kid(const nlohmann::json& claims) const;
  // A properly signed token whose header has no kid.
  core::Result<std::string> missing_kid(const nlohmann::json& claims) const;
  // `alg` of the other key family (ES256 for an RSA key, RS256 for an EC one) with the real
  // kid, signed by a key of that family.
  core::Result<std::string> mismatched_alg_for_key(const nlohmann::json& claims) const;

  // Time: exp = now - by (iat = nbf = exp - 1h).
  core::Result<std::string> expired(const nlohmann::json& claims,
                                    std::chrono::seconds by = std::chrono::hours(1)) const;
  // nbf = now + by (iat = now, exp = nbf + 1h).
  core::Result<std::string> not_yet_valid(const nlohmann::json& claims,
                                          std::chrono::seconds by = std::chrono::hours(1)) const;
  // iat = now + by (no nbf, exp = iat + 1h).
  core::Result<std::string> issued_in_future(const nlohmann::json& claims,
                                             std::chrono::seconds by = std::chrono::hours(1)) const;

  core::Result<std::string> wrong_audience(const nlohmann::json& claims) const;  // kForgedAudience
  core::Result<std::string> wrong_issuer(const nlohmann::json& claims) const;    // kForgedIssuer

  // One bit of the signature flipped.
  core::Result<std::string> bad_signature(const nlohmann::json& claims) const;
  // The signature cut to half its length.
  core::Result<std::string> truncated_signature(const nlohmann::json& claims) const;
  // Signed by another key of the same type, under the real kid.
  core::Result<std::string> signed_by_other_key(const nlohmann::json& claims) const;
  // Signed by another key that the header carries as `jwk`, under the real kid: a verifier
  // that trusts header-embedded keys accepts it.
  core::Result<std::string> embedded_jwk(const nlohmann::json& claims) const;

  // The general tool: `header` exactly as given (its `alg` is not touched), signed with the
  // real key as `sign_as`.
  core::Result<std::string> custom(const nlohmann::json& header, const nlohmann::json& claims,
                                   Alg sign_as) const;

 private:
  struct OtherKeys;
  const PrivateKey& other_key(KeyType type) const;
  nlohmann::json honest_header() const;

  SigningKey key_;
  const core::Clock* clock_;
  std::shared_ptr<OtherKeys> other_keys_;
};

}  // namespace toolauth::jose
