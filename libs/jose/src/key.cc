#include "toolauth/jose/key.h"

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>

#include <array>
#include <cstring>
#include <stdexcept>

#include "key_access.h"
#include "ossl.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/error.h"
#include "toolauth/jose/hash.h"

namespace toolauth::jose {

struct PublicKey::Impl {
  internal::EvpPkeyPtr pkey;
  KeyType type;
};

struct PrivateKey::Impl {
  internal::EvpPkeyPtr pkey;
  KeyType type;
  PublicKey public_key;
};

namespace internal {
namespace {

constexpr int kMaxRsaBits = 16384;
constexpr std::size_t kP256CoordinateBytes = 32;

// The curve name OpenSSL reports for P-256; anything else (including explicit parameters,
// which have no name) is refused.
constexpr std::string_view kP256GroupName = "prime256v1";

// Public-key sanity for RSA beyond what decoding checks: a modulus of supported size that is
// odd, and an odd exponent 1 < e < n. (EVP_PKEY_public_check would also run Miller-Rabin on n
// and refuse e < 2^16; too slow per JWKS fetch and stricter than any issuer requires.)
core::Result<void> check_rsa_public(EVP_PKEY* pkey, Errc code) {
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
      EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
    BN_free(n);
    return openssl_error("RSA key without modulus or exponent", code);
  }
  BignumPtr n_owner(n), e_owner(e);
  const int bits = BN_num_bits(n);
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return core::Error{code, "RSA modulus of " + std::to_string(bits) + " bits (need " +
                                 std::to_string(kMinRsaBits) + " to " +
                                 std::to_string(kMaxRsaBits) + ")"};
  }
  if (!BN_is_odd(n)) return core::Error{code, "RSA modulus is even"};
  if (!BN_is_odd(e) || BN_is_one(e) || BN_cmp(e, n) >= 0) {
    return core::Error{code, "RSA public exponent out of range"};
  }
  return {};
}

core::Result<void> check_ec_public(EVP_PKEY* pkey, Errc code) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!ctx) return openssl_error("EVP_PKEY_CTX_new_from_pkey", code);
  if (EVP_PKEY_public_check(ctx.get()) != 1) {
    return openssl_error("EC public key is not a valid point of P-256", code);
  }
  return {};
}

std::string encode_pem(EVP_PKEY* pkey, int selection, const char* structure) {
  using EncoderCtxPtr = std::unique_ptr<OSSL_ENCODER_CTX, Deleter<OSSL_ENCODER_CTX_free>>;
  EncoderCtxPtr ctx(
      OSSL_ENCODER_CTX_new_for_pkey(pkey, selection, "PEM", structure, /*propquery=*/nullptr));
  unsigned char* data = nullptr;
  std::size_t size = 0;
  if (!ctx || OSSL_ENCODER_CTX_get_num_encoders(ctx.get()) == 0 ||
      OSSL_ENCODER_to_data(ctx.get(), &data, &size) != 1) {
    throw std::runtime_error("PEM encoding failed: " + take_openssl_errors());
  }
  std::string pem(as_chars(data, size));
  OPENSSL_free(data);
  return pem;
}

// Refuses encrypted PEM instead of letting OpenSSL prompt on a terminal.
int refuse_passphrase(char*, std::size_t, std::size_t*, const OSSL_PARAM*, void*) { return 0; }

core::Result<EvpPkeyPtr> decode_pem(std::string_view pem, const char* structure, int selection) {
  using DecoderCtxPtr = std::unique_ptr<OSSL_DECODER_CTX, Deleter<OSSL_DECODER_CTX_free>>;
  EVP_PKEY* pkey = nullptr;
  DecoderCtxPtr ctx(OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", structure, /*keytype=*/nullptr,
                                                  selection, nullptr, nullptr));
  if (!ctx) return openssl_error("OSSL_DECODER_CTX_new_for_pkey", Errc::invalid_key);
  OSSL_DECODER_CTX_set_passphrase_cb(ctx.get(), refuse_passphrase, nullptr);
  const auto* data = as_bytes(pem);
  std::size_t size = pem.size();
  if (OSSL_DECODER_from_data(ctx.get(), &data, &size) != 1 || pkey == nullptr) {
    EVP_PKEY_free(pkey);
    return openssl_error("not a PEM key of a supported type", Errc::invalid_key);
  }
  return EvpPkeyPtr(pkey);
}

