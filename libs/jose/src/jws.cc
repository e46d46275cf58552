#include "toolauth/jose/jws.h"

#include <openssl/rsa.h>

#include <array>

#include "key_access.h"
#include "ossl.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

using internal::KeyAccess;

constexpr std::size_t kEs256CoordinateBytes = 32;
constexpr int kPssSaltBytes = 32;  // RFC 7518 §3.5: the size of the SHA-256 output

// Sets PSS padding on a sign or verify context; the salt length is fixed, so a signature made
// with another salt length does not verify (no "auto" detection).
bool configure_pss(EVP_PKEY_CTX* ctx) {
  return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, kPssSaltBytes) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) == 1;
}

// DER ECDSA-Sig-Value → the fixed-size r||s JWS uses.
core::Result<std::string> der_to_raw_ecdsa(std::string_view der) {
  const unsigned char* cursor = internal::as_bytes(der);
  internal::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (!sig) return internal::openssl_error("d2i_ECDSA_SIG");
  std::string raw(2 * kEs256CoordinateBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, kEs256CoordinateBytes) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + kEs256CoordinateBytes,
                   kEs256CoordinateBytes) < 0) {
    return internal::openssl_error("ECDSA signature does not fit 64 bytes");
  }
  return raw;
}

// r||s → DER, for OpenSSL's verifier. Fails for anything but exactly 64 bytes.
std::optional<std::string> raw_to_der_ecdsa(std::string_view raw) {
  if (raw.size() != 2 * kEs256CoordinateBytes) return std::nullopt;
  const auto* bytes = internal::as_bytes(raw);
  internal::BignumPtr r(BN_bin2bn(bytes, kEs256CoordinateBytes, nullptr));
  internal::BignumPtr s(BN_bin2bn(bytes + kEs256CoordinateBytes, kEs256CoordinateBytes, nullptr));
  internal::EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  r.release();  // owned by sig now
  s.release();
  unsigned char* der = nullptr;
  const int size = i2d_ECDSA_SIG(sig.get(), &der);
  if (size <= 0) return std::nullopt;
  std::string out(internal::as_chars(der, static_cast<std::size_t>(size)));
  OPENSSL_free(der);
  return out;
}

core::Result<void> check_alg_fits(Alg alg, KeyType key_type) {
  if (alg == Alg::none) return core::Error{Errc::alg_none, "refusing to sign with alg none"};
  const auto wanted = key_type_for(alg);
  if (!wanted) return core::Error{Errc::alg_not_allowed, "no asymmetric key signs HS256"};
  if (*wanted != key_type) {
    return core::Error{
        Errc::key_alg_mismatch,
        std::string(to_string(key_type)) + " key cannot sign " + std::string(to_string(alg))};
  }
  return {};
}

}  // namespace

std::string_view to_string(Alg alg) {
  switch (alg) {
    case Alg::none:
      return "none";
    case Alg::HS256:
      return "HS256";
    case Alg::RS256:
      return "RS256";
    case Alg::PS256:
      return "PS256";
    case Alg::ES256:
      return "ES256";
  }
  return "unknown";
}

std::optional<Alg> parse_alg(std::string_view name) {
  for (Alg alg : {Alg::none, Alg::HS256, Alg::RS256, Alg::PS256, Alg::ES256}) {
    if (name == to_string(alg)) return alg;
  }
  return std::nullopt;
}

std::optional<KeyType> key_type_for(Alg alg) {
  switch (alg) {
    case Alg::RS256:
    case Alg::PS256:
      return KeyType::rsa;
    case Alg::ES256:
      return KeyType::ec_p256;
    case Alg::none:
    case Alg::HS256:
      break;
  }
  return std::nullopt;
}

core::Result<std::string> sign(Alg alg, const PrivateKey& key, std::string_view signing_input) {
  TOOLAUTH_RETURN_IF_ERROR(check_alg_fits(alg, key.type()));
  internal::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return internal::openssl_error("EVP_MD_CTX_new");
  // One-shot use: without FINALISE, OpenSSL duplicates the whole context in the final step so
  // that it could be used again.
  EVP_MD_CTX_set_flags(ctx.get(), EVP_MD_CTX_FLAG_FINALISE);
  EVP_PKEY_CTX* pkey_ctx = nullptr;  // owned by ctx
  if (EVP_DigestSignInit_ex(ctx.get(), &pkey_ctx, "SHA256", nullptr, nullptr, KeyAccess::pkey(key),
                            nullptr) != 1 ||
      (alg == Alg::PS256 && !configure_pss(pkey_ctx))) {
    return internal::openssl_error("EVP_DigestSignInit_ex");
  }
  // The largest signature the key makes: the modulus size, or a maximal DER ECDSA-Sig-Value.
  std::size_t size = static_cast<std::size_t>(EVP_PKEY_get_size(KeyAccess::pkey(key)));
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     internal::as_bytes(signing_input), signing_input.size()) != 1) {
    return internal::openssl_error("EVP_DigestSign");
  }
  signature.resize(size);
  if (alg == Alg::ES256) return der_to_raw_ecdsa(signature);
  return signature;
}

core::Result<std::string> sign_compact(Alg alg, const PrivateKey& key, nlohmann::json header,
                                       std::string_view payload) {
  if (!header.is_object()) {
    return core::Error{Errc::invalid_argument, "JWS header must be a JSON object"};
  }
  header["alg"] = std::string(to_string(alg));
  std::string header_json;
  try {
    header_json = header.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  } catch (const nlohmann::json::exception&) {
    return core::Error{Errc::invalid_argument, "JWS header holds a string that is not UTF-8"};
  }
  std::string token = base64url_encode(header_json);
  token += '.';
  token += base64url_encode(payload);
  TOOLAUTH_ASSIGN_OR_RETURN(const std::string signature, sign(alg, key, token));
  token += '.';
  token += base64url_encode(signature);
  return token;
}

bool verify_signature(Alg alg, const PublicKey& key, std::string_view signing_input,
                      std::string_view signature) {
  if (!check_alg_fits(alg, key.type()).ok()) return false;
  // RFC 8017 §8.2.2 step 1: an RSA signature is exactly as long as the modulus. OpenSSL would
  // also take one with its leading zero octets dropped: a second spelling of the same token.
  if (key.type() == KeyType::rsa &&
      signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(KeyAccess::pkey(key)))) {
    return false;
  }
  std::optional<std::string> der;
  if (alg == Alg::ES256) {
    der = raw_to_der_ecdsa(signature);
    if (!der) return false;
    signature = *der;
  }
  internal::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  EVP_MD_CTX_set_flags(ctx.get(), EVP_MD_CTX_FLAG_FINALISE);
  EVP_PKEY_CTX* pkey_ctx = nullptr;  // owned by ctx
  const bool ok = EVP_DigestVerifyInit_ex(ctx.get(), &pkey_ctx, "SHA256", nullptr, nullptr,
                                          KeyAccess::pkey(key), nullptr) == 1 &&
                  (alg != Alg::PS256 || configure_pss(pkey_ctx)) &&
                  EVP_DigestVerify(ctx.get(), internal::as_bytes(signature), signature.size(),
                                   internal::as_bytes(signing_input), signing_input.size()) == 1;
  // A bad signature leaves reasons in the error queue; they must not leak into later calls.
  if (!ok) ERR_clear_error();
  return ok;
}

}  // namespace toolauth::jose
