#include "toolauth/jose/key.h"

#include <gtest/gtest.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

#include "test_common.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

using testing::ec_key;
using testing::other_rsa_key;
using testing::rsa_key;

// RFC 7638 §3.1: the example RSA key and its thumbprint.
const nlohmann::json kRfc7638Jwk = {
    {"kty", "RSA"},
    {"n",
     "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
     "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
     "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQ"
     "Fh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"},
    {"e", "AQAB"},
    {"alg", "RS256"},
    {"kid", "2011-04-29"}};
constexpr std::string_view kRfc7638Thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

// RFC 7515 Appendix A.3: an EC P-256 public key.
const nlohmann::json kRfc7515EcJwk = {{"kty", "EC"},
                                      {"crv", "P-256"},
                                      {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
                                      {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}};

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// PEM of `pkey` in a form our own to_pem() never writes, optionally encrypted.
std::string encode_with_openssl(EVP_PKEY* pkey, int selection, const char* structure,
                                const char* cipher = nullptr) {
  OSSL_ENCODER_CTX* ctx = OSSL_ENCODER_CTX_new_for_pkey(pkey, selection, "PEM", structure, nullptr);
  EXPECT_NE(ctx, nullptr);
  if (cipher != nullptr) {
    EXPECT_EQ(OSSL_ENCODER_CTX_set_cipher(ctx, cipher, nullptr), 1);
    EXPECT_EQ(OSSL_ENCODER_CTX_set_passphrase(ctx, reinterpret_cast<const unsigned char*>("pw"), 2),
              1);
  }
  unsigned char* data = nullptr;
  std::size_t size = 0;
  EXPECT_EQ(OSSL_ENCODER_to_data(ctx, &data, &size), 1);
  std::string pem(reinterpret_cast<char*>(data), size);
  OPENSSL_free(data);
  OSSL_ENCODER_CTX_free(ctx);
  return pem;
}

TEST(PrivateKeyTest, GeneratesRsa2048) {
  const PrivateKey& key = rsa_key();
  EXPECT_EQ(key.type(), KeyType::rsa);
  EXPECT_EQ(key.bits(), 2048);
  EXPECT_EQ(key.public_key().type(), KeyType::rsa);
  EXPECT_EQ(key.public_key().to_jwk()["e"], "AQAB");
}

TEST(PrivateKeyTest, GeneratesEcP256) {
  const PrivateKey& key = ec_key();
  EXPECT_EQ(key.type(), KeyType::ec_p256);
  EXPECT_EQ(key.bits(), 256);
}

TEST(PrivateKeyTest, RefusesRsaKeysShorterThan2048Bits) {
  EXPECT_EQ(PrivateKey::generate_rsa(1024).code(), Errc::invalid_argument);
}

TEST(PrivateKeyTest, PemIsPkcs8AndRoundTrips) {
  for (const PrivateKey* key : {&rsa_key(), &ec_key()}) {
    const std::string pem = key->to_pem();
    EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u) << pem.substr(0, 40);
    const auto loaded = PrivateKey::from_pem(pem);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message();
    EXPECT_EQ(loaded->type(), key->type());
    EXPECT_EQ(loaded->public_key(), key->public_key());
  }
}

