#pragma once
// PKCE (RFC 7636) for the authorization code flows a client starts: a fresh code verifier per
// authorization request and its S256 challenge. `plain` is never offered: it protects nothing
// once the authorization request leaks, and the mock IdP refuses it by default.
//
//   auto pkce = oauth::Pkce::generate();   // verifier stays with the client (never in a URL)
//   request.code_challenge = pkce.challenge;   // goes to the authorize endpoint
//   ... token request: code_verifier = pkce.verifier
//
// Thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

#include "toolauth/core/result.h"

namespace toolauth::oauth {

inline constexpr std::size_t kPkceMinVerifierLength = 43;
inline constexpr std::size_t kPkceMaxVerifierLength = 128;
inline constexpr std::string_view kPkceMethodS256 = "S256";

// RFC 7636 §4.1: 43–128 characters of [A-Za-z0-9-._~].
bool is_valid_code_verifier(std::string_view verifier);

// BASE64URL(SHA256(ASCII(verifier))) (RFC 7636 §4.2). Errors: Errc::invalid_argument when the
// verifier is not valid (a challenge of a bad verifier would only fail later, at the IdP).
core::Result<std::string> s256_challenge(std::string_view verifier);

struct Pkce {
  std::string verifier;
  std::string challenge;
  std::string method = std::string(kPkceMethodS256);

  // A verifier of `length` characters drawn uniformly from the unreserved set with the kernel
  // CSPRNG (64 characters carry 6·64 ≈ 390 bits). Errors: Errc::invalid_argument for a length
  // outside 43..128.
  static core::Result<Pkce> generate(std::size_t length = 64);
};

}  // namespace toolauth::oauth
