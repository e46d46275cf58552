// Fuzz target: JWT/JWS decoding (jose::decode_jwt) and the strict base64url/base64 decoders
// under it. Beyond "no crash", it checks the properties the decoders promise: a decoded token's
// header and payload are JSON objects and its signing input is the token's first two segments,
// and every accepted base64url/base64 text is the one canonical encoding of its bytes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "toolauth/jose/base64url.h"
#include "toolauth/jose/jwt.h"

namespace jose = toolauth::jose;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto decoded = jose::decode_jwt(input); decoded.ok()) {
    if (!decoded->header.is_object() || !decoded->payload.is_object()) std::abort();
    if (input.substr(0, input.rfind('.')) != decoded->signing_input) std::abort();
    if (jose::base64url_encode(decoded->signature) != input.substr(input.rfind('.') + 1))
      std::abort();
  }
  if (auto bytes = jose::base64url_decode(input); bytes.ok()) {
    if (jose::base64url_encode(*bytes) != input) std::abort();
  }
  if (auto bytes = jose::base64_decode(input); bytes.ok()) {
    if (jose::base64_encode(*bytes) != input) std::abort();
  }
  return 0;
}