TEST(PrivateKeyTest, LoadsTraditionalPkcs1AndSec1Pem) {
  PkeyPtr rsa(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}));
  const std::string pkcs1 = encode_with_openssl(rsa.get(), EVP_PKEY_KEYPAIR, "type-specific");
  EXPECT_EQ(pkcs1.rfind("-----BEGIN RSA PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(PrivateKey::from_pem(pkcs1)->type(), KeyType::rsa);

  PkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  const std::string sec1 = encode_with_openssl(ec.get(), EVP_PKEY_KEYPAIR, "type-specific");
  EXPECT_EQ(sec1.rfind("-----BEGIN EC PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(PrivateKey::from_pem(sec1)->type(), KeyType::ec_p256);
}

TEST(PrivateKeyTest, RefusesEncryptedPemInsteadOfPrompting) {
  PkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  const std::string encrypted =
      encode_with_openssl(ec.get(), EVP_PKEY_KEYPAIR, "EncryptedPrivateKeyInfo", "AES-256-CBC");
  EXPECT_NE(encrypted.find("ENCRYPTED PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(PrivateKey::from_pem(encrypted).code(), Errc::invalid_key);
}

TEST(PrivateKeyTest, RefusesPublicKeyPemAndGarbage) {
  EXPECT_EQ(PrivateKey::from_pem(rsa_key().public_key().to_pem()).code(), Errc::invalid_key);
  EXPECT_EQ(PrivateKey::from_pem("not a key").code(), Errc::invalid_key);
  EXPECT_EQ(PrivateKey::from_pem("").code(), Errc::invalid_key);
}

TEST(PrivateKeyTest, RefusesUnsupportedCurvesAndShortRsaKeys) {
  PkeyPtr p384(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  EXPECT_EQ(
      PrivateKey::from_pem(encode_with_openssl(p384.get(), EVP_PKEY_KEYPAIR, "PrivateKeyInfo"))
          .code(),
      Errc::invalid_key);
  PkeyPtr rsa1024(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024}));
  const std::string pem = encode_with_openssl(rsa1024.get(), EVP_PKEY_KEYPAIR, "PrivateKeyInfo");
  EXPECT_EQ(PrivateKey::from_pem(pem).code(), Errc::invalid_key);
  PkeyPtr ed25519(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  EXPECT_EQ(
      PrivateKey::from_pem(encode_with_openssl(ed25519.get(), EVP_PKEY_KEYPAIR, "PrivateKeyInfo"))
          .code(),
      Errc::invalid_key);
}

TEST(PublicKeyTest, PemIsSubjectPublicKeyInfoAndRoundTrips) {
  for (const PrivateKey* key : {&rsa_key(), &ec_key()}) {
    const std::string pem = key->public_key().to_pem();
    EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
    const auto loaded = PublicKey::from_pem(pem);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message();
    EXPECT_EQ(*loaded, key->public_key());
    EXPECT_EQ(loaded->type(), key->type());
  }
}

TEST(PublicKeyTest, FromPemRefusesPrivateKeyPem) {
  EXPECT_EQ(PublicKey::from_pem(ec_key().to_pem()).code(), Errc::invalid_key);
}

TEST(PublicKeyTest, EqualityComparesKeyMaterial) {
  EXPECT_EQ(rsa_key().public_key(), rsa_key().public_key());
  EXPECT_FALSE(rsa_key().public_key() == other_rsa_key().public_key());
  EXPECT_FALSE(rsa_key().public_key() == ec_key().public_key());
}

TEST(PublicKeyTest, RsaJwkHasOnlyKtyNAndE) {
  const nlohmann::json jwk = rsa_key().public_key().to_jwk();
  EXPECT_EQ(jwk.size(), 3u);
  EXPECT_EQ(jwk["kty"], "RSA");
  EXPECT_EQ(base64url_decode(jwk["n"].get<std::string>())->size(), 256u);
  const auto back = PublicKey::from_jwk(jwk);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, rsa_key().public_key());
}

TEST(PublicKeyTest, EcJwkRoundTrips) {
  const nlohmann::json jwk = ec_key().public_key().to_jwk();
  EXPECT_EQ(jwk.size(), 4u);
  EXPECT_EQ(jwk["crv"], "P-256");
  EXPECT_EQ(jwk["x"].get<std::string>().size(), 43u);
  const auto back = PublicKey::from_jwk(jwk);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, ec_key().public_key());
}

TEST(PublicKeyTest, ThumbprintMatchesRfc7638Example) {
  const auto key = PublicKey::from_jwk(kRfc7638Jwk);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->rfc7638_thumbprint(), kRfc7638Thumbprint);
}

TEST(PublicKeyTest, LoadsRfc7515EcKey) {
  const auto key = PublicKey::from_jwk(kRfc7515EcJwk);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->type(), KeyType::ec_p256);
  EXPECT_EQ(key->to_jwk(), kRfc7515EcJwk);
}

TEST(PublicKeyTest, JwkRejectsEcPointNotOnTheCurve) {
  nlohmann::json jwk = kRfc7515EcJwk;
  jwk["y"] = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a4";
  EXPECT_EQ(PublicKey::from_jwk(jwk).code(), Errc::invalid_jwk);
}

TEST(PublicKeyTest, JwkRejectsShortEcCoordinatesAndOtherCurves) {
  nlohmann::json jwk = kRfc7515EcJwk;
  jwk["x"] = base64url_encode(base64url_decode(jwk["x"].get<std::string>())->substr(1));
  EXPECT_EQ(PublicKey::from_jwk(jwk).code(), Errc::invalid_jwk);
  jwk = kRfc7515EcJwk;
  jwk["crv"] = "P-384";
  EXPECT_EQ(PublicKey::from_jwk(jwk).code(), Errc::invalid_jwk);
  jwk.erase("crv");
  EXPECT_EQ(PublicKey::from_jwk(jwk).code(), Errc::invalid_jwk);
}

TEST(PublicKeyTest, JwkRejectsMissingOrWrongTypeMembers) {
  for (const char* member : {"kty", "n", "e"}) {
    nlohmann::json jwk = kRfc7638Jwk;
    jwk.erase(member);
    EXPECT_EQ(PublicKey::from_jwk(jwk).code(), Errc::invalid_jwk) << "without " << member;
    jwk = kRfc7638Jwk;
    jwk[member] = 65537;
    EXPECT_EQ(PublicKey::from_jwk(jwk).code(), Errc::invalid_jwk) << member << " as a number";
  }
  EXPECT_EQ(PublicKey::from_jwk(nlohmann::json::array()).code(), Errc::invalid_jwk);
  EXPECT_EQ(PublicKey::from_jwk({{"kty", "oct"}, {"k", "AAAA"}}).code(), Errc::invalid_jwk);
  EXPECT_EQ(PublicKey::from_jwk({{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "AAAA"}}).code(),
            Errc::invalid_jwk);
}

TEST(PublicKeyTest, JwkRejectsNonCanonicalBase64urlAndLeadingZeros) {
  nlohmann::json jwk = kRfc7638Jwk;
  jwk["e"] = "AQAB=";
  EXPECT_EQ(PublicKey::from_jwk(jwk).code(), Errc::invalid_jwk);
  jwk["e"] = "AAEAAQ";  // 0x00 0x01 0x00 0x01: 65537 with a leading zero octet
  EXPECT_EQ(PublicKey::from_jwk(jwk).code(), Errc::invalid_jwk);
}

TEST(PublicKeyTest, JwkRejectsPrivateMembers) {
  nlohmann::json jwk = kRfc7515EcJwk;
  jwk["d"] = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
  EXPECT_EQ(PublicKey::from_jwk(jwk).code(), Errc::invalid_jwk);
}

TEST(PublicKeyTest, JwkRejectsShortOrEvenRsaModulusAndBadExponent) {
  nlohmann::json jwk = kRfc7638Jwk;
  const std::string n = *base64url_decode(jwk["n"].get<std::string>());
  jwk["n"] = base64url_encode(n.substr(0, 128));  // 1024 bits
  EXPECT_EQ(PublicKey::from_jwk(jwk).code(), Errc::invalid_jwk);
  std::string even = n;
  even.back() = static_cast<char>(even.back() & ~1);
  jwk["n"] = base64url_encode(even);
  EXPECT_EQ(PublicKey::from_jwk(jwk).code(), Errc::invalid_jwk);
  jwk = kRfc7638Jwk;
  jwk["e"] = "AQ";  // e = 1
  EXPECT_EQ(PublicKey::from_jwk(jwk).code(), Errc::invalid_jwk);
  jwk["e"] = "AQAA";  // even
  EXPECT_EQ(PublicKey::from_jwk(jwk).code(), Errc::invalid_jwk);
}

TEST(PublicKeyTest, CopiesShareTheKeyAndStayValidAfterTheOriginalIsGone) {
  std::optional<PublicKey> copy;
  {
    const PrivateKey key = PrivateKey::generate_ec_p256().value();
    copy = key.public_key();
  }
  EXPECT_TRUE(PublicKey::from_jwk(copy->to_jwk()).ok());
}

}  // namespace
}  // namespace toolauth::jose
