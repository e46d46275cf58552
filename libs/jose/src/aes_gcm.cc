#include "toolauth/jose/aes_gcm.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>
#include <memory>
#include <vector>

#include "aes_gcm_nonce.h"
#include "ossl.h"
#include "toolauth/core/random.h"

namespace toolauth::jose {
namespace {

using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, internal::Deleter<EVP_CIPHER_CTX_free>>;

// OpenSSL counts lengths in int.
bool fits_int(std::size_t size) { return size <= static_cast<std::size_t>(INT_MAX); }

core::Result<void> check_key(std::string_view key) {
  if (key.size() != kAesGcmKeyBytes) {
    return core::Error{Errc::invalid_key, "AES-256-GCM needs a 32-byte key"};
  }
  return {};
}

// Feeds associated data (OpenSSL wants a non-null pointer even for zero bytes).
bool add_associated_data(EVP_CIPHER_CTX* ctx, std::string_view associated_data) {
  int ignored = 0;
  static constexpr unsigned char kEmpty = 0;
  const unsigned char* data =
      associated_data.empty() ? &kEmpty : internal::as_bytes(associated_data);
  return EVP_CipherUpdate(ctx, nullptr, &ignored, data, static_cast<int>(associated_data.size())) ==
         1;
}

}  // namespace

namespace internal {

core::Result<std::string> aes256gcm_seal_with_nonce(std::string_view key, std::string_view nonce,
                                                    std::string_view plaintext,
                                                    std::string_view associated_data) {
  TOOLAUTH_RETURN_IF_ERROR(check_key(key));
  if (nonce.size() != kAesGcmNonceBytes) {
    return core::Error{Errc::invalid_argument, "AES-GCM nonce must be 12 bytes"};
  }
  if (!fits_int(plaintext.size()) || !fits_int(associated_data.size())) {
    return core::Error{Errc::invalid_argument, "input too large"};
  }
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return openssl_error("EVP_CIPHER_CTX_new");
  if (EVP_EncryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), as_bytes(key), as_bytes(nonce), nullptr) !=
      1) {
    return openssl_error("AES-256-GCM encrypt init");
  }
  if (!add_associated_data(ctx.get(), associated_data)) return openssl_error("AES-GCM AAD");

  std::string out(nonce);
  out.resize(kAesGcmNonceBytes + plaintext.size() + kAesGcmTagBytes);
  auto* cipher = reinterpret_cast<unsigned char*>(out.data()) + kAesGcmNonceBytes;
  int written = 0;
  if (!plaintext.empty() && EVP_EncryptUpdate(ctx.get(), cipher, &written, as_bytes(plaintext),
                                              static_cast<int>(plaintext.size())) != 1) {
    return openssl_error("AES-GCM encrypt");
  }
  int final_bytes = 0;
  if (EVP_EncryptFinal_ex(ctx.get(), cipher + written, &final_bytes) != 1) {
    return openssl_error("AES-GCM encrypt final");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kAesGcmTagBytes),
                          cipher + plaintext.size()) != 1) {
    return openssl_error("AES-GCM tag");
  }
  return out;
}

}  // namespace internal

std::string aes256gcm_generate_key() {
  std::string key(kAesGcmKeyBytes, '\0');
  core::random_bytes({reinterpret_cast<unsigned char*>(key.data()), key.size()});
  return key;
}

core::Result<std::string> aes256gcm_seal(std::string_view key, std::string_view plaintext,
                                         std::string_view associated_data) {
  std::string nonce(kAesGcmNonceBytes, '\0');
  core::random_bytes({reinterpret_cast<unsigned char*>(nonce.data()), nonce.size()});
  return internal::aes256gcm_seal_with_nonce(key, nonce, plaintext, associated_data);
}

core::Result<std::string> aes256gcm_open(std::string_view key, std::string_view sealed,
                                         std::string_view associated_data) {
  TOOLAUTH_RETURN_IF_ERROR(check_key(key));
  const core::Error refused{Errc::decryption_failed, {}};
  if (sealed.size() < kAesGcmNonceBytes + kAesGcmTagBytes || !fits_int(sealed.size()) ||
      !fits_int(associated_data.size())) {
    return refused;
  }
  const auto nonce = sealed.substr(0, kAesGcmNonceBytes);
  const auto cipher =
      sealed.substr(kAesGcmNonceBytes, sealed.size() - kAesGcmNonceBytes - kAesGcmTagBytes);
  std::string tag(sealed.substr(sealed.size() - kAesGcmTagBytes));

  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return internal::openssl_error("EVP_CIPHER_CTX_new");
  if (EVP_DecryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), internal::as_bytes(key),
                          internal::as_bytes(nonce), nullptr) != 1) {
    return internal::openssl_error("AES-256-GCM decrypt init");
  }
  if (!add_associated_data(ctx.get(), associated_data)) {
    return internal::openssl_error("AES-GCM AAD");
  }
  std::string plain(cipher.size(), '\0');
  int written = 0;
  if (!cipher.empty() &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &written,
                        internal::as_bytes(cipher), static_cast<int>(cipher.size())) != 1) {
    internal::take_openssl_errors();
    return refused;
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kAesGcmTagBytes),
                          tag.data()) != 1) {
    return internal::openssl_error("AES-GCM set tag");
  }
  int final_bytes = 0;
  // The tag is checked here; until it passes, `plain` is unauthenticated and is dropped.
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + written,
                          &final_bytes) != 1) {
    internal::take_openssl_errors();
    OPENSSL_cleanse(plain.data(), plain.size());
    return refused;
  }
  return plain;
}

}  // namespace toolauth::jose