bool has_bn_param(EVP_PKEY* pkey, const char* name) {
  BIGNUM* value = nullptr;
  const bool present = EVP_PKEY_get_bn_param(pkey, name, &value) == 1;
  BN_clear_free(value);
  ERR_clear_error();
  return present;
}

// The public half of `pkey` as a key of its own, so a PublicKey never holds private material.
core::Result<EvpPkeyPtr> public_half(EVP_PKEY* pkey) {
  OSSL_PARAM* params = nullptr;
  if (EVP_PKEY_todata(pkey, EVP_PKEY_PUBLIC_KEY, &params) != 1) {
    return openssl_error("EVP_PKEY_todata");
  }
  OsslParamPtr params_owner(params);
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  EVP_PKEY* out = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    return openssl_error("EVP_PKEY_fromdata");
  }
  return EvpPkeyPtr(out);
}

core::Result<PrivateKey> make_private(EvpPkeyPtr pkey, Errc code) {
  TOOLAUTH_ASSIGN_OR_RETURN(const KeyType type, KeyAccess::classify(pkey.get(), code));
  return KeyAccess::wrap_private(std::move(pkey), type);
}

// Decodes a base64url JWK member that must be present and a string.
core::Result<std::string> jwk_bytes(const nlohmann::json& jwk, const char* name) {
  const auto it = jwk.find(name);
  if (it == jwk.end())
    return core::Error{Errc::invalid_jwk, std::string("missing \"") + name + '"'};
  if (!it->is_string()) {
    return core::Error{Errc::invalid_jwk, std::string("\"") + name + "\" is not a string"};
  }
  auto bytes = base64url_decode(it->get_ref<const std::string&>());
  if (!bytes.ok()) {
    return core::Error{Errc::invalid_jwk,
                       std::string("\"") + name + "\": " + bytes.error().message()};
  }
  if (bytes->empty())
    return core::Error{Errc::invalid_jwk, std::string("\"") + name + "\" is empty"};
  return bytes;
}

core::Result<EvpPkeyPtr> key_from_params(const char* type, OSSL_PARAM_BLD* builder) {
  OsslParamPtr params(OSSL_PARAM_BLD_to_param(builder));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return openssl_error("JWK does not describe a valid key", Errc::invalid_jwk);
  }
  return EvpPkeyPtr(pkey);
}

core::Result<EvpPkeyPtr> rsa_from_jwk(const nlohmann::json& jwk) {
  TOOLAUTH_ASSIGN_OR_RETURN(const std::string n, jwk_bytes(jwk, "n"));
  TOOLAUTH_ASSIGN_OR_RETURN(const std::string e, jwk_bytes(jwk, "e"));
  // RFC 7518 §6.3.1: minimal octet sequences; a leading zero is a second spelling of the key.
  if (n.front() == '\0' || e.front() == '\0') {
    return core::Error{Errc::invalid_jwk, "RSA \"n\" or \"e\" has a leading zero octet"};
  }
  BignumPtr bn_n(BN_bin2bn(as_bytes(n), static_cast<int>(n.size()), nullptr));
  BignumPtr bn_e(BN_bin2bn(as_bytes(e), static_cast<int>(e.size()), nullptr));
  OsslParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !builder ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return openssl_error("building RSA parameters");
  }
  return key_from_params("RSA", builder.get());
}

core::Result<EvpPkeyPtr> ec_from_jwk(const nlohmann::json& jwk) {
  const auto crv = jwk.find("crv");
  if (crv == jwk.end() || !crv->is_string()) {
    return core::Error{Errc::invalid_jwk, "missing or non-string \"crv\""};
  }
  if (*crv != "P-256") return core::Error{Errc::invalid_jwk, "unsupported curve"};
  TOOLAUTH_ASSIGN_OR_RETURN(const std::string x, jwk_bytes(jwk, "x"));
  TOOLAUTH_ASSIGN_OR_RETURN(const std::string y, jwk_bytes(jwk, "y"));
  // RFC 7518 §6.2.1.2: coordinates are exactly the size of the field, leading zeros included.
  if (x.size() != kP256CoordinateBytes || y.size() != kP256CoordinateBytes) {
    return core::Error{Errc::invalid_jwk, "P-256 coordinates must be 32 bytes"};
  }
  std::string point = "\x04" + x + y;  // SEC 1 uncompressed point
  OsslParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                      kP256GroupName.data(), 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return openssl_error("building EC parameters");
  }
  return key_from_params("EC", builder.get());
}

