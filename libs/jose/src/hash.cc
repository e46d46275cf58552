#include "toolauth/jose/hash.h"

#include <openssl/evp.h>

#include <stdexcept>
#include <vector>

#include "ossl.h"
#include "toolauth/core/random.h"
#include "toolauth/jose/base64url.h"

namespace toolauth::jose {
namespace {

// The digest implementations, fetched from the default provider once: EVP_sha256() alone
// makes every EVP_Digest look the algorithm up again (OpenSSL 3 implicit fetch), and a SHA-256
// runs on every bearer request of mock-mcp (its verified-token cache is keyed by the hash).
const EVP_MD* fetched(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) throw std::runtime_error(std::string("EVP_MD_fetch failed: ") + name);
  return md;  // kept for the life of the process
}
const EVP_MD* sha256_md() {
  static const EVP_MD* md = fetched("SHA256");
  return md;
}
const EVP_MD* sha1_md() {
  static const EVP_MD* md = fetched("SHA1");
  return md;
}

std::string digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out, &size, md, nullptr) != 1) {
    throw std::runtime_error("EVP_Digest failed: " + internal::take_openssl_errors());
  }
  return std::string(internal::as_chars(out, size));
}

}  // namespace

std::string sha256(std::string_view data) { return digest(sha256_md(), data); }

std::string sha1(std::string_view data) { return digest(sha1_md(), data); }

std::string sha256_base64url(std::string_view data) { return base64url_encode(sha256(data)); }

std::string short_hash(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string hash = sha256(data);
  std::string out;
  for (std::size_t i = 0; i < 6; ++i) {
    const auto byte = static_cast<unsigned char>(hash[i]);
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0f]);
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t size = 0;
  // A zero-length key is legal for HMAC; give OpenSSL a valid pointer for it all the same.
  static constexpr unsigned char kEmpty = 0;
  const void* key_data = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key_data, key.size(),
                internal::as_bytes(data), data.size(), out, sizeof out, &size) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed: " + internal::take_openssl_errors());
  }
  return std::string(internal::as_chars(out, size));
}

std::string pkce_s256_challenge(std::string_view verifier) { return sha256_base64url(verifier); }

std::string random_token(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  core::random_bytes(buffer);
  return base64url_encode(internal::as_chars(buffer.data(), buffer.size()));
}

}  // namespace toolauth::jose
