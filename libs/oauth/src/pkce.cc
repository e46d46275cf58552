#include "toolauth/oauth/pkce.h"

#include <array>

#include "toolauth/core/random.h"
#include "toolauth/jose/hash.h"
#include "toolauth/oauth/error.h"

namespace toolauth::oauth {
namespace {

constexpr std::string_view kUnreserved =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
static_assert(kUnreserved.size() == 66);
// The largest multiple of 66 that fits in a byte: bytes at or above it are drawn again, so
// every character is exactly as likely as every other.
constexpr unsigned kUnbiasedLimit = 256 - 256 % kUnreserved.size();

bool is_unreserved(char c) { return kUnreserved.find(c) != std::string_view::npos; }

}  // namespace

bool is_valid_code_verifier(std::string_view verifier) {
  if (verifier.size() < kPkceMinVerifierLength || verifier.size() > kPkceMaxVerifierLength) {
    return false;
  }
  for (char c : verifier) {
    if (!is_unreserved(c)) return false;
  }
  return true;
}

core::Result<std::string> s256_challenge(std::string_view verifier) {
  if (!is_valid_code_verifier(verifier)) {
    return core::Error{Errc::invalid_argument,
                       "a PKCE code verifier is 43-128 characters of [A-Za-z0-9-._~]"};
  }
  return jose::pkce_s256_challenge(verifier);
}

core::Result<Pkce> Pkce::generate(std::size_t length) {
  if (length < kPkceMinVerifierLength || length > kPkceMaxVerifierLength) {
    return core::Error{Errc::invalid_argument, "a PKCE code verifier has 43-128 characters"};
  }
  Pkce pkce;
  pkce.verifier.reserve(length);
  std::array<unsigned char, 64> pool{};
  std::size_t used = pool.size();
  while (pkce.verifier.size() < length) {
    if (used == pool.size()) {
      core::random_bytes(pool);
      used = 0;
    }
    const unsigned byte = pool[used++];
    if (byte < kUnbiasedLimit) pkce.verifier.push_back(kUnreserved[byte % kUnreserved.size()]);
  }
  pkce.challenge = jose::pkce_s256_challenge(pkce.verifier);
  return pkce;
}

}  // namespace toolauth::oauth
