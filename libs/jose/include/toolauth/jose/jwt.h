#pragma once
// Decoding of a compact JWS/JWT into its parts, without verifying anything: verifier.h is
// what decides whether a token is acceptable. Use this alone only for diagnostics, or for
// tokens whose integrity is established some other way.
//
// Strict: exactly three segments, strict base64url (base64url.h), header and payload each a
// JSON object parsed with core::parse_json (so duplicate members such as two `alg`s are
// refused, not resolved in one parser's favour), and at most kMaxTokenBytes in all. Error
// details never quote the token.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "toolauth/core/result.h"

namespace toolauth::jose {

// Real access tokens are 1-3 KiB; anything this large is an attack on the parser.
inline constexpr std::size_t kMaxTokenBytes = 16 * 1024;

struct DecodedJwt {
  nlohmann::json header;      // a JSON object
  nlohmann::json payload;     // a JSON object: the claims
  std::string signing_input;  // the first two segments as received, for signature checks
  std::string signature;      // raw bytes of the third segment (empty for `alg: none`)
};

// Errors: Errc::malformed_token (too long, not three segments), Errc::invalid_base64url,
// Errc::malformed_json (not JSON, not an object, duplicate members, nested too deeply).
core::Result<DecodedJwt> decode_jwt(std::string_view token);

}  // namespace toolauth::jose
