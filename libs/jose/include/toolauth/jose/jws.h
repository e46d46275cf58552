#pragma once
// JWS compact serialization (RFC 7515) for RS256, PS256 and ES256 (RFC 7518 §3):
//   RS256  RSASSA-PKCS1-v1_5 with SHA-256
//   PS256  RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt
//   ES256  ECDSA P-256 with SHA-256; the signature is r||s, 32 bytes each (not DER)
// `none` and HS256 exist as names only: nothing here signs with `none`, and HS256 signing is
// only the token forge's (forge.h), with hmac_sha256 from hash.h.
//
// Functions are thread-safe; keys may be shared between threads.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "toolauth/core/result.h"
#include "toolauth/jose/key.h"

namespace toolauth::jose {

enum class Alg { none, HS256, RS256, PS256, ES256 };

std::string_view to_string(Alg alg);  // "RS256", ...
// Exact, case-sensitive match of the JOSE name; nullopt for anything else.
std::optional<Alg> parse_alg(std::string_view name);
// The key type an algorithm signs with; nullopt for none and HS256 (no asymmetric key fits).
std::optional<KeyType> key_type_for(Alg alg);

// The JWS signature of `signing_input` (ASCII(BASE64URL(header) '.' BASE64URL(payload))).
// Errors: Errc::alg_none, Errc::alg_not_allowed (HS256), Errc::key_alg_mismatch (the key
// does not fit `alg`), Errc::crypto_error.
core::Result<std::string> sign(Alg alg, const PrivateKey& key, std::string_view signing_input);

// "header.payload.signature" with `header` (a JSON object) given `alg` by this function.
// Errors: those of sign(), Errc::invalid_argument (header not an object, or not UTF-8).
core::Result<std::string> sign_compact(Alg alg, const PrivateKey& key, nlohmann::json header,
                                       std::string_view payload);

// True only if `signature` is a valid `alg` signature of `signing_input` by `key`. False for
// none, HS256, a key of the wrong type, and ES256 signatures that are not exactly 64 bytes.
bool verify_signature(Alg alg, const PublicKey& key, std::string_view signing_input,
                      std::string_view signature);

}  // namespace toolauth::jose
