#include "toolauth/jose/error.h"

namespace toolauth::jose {

std::string_view error_domain(Errc) { return "toolauth.jose"; }

std::string_view error_message(Errc e) {
  switch (e) {
    case Errc::malformed_token:
      return "malformed token";
    case Errc::malformed_json:
      return "malformed JSON in token";
    case Errc::invalid_base64url:
      return "invalid base64url";
    case Errc::invalid_base64:
      return "invalid base64";
    case Errc::alg_none:
      return "unsigned token (alg none) refused";
    case Errc::alg_not_allowed:
      return "signature algorithm not allowed";
    case Errc::missing_kid:
      return "token has no key id";
    case Errc::unknown_kid:
      return "unknown key id";
    case Errc::key_alg_mismatch:
      return "key does not fit the token's algorithm";
    case Errc::signature_invalid:
      return "invalid signature";
    case Errc::issuer_mismatch:
      return "issuer not accepted";
    case Errc::audience_mismatch:
      return "audience not accepted";
    case Errc::token_expired:
      return "token expired";
    case Errc::token_not_yet_valid:
      return "token not yet valid";
    case Errc::issued_in_future:
      return "token issued in the future";
    case Errc::token_too_old:
      return "token issued too long ago";
    case Errc::missing_claim:
      return "required claim missing";
    case Errc::claim_mismatch:
      return "claim value not accepted";
    case Errc::invalid_key:
      return "invalid key";
    case Errc::invalid_jwk:
      return "invalid JWK";
    case Errc::invalid_certificate:
      return "invalid certificate";
    case Errc::crypto_error:
      return "cryptographic operation failed";
    case Errc::invalid_argument:
      return "invalid argument";
    case Errc::io_error:
      return "I/O error";
    case Errc::decryption_failed:
      return "decryption failed";
  }
  return "unknown jose error";
}

}  // namespace toolauth::jose
