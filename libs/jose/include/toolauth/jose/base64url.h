#pragma once
// Base64url (RFC 4648 §5) as JOSE uses it, and standard base64 (§4) for `x5c` and HTTP Basic.
//
// Decoding is strict so that one byte string has exactly one accepted encoding: a token that
// two parsers decode differently, or that can be re-encoded into a "different" token with the
// same meaning, is a smuggling and replay-cache bypass waiting to happen. Refused:
//   base64url: padding, characters outside [A-Za-z0-9_-], whitespace, a length ≡ 1 (mod 4),
//              and non-zero unused bits in the last character;
//   base64:    characters outside [A-Za-z0-9+/], whitespace, missing or misplaced padding,
//              and non-zero unused bits.
// Error details give the offending offset, never the input (it may be a secret).
//
// Bytes are carried in std::string. All functions are thread-safe.

#include <string>
#include <string_view>

#include "toolauth/core/result.h"

namespace toolauth::jose {

std::string base64url_encode(std::string_view bytes);
// Errors: Errc::invalid_base64url.
core::Result<std::string> base64url_decode(std::string_view text);

std::string base64_encode(std::string_view bytes);
// Errors: Errc::invalid_base64.
core::Result<std::string> base64_decode(std::string_view text);

}  // namespace toolauth::jose
