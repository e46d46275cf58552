#include "toolauth/jose/forge.h"

#include <gtest/gtest.h>

#include "test_common.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/claims.h"
#include "toolauth/jose/error.h"
#include "toolauth/jose/hash.h"
#include "toolauth/jose/jwt.h"

namespace toolauth::jose {
namespace {

using namespace std::chrono_literals;

class TokenForgeTest : public ::testing::Test {
 protected:
  static DecodedJwt decode(const core::Result<std::string>& token) {
    EXPECT_TRUE(token.ok()) << token.error().message();
    return decode_jwt(token.value()).value();
  }
  bool verifies_with_real_key(const DecodedJwt& jwt, Alg alg) const {
    return verify_signature(alg, forge_.key().public_key(), jwt.signing_input, jwt.signature);
  }

  core::ManualClock clock_;
  TokenForge forge_{testing::rsa_signing_key(), clock_};
  nlohmann::json claims_ =
      ClaimsBuilder().issuer("iss").audience("aud").valid_for(clock_, 1h).build();
};

TEST_F(TokenForgeTest, ValidIsAnHonestlySignedToken) {
  const DecodedJwt jwt = decode(forge_.valid(claims_));
  EXPECT_EQ(jwt.header,
            (nlohmann::json{{"typ", "JWT"}, {"alg", "RS256"}, {"kid", forge_.key().kid}}));
  EXPECT_EQ(jwt.payload, claims_);
  EXPECT_TRUE(verifies_with_real_key(jwt, Alg::RS256));
}

TEST_F(TokenForgeTest, AlgNoneHasAnEmptySignatureAndKeepsTheKid) {
  const auto token = forge_.alg_none(claims_, "nOnE");
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->back(), '.');
  const DecodedJwt jwt = decode(token);
  EXPECT_EQ(jwt.header["alg"], "nOnE");
  EXPECT_EQ(jwt.header["kid"], forge_.key().kid);
  EXPECT_TRUE(jwt.signature.empty());
}

TEST_F(TokenForgeTest, Hs256IsKeyedWithThePublicKeyPem) {
  const DecodedJwt jwt = decode(forge_.hs256_with_public_key(claims_));
  EXPECT_EQ(jwt.header["alg"], "HS256");
  EXPECT_EQ(jwt.header["kid"], forge_.key().kid);
  EXPECT_EQ(jwt.signature, hmac_sha256(forge_.key().public_key().to_pem(), jwt.signing_input));
}

TEST_F(TokenForgeTest, KidVariants) {
  const DecodedJwt unknown = decode(forge_.unknown_kid(claims_));
  EXPECT_NE(unknown.header["kid"], forge_.key().kid);
  EXPECT_TRUE(verifies_with_real_key(unknown, Alg::RS256));
  const DecodedJwt missing = decode(forge_.missing_kid(claims_));
  EXPECT_FALSE(missing.header.contains("kid"));
  EXPECT_TRUE(verifies_with_real_key(missing, Alg::RS256));
}

TEST_F(TokenForgeTest, MismatchedAlgUsesTheOtherKeyFamily) {
  const DecodedJwt jwt = decode(forge_.mismatched_alg_for_key(claims_));
  EXPECT_EQ(jwt.header["alg"], "ES256");
  EXPECT_EQ(jwt.header["kid"], forge_.key().kid);
  EXPECT_EQ(jwt.signature.size(), 64u);
}

TEST_F(TokenForgeTest, TimeVariantsMoveOnlyTheDates) {
  const std::int64_t now = clock_.unix_seconds();
  const DecodedJwt expired = decode(forge_.expired(claims_, 90s));
  EXPECT_EQ(expired.payload["exp"], now - 90);
  EXPECT_EQ(expired.payload["iat"], now - 90 - 3600);
  EXPECT_EQ(expired.payload["iss"], "iss");
  const DecodedJwt early = decode(forge_.not_yet_valid(claims_, 90s));
  EXPECT_EQ(early.payload["nbf"], now + 90);
  EXPECT_EQ(early.payload["iat"], now);
  EXPECT_GT(early.payload["exp"], now + 90);
  const DecodedJwt future = decode(forge_.issued_in_future(claims_, 90s));
  EXPECT_EQ(future.payload["iat"], now + 90);
  EXPECT_FALSE(future.payload.contains("nbf"));
}

TEST_F(TokenForgeTest, WrongAudienceAndIssuer) {
  EXPECT_EQ(decode(forge_.wrong_audience(claims_)).payload["aud"], kForgedAudience);
  EXPECT_EQ(decode(forge_.wrong_issuer(claims_)).payload["iss"], kForgedIssuer);
}

TEST_F(TokenForgeTest, BadSignatureDiffersInExactlyOneBit) {
  const DecodedJwt good = decode(forge_.valid(claims_));
  const DecodedJwt bad = decode(forge_.bad_signature(claims_));
  ASSERT_EQ(bad.signature.size(), good.signature.size());
  int differing_bits = 0;
  for (std::size_t i = 0; i < good.signature.size(); ++i) {
    differing_bits +=
        __builtin_popcount(static_cast<unsigned char>(good.signature[i] ^ bad.signature[i]));
  }
  EXPECT_EQ(differing_bits, 1);
}

TEST_F(TokenForgeTest, TruncatedSignatureIsHalfAsLong) {
  EXPECT_EQ(decode(forge_.truncated_signature(claims_)).signature.size(), 128u);
}

TEST_F(TokenForgeTest, OtherKeySignaturesDoNotVerifyWithTheRealKey) {
  const DecodedJwt other = decode(forge_.signed_by_other_key(claims_));
  EXPECT_EQ(other.header["kid"], forge_.key().kid);
  EXPECT_FALSE(verifies_with_real_key(other, Alg::RS256));
}

TEST_F(TokenForgeTest, EmbeddedJwkVerifiesOnlyWithTheEmbeddedKey) {
  const DecodedJwt jwt = decode(forge_.embedded_jwk(claims_));
  EXPECT_EQ(jwt.header["kid"], forge_.key().kid);
  const PublicKey embedded = PublicKey::from_jwk(jwt.header["jwk"]).value();
  EXPECT_TRUE(verify_signature(Alg::RS256, embedded, jwt.signing_input, jwt.signature));
  EXPECT_FALSE(verifies_with_real_key(jwt, Alg::RS256));
}

TEST_F(TokenForgeTest, CustomKeepsTheHeaderAsGiven) {
  const nlohmann::json header = {{"alg", "PS256"}, {"zip", "DEF"}};
  const DecodedJwt jwt = decode(forge_.custom(header, claims_, Alg::RS256));
  EXPECT_EQ(jwt.header, header);
  EXPECT_TRUE(verifies_with_real_key(jwt, Alg::RS256));
  EXPECT_EQ(forge_.custom(nlohmann::json::array(), claims_, Alg::RS256).code(),
            Errc::invalid_argument);
}

}  // namespace
}  // namespace toolauth::jose
