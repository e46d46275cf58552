#pragma once
// Errors of libs/jose. Every way a token, key or certificate can be refused has its own
// enumerator, so callers and tests branch on the exact reason (`ec == Errc::token_expired`)
// and a conformance report can say which check caught an attack.

#include <string_view>
#include <system_error>

#include "toolauth/core/error.h"

namespace toolauth::jose {

enum class Errc {
  // Token format (checked first, before anything else is looked at).
  malformed_token = 1,  // not three segments, too long, bad header members, non-numeric dates
  malformed_json,       // a segment is not a strict JSON object
  invalid_base64url,
  invalid_base64,
  // Algorithm (checked before any key is used).
  alg_none,         // `alg: none` in any spelling; never accepted
  alg_not_allowed,  // not in the verifier's allow-list (HS256 against RSA keys: key confusion)
  // Key selection.
  missing_kid,       // the token names no key and the key set cannot pick one without it
  unknown_kid,       // no published key has this `kid`
  key_alg_mismatch,  // the key's type (or its JWK `alg`) does not fit the token's `alg`
  // Signature, then claims in the verifier's fixed order.
  signature_invalid,
  issuer_mismatch,
  audience_mismatch,
  token_expired,
  token_not_yet_valid,
  issued_in_future,
  token_too_old,  // `iat` older than the verifier's max_age
  missing_claim,
  claim_mismatch,
  // Keys, certificates and everything else.
  invalid_key,
  invalid_jwk,
  invalid_certificate,
  crypto_error,  // OpenSSL refused an operation that should have worked
  invalid_argument,
  io_error,
  // Authenticated encryption: wrong key, wrong associated data, or a sealed value that was
  // changed or cut short. One code for all of them: telling them apart helps only an attacker.
  decryption_failed,
};

std::string_view error_domain(Errc);  // "toolauth.jose"
std::string_view error_message(Errc);
inline std::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), core::category_of<Errc>()};
}

}  // namespace toolauth::jose

template <>
struct std::is_error_code_enum<toolauth::jose::Errc> : std::true_type {};
