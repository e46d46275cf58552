#pragma once
// AES-256-GCM authenticated encryption, for secrets kept at rest (the token vault).
//
// seal() draws a fresh random 96-bit nonce for every call and returns
//   nonce (12 bytes) ‖ ciphertext (as long as the plaintext) ‖ tag (16 bytes),
// so one self-contained blob goes into storage. `associated_data` is authenticated but not
// stored: open() needs the same bytes, which lets a caller bind a blob to where it belongs
// (a key id and a row key) so that a blob copied elsewhere does not open.
//
// open() never returns unauthenticated bytes: a wrong key, wrong associated data, or any
// changed, truncated or extended blob gives Errc::decryption_failed and no plaintext.
//
// Random nonces are safe for far more than 2^32 messages under one key only when the key is
// used for at most about 2^32 seals (NIST SP 800-38D §8.3); a vault stays many orders of
// magnitude below that. Bytes are carried in std::string. All functions are thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

#include "toolauth/core/result.h"

namespace toolauth::jose {

inline constexpr std::size_t kAesGcmKeyBytes = 32;
inline constexpr std::size_t kAesGcmNonceBytes = 12;
inline constexpr std::size_t kAesGcmTagBytes = 16;

// A fresh random 256-bit key.
std::string aes256gcm_generate_key();

// Errors: Errc::invalid_key when `key` is not 32 bytes; Errc::crypto_error if OpenSSL fails.
core::Result<std::string> aes256gcm_seal(std::string_view key, std::string_view plaintext,
                                         std::string_view associated_data);

// Errors: Errc::invalid_key when `key` is not 32 bytes; Errc::decryption_failed for anything
// that does not authenticate (including a blob shorter than nonce plus tag).
core::Result<std::string> aes256gcm_open(std::string_view key, std::string_view sealed,
                                         std::string_view associated_data);

}  // namespace toolauth::jose
