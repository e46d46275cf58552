#include "toolauth/jose/signing_key.h"

#include <gtest/gtest.h>

#include "test_common.h"
#include "toolauth/jose/error.h"
#include "toolauth/jose/jwt.h"

namespace toolauth::jose {
namespace {

using namespace std::chrono_literals;
using testing::rsa_signing_key;

TEST(SigningKeyTest, GeneratedRsaKeyHasSelfSignedCertificateAndEntraStyleKid) {
  core::ManualClock clock;
  const auto key = SigningKey::generate_rsa(clock);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->alg, Alg::RS256);
  EXPECT_EQ(key->key.type(), KeyType::rsa);
  EXPECT_EQ(key->key.bits(), 2048);
  EXPECT_EQ(key->kid, key->certificate.x5t());
  EXPECT_EQ(key->public_key(), key->key.public_key());
  EXPECT_EQ(key->certificate.subject_common_name(), kDefaultSigningCertificateName);
  EXPECT_EQ(key->certificate.not_after(), clock.now() + kDefaultSigningCertificateValidity);
}

TEST(SigningKeyTest, GeneratedEcKeySignsEs256) {
  core::ManualClock clock;
  const auto key = SigningKey::generate_ec_p256(clock, "ec signer", 24h);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->alg, Alg::ES256);
  const auto decoded = decode_jwt(key->sign({{"a", 1}}).value());
  EXPECT_EQ(decoded->header["alg"], "ES256");
  EXPECT_EQ(decoded->signature.size(), 64u);
}

TEST(SigningKeyTest, SignsWithTypAlgKidHeader) {
  const auto token = rsa_signing_key().sign({{"sub", "alice"}});
  ASSERT_TRUE(token.ok()) << token.error().message();
  const auto decoded = decode_jwt(*token).value();
  EXPECT_EQ(decoded.header,
            (nlohmann::json{{"typ", "JWT"}, {"alg", "RS256"}, {"kid", rsa_signing_key().kid}}));
  EXPECT_TRUE(verify_signature(Alg::RS256, rsa_signing_key().public_key(), decoded.signing_input,
                               decoded.signature));
}

TEST(SigningKeyTest, V1StyleTokensAlsoCarryX5t) {
  const auto decoded =
      decode_jwt(rsa_signing_key().sign(nlohmann::json::object(), {.include_x5t = true}).value());
  EXPECT_EQ(decoded->header["x5t"], rsa_signing_key().kid);
}

TEST(SigningKeyTest, ExtraHeaderMayChangeTypButNotTheKeyMembers) {
  const auto decoded = decode_jwt(
      rsa_signing_key()
          .sign(nlohmann::json::object(), {.extra_header = {{"typ", "at+jwt"}, {"nonce", "n"}}})
          .value());
  EXPECT_EQ(decoded->header["typ"], "at+jwt");
  EXPECT_EQ(decoded->header["nonce"], "n");
  for (const char* member : {"alg", "kid", "x5t"}) {
    EXPECT_EQ(
        rsa_signing_key().sign(nlohmann::json::object(), {.extra_header = {{member, "x"}}}).code(),
        Errc::invalid_argument)
        << member;
  }
}

TEST(SigningKeyTest, RefusesPayloadsThatAreNotUtf8Objects) {
  EXPECT_EQ(rsa_signing_key().sign(nlohmann::json::array()).code(), Errc::invalid_argument);
  EXPECT_EQ(rsa_signing_key().sign({{"name", "\xc3"}}).code(), Errc::invalid_argument);
}

TEST(SigningKeyTest, FromChecksKeyCertificateAndAlgorithm) {
  const SigningKey& good = rsa_signing_key();
  EXPECT_EQ(SigningKey::from(good.key, good.certificate, Alg::ES256).code(),
            Errc::key_alg_mismatch);
  EXPECT_EQ(SigningKey::from(good.key, good.certificate, Alg::none).code(), Errc::alg_none);
  EXPECT_EQ(SigningKey::from(good.key, good.certificate, Alg::HS256).code(), Errc::alg_not_allowed);
  EXPECT_EQ(SigningKey::from(testing::other_rsa_key(), good.certificate, Alg::RS256).code(),
            Errc::invalid_key);
  const auto ps = SigningKey::from(good.key, good.certificate, Alg::PS256);
  ASSERT_TRUE(ps.ok());
  EXPECT_EQ(decode_jwt(ps->sign(nlohmann::json::object()).value())->header["alg"], "PS256");
}

}  // namespace
}  // namespace toolauth::jose