std::string bn_bytes(EVP_PKEY* pkey, const char* name, int pad_to = 0) {
  BIGNUM* value = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &value) != 1) {
    throw std::runtime_error(std::string("reading key parameter ") + name + ": " +
                             take_openssl_errors());
  }
  BignumPtr owner(value);
  std::string out(
      pad_to > 0 ? static_cast<std::size_t>(pad_to) : static_cast<std::size_t>(BN_num_bytes(value)),
      '\0');
  auto* data = reinterpret_cast<unsigned char*>(out.data());
  if (pad_to > 0) {
    BN_bn2binpad(value, data, pad_to);
  } else {
    BN_bn2bin(value, data);
  }
  return out;
}

}  // namespace

EVP_PKEY* KeyAccess::pkey(const PublicKey& key) { return key.impl_->pkey.get(); }
EVP_PKEY* KeyAccess::pkey(const PrivateKey& key) { return key.impl_->pkey.get(); }

PublicKey KeyAccess::wrap_public(EvpPkeyPtr pkey, KeyType type) {
  return PublicKey(std::make_shared<const PublicKey::Impl>(
      PublicKey::Impl{.pkey = std::move(pkey), .type = type}));
}

core::Result<PrivateKey> KeyAccess::wrap_private(EvpPkeyPtr pkey, KeyType type) {
  TOOLAUTH_ASSIGN_OR_RETURN(auto half, public_half(pkey.get()));
  PublicKey public_key = wrap_public(std::move(half), type);
  return PrivateKey(std::make_shared<const PrivateKey::Impl>(PrivateKey::Impl{
      .pkey = std::move(pkey), .type = type, .public_key = std::move(public_key)}));
}

core::Result<KeyType> KeyAccess::classify(EVP_PKEY* pkey, Errc code) {
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    TOOLAUTH_RETURN_IF_ERROR(check_rsa_public(pkey, code));
    return KeyType::rsa;
  }
  if (EVP_PKEY_is_a(pkey, "EC")) {
    std::array<char, 64> group{};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(),
                                       &length) != 1 ||
        std::string_view(group.data(), length) != kP256GroupName) {
      ERR_clear_error();
      return core::Error{code, "EC key on a curve other than P-256"};
    }
    TOOLAUTH_RETURN_IF_ERROR(check_ec_public(pkey, code));
    return KeyType::ec_p256;
  }
  return core::Error{code, std::string("unsupported key type ") + EVP_PKEY_get0_type_name(pkey)};
}

}  // namespace internal

using internal::KeyAccess;

std::string_view to_string(KeyType type) {
  switch (type) {
    case KeyType::rsa:
      return "RSA";
    case KeyType::ec_p256:
      return "EC P-256";
  }
  return "unknown";
}

core::Result<PublicKey> PublicKey::from_pem(std::string_view pem) {
  TOOLAUTH_ASSIGN_OR_RETURN(auto pkey,
                            internal::decode_pem(pem, "SubjectPublicKeyInfo", EVP_PKEY_PUBLIC_KEY));
  TOOLAUTH_ASSIGN_OR_RETURN(const KeyType type, KeyAccess::classify(pkey.get()));
  return KeyAccess::wrap_public(std::move(pkey), type);
}

core::Result<PublicKey> PublicKey::from_jwk(const nlohmann::json& jwk) {
  if (!jwk.is_object()) return core::Error{Errc::invalid_jwk, "JWK is not an object"};
  for (const char* member : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}) {
    if (jwk.contains(member)) {
      return core::Error{Errc::invalid_jwk,
                         std::string("public JWK carries private member \"") + member + '"'};
    }
  }
  const auto kty = jwk.find("kty");
  if (kty == jwk.end() || !kty->is_string()) {
    return core::Error{Errc::invalid_jwk, "missing or non-string \"kty\""};
  }
  core::Result<internal::EvpPkeyPtr> pkey = core::Error{Errc::invalid_jwk, "unsupported \"kty\""};
  if (*kty == "RSA") {
    pkey = internal::rsa_from_jwk(jwk);
  } else if (*kty == "EC") {
    pkey = internal::ec_from_jwk(jwk);
  }
  if (!pkey.ok()) return pkey.error();
  TOOLAUTH_ASSIGN_OR_RETURN(const KeyType type,
                            KeyAccess::classify(pkey->get(), Errc::invalid_jwk));
  return KeyAccess::wrap_public(std::move(pkey).value(), type);
}

