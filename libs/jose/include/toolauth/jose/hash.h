#pragma once
// Digests, HMAC and random tokens. Digests and MACs are returned as raw bytes in a
// std::string. All functions are thread-safe; they throw std::runtime_error only if OpenSSL
// itself fails (out of memory), which no caller can sensibly handle.

#include <cstddef>
#include <string>
#include <string_view>

namespace toolauth::jose {

std::string sha256(std::string_view data);  // 32 bytes
std::string sha1(std::string_view data);    // 20 bytes; only for x5t thumbprints
std::string sha256_base64url(std::string_view data);

// The first 12 lower-case hex digits of SHA-256: lets journals correlate a secret (a code, a
// refresh token) across entries without revealing it.
std::string short_hash(std::string_view data);

std::string hmac_sha256(std::string_view key, std::string_view data);  // 32 bytes

// RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))).
std::string pkce_s256_challenge(std::string_view verifier);

// `bytes` bytes from the CSPRNG, base64url-encoded (32 bytes give 43 characters).
std::string random_token(std::size_t bytes = 32);

}  // namespace toolauth::jose