std::string PublicKey::to_pem() const {
  return internal::encode_pem(impl_->pkey.get(), EVP_PKEY_PUBLIC_KEY, "SubjectPublicKeyInfo");
}

nlohmann::json PublicKey::to_jwk() const {
  EVP_PKEY* pkey = impl_->pkey.get();
  if (impl_->type == KeyType::rsa) {
    return {{"kty", "RSA"},
            {"n", base64url_encode(internal::bn_bytes(pkey, OSSL_PKEY_PARAM_RSA_N))},
            {"e", base64url_encode(internal::bn_bytes(pkey, OSSL_PKEY_PARAM_RSA_E))}};
  }
  constexpr int kCoordinate = static_cast<int>(internal::kP256CoordinateBytes);
  return {{"kty", "EC"},
          {"crv", "P-256"},
          {"x", base64url_encode(internal::bn_bytes(pkey, OSSL_PKEY_PARAM_EC_PUB_X, kCoordinate))},
          {"y", base64url_encode(internal::bn_bytes(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, kCoordinate))}};
}

std::string PublicKey::rfc7638_thumbprint() const {
  // nlohmann::json keeps object members sorted and dump() adds no whitespace: exactly the
  // canonical form RFC 7638 §3 asks for, since to_jwk() holds only the required members.
  return sha256_base64url(to_jwk().dump());
}

KeyType PublicKey::type() const { return impl_->type; }

int PublicKey::bits() const { return EVP_PKEY_get_bits(impl_->pkey.get()); }

bool operator==(const PublicKey& a, const PublicKey& b) {
  return a.impl_ == b.impl_ || EVP_PKEY_eq(a.impl_->pkey.get(), b.impl_->pkey.get()) == 1;
}

core::Result<PrivateKey> PrivateKey::generate_rsa(int bits) {
  if (bits < kMinRsaBits || bits > internal::kMaxRsaBits) {
    return core::Error{Errc::invalid_argument, "RSA key size " + std::to_string(bits)};
  }
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits));
  if (pkey == nullptr) return internal::openssl_error("RSA key generation");
  return internal::make_private(internal::EvpPkeyPtr(pkey), Errc::crypto_error);
}

core::Result<PrivateKey> PrivateKey::generate_ec_p256() {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (pkey == nullptr) return internal::openssl_error("EC key generation");
  return internal::make_private(internal::EvpPkeyPtr(pkey), Errc::crypto_error);
}

core::Result<PrivateKey> PrivateKey::generate(KeyType type) {
  return type == KeyType::rsa ? generate_rsa() : generate_ec_p256();
}

core::Result<PrivateKey> PrivateKey::from_pem(std::string_view pem) {
  TOOLAUTH_ASSIGN_OR_RETURN(auto pkey, internal::decode_pem(pem, nullptr, EVP_PKEY_KEYPAIR));
  const char* secret =
      EVP_PKEY_is_a(pkey.get(), "RSA") ? OSSL_PKEY_PARAM_RSA_D : OSSL_PKEY_PARAM_PRIV_KEY;
  if (!internal::has_bn_param(pkey.get(), secret)) {
    return core::Error{Errc::invalid_key, "PEM holds no private key"};
  }
  return internal::make_private(std::move(pkey), Errc::invalid_key);
}

std::string PrivateKey::to_pem() const {
  return internal::encode_pem(impl_->pkey.get(), EVP_PKEY_KEYPAIR, "PrivateKeyInfo");
}

PublicKey PrivateKey::public_key() const { return impl_->public_key; }

KeyType PrivateKey::type() const { return impl_->type; }

int PrivateKey::bits() const { return EVP_PKEY_get_bits(impl_->pkey.get()); }

}  // namespace toolauth::jose
