#include "toolauth/jose/jws.h"

#include <gtest/gtest.h>

#include <string>

#include "test_common.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

using testing::ec_key;
using testing::other_rsa_key;
using testing::rsa_key;

// RFC 7515 Appendix A.2 (RS256) and A.3 (ES256): the published keys and signatures over the
// same signing input. Header {"alg":"RS256"} / {"alg":"ES256"}; payload
// {"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}.
constexpr std::string_view kRfcPayload =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
    "fQ";
const nlohmann::json kRfcRsaJwk = {
    {"kty", "RSA"},
    {"n",
     "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-"
     "4qPCJrcS2mJPMEzP1Pt0Bm4d4"
     "QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-"
     "bSf63kpaSHSXndS5z5rexMdb"
     "BYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-"
     "DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"},
    {"e", "AQAB"}};
constexpr std::string_view kRfcRs256Signature =
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_"
    "O8W2Fp5jujG"
    "bds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_"
    "nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K"
    "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-"
    "eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6"
    "LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
const nlohmann::json kRfcEcJwk = {{"kty", "EC"},
                                  {"crv", "P-256"},
                                  {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
                                  {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}};
constexpr std::string_view kRfcEs256Signature =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

std::string decode(std::string_view b64) { return base64url_decode(b64).value(); }

struct Split {
  std::string signing_input;
  std::string signature;
};
Split split(const std::string& token) {
  const auto last = token.rfind('.');
  return {token.substr(0, last), decode(token.substr(last + 1))};
}

TEST(JwsTest, AlgNamesAreExactAndCaseSensitive) {
  for (Alg alg : {Alg::none, Alg::HS256, Alg::RS256, Alg::PS256, Alg::ES256}) {
    EXPECT_EQ(parse_alg(to_string(alg)), alg);
  }
  EXPECT_EQ(parse_alg("rs256"), std::nullopt);
  EXPECT_EQ(parse_alg("None"), std::nullopt);
  EXPECT_EQ(parse_alg("RS512"), std::nullopt);
  EXPECT_EQ(parse_alg(""), std::nullopt);
  EXPECT_EQ(key_type_for(Alg::PS256), KeyType::rsa);
  EXPECT_EQ(key_type_for(Alg::ES256), KeyType::ec_p256);
  EXPECT_EQ(key_type_for(Alg::HS256), std::nullopt);
}

TEST(JwsTest, VerifiesRfc7515Rs256Example) {
  const PublicKey key = PublicKey::from_jwk(kRfcRsaJwk).value();
  const std::string input = "eyJhbGciOiJSUzI1NiJ9." + std::string(kRfcPayload);
  EXPECT_TRUE(verify_signature(Alg::RS256, key, input, decode(kRfcRs256Signature)));
  EXPECT_FALSE(verify_signature(Alg::PS256, key, input, decode(kRfcRs256Signature)));
}

TEST(JwsTest, VerifiesRfc7515Es256Example) {
  const PublicKey key = PublicKey::from_jwk(kRfcEcJwk).value();
  const std::string input = "eyJhbGciOiJFUzI1NiJ9." + std::string(kRfcPayload);
  EXPECT_TRUE(verify_signature(Alg::ES256, key, input, decode(kRfcEs256Signature)));
}

TEST(JwsTest, SignedTokensVerifyForEachAlgorithm) {
  struct Case {
    Alg alg;
    const PrivateKey& key;
    std::size_t signature_size;
  };
  for (const Case& c : {Case{Alg::RS256, rsa_key(), 256}, Case{Alg::PS256, rsa_key(), 256},
                        Case{Alg::ES256, ec_key(), 64}}) {
    const auto token = sign_compact(c.alg, c.key, {{"typ", "JWT"}}, R"({"sub":"alice"})");
    ASSERT_TRUE(token.ok()) << token.error().message();
    const Split parts = split(*token);
    EXPECT_EQ(parts.signature.size(), c.signature_size) << to_string(c.alg);
    EXPECT_TRUE(verify_signature(c.alg, c.key.public_key(), parts.signing_input, parts.signature))
        << to_string(c.alg);
    const auto header =
        nlohmann::json::parse(decode(parts.signing_input.substr(0, parts.signing_input.find('.'))));
    EXPECT_EQ(header, (nlohmann::json{{"alg", to_string(c.alg)}, {"typ", "JWT"}}));
  }
}

TEST(JwsTest, Rs256IsDeterministicAndPs256AndEs256AreRandomised) {
  const std::string input = "a.b";
  EXPECT_EQ(sign(Alg::RS256, rsa_key(), input).value(), sign(Alg::RS256, rsa_key(), input).value());
  EXPECT_NE(sign(Alg::PS256, rsa_key(), input).value(), sign(Alg::PS256, rsa_key(), input).value());
  EXPECT_NE(sign(Alg::ES256, ec_key(), input).value(), sign(Alg::ES256, ec_key(), input).value());
}

TEST(JwsTest, RejectsSignatureOfAnotherKeyOrAnotherInput) {
  const std::string signature = sign(Alg::RS256, rsa_key(), "a.b").value();
  EXPECT_FALSE(verify_signature(Alg::RS256, other_rsa_key().public_key(), "a.b", signature));
  EXPECT_FALSE(verify_signature(Alg::RS256, rsa_key().public_key(), "a.c", signature));
}

TEST(JwsTest, RejectsRs256SignatureCheckedAsPs256AndViceVersa) {
  const std::string rs = sign(Alg::RS256, rsa_key(), "a.b").value();
  const std::string ps = sign(Alg::PS256, rsa_key(), "a.b").value();
  EXPECT_FALSE(verify_signature(Alg::PS256, rsa_key().public_key(), "a.b", rs));
  EXPECT_FALSE(verify_signature(Alg::RS256, rsa_key().public_key(), "a.b", ps));
}

TEST(JwsTest, RejectsRsaSignatureWithExtraOrMissingOctets) {
  const std::string signature = sign(Alg::RS256, rsa_key(), "a.b").value();
  EXPECT_FALSE(verify_signature(Alg::RS256, rsa_key().public_key(), "a.b", '\0' + signature));
  EXPECT_FALSE(verify_signature(Alg::RS256, rsa_key().public_key(), "a.b", signature.substr(1)));
  EXPECT_FALSE(verify_signature(Alg::RS256, rsa_key().public_key(), "a.b", ""));
}

TEST(JwsTest, RejectsEs256SignaturesThatAreNotExactly64Bytes) {
  const std::string signature = sign(Alg::ES256, ec_key(), "a.b").value();
  ASSERT_TRUE(verify_signature(Alg::ES256, ec_key().public_key(), "a.b", signature));
  EXPECT_FALSE(verify_signature(Alg::ES256, ec_key().public_key(), "a.b", signature.substr(0, 63)));
  EXPECT_FALSE(verify_signature(Alg::ES256, ec_key().public_key(), "a.b", signature + '\0'));
  EXPECT_FALSE(verify_signature(Alg::ES256, ec_key().public_key(), "a.b", std::string(64, '\0')));
}

TEST(JwsTest, RejectsDerEncodedEs256Signature) {
  // What OpenSSL produces natively; JWS requires r||s. Build the DER from r||s by hand.
  const std::string raw = sign(Alg::ES256, ec_key(), "a.b").value();
  auto integer = [](std::string bytes) {
    while (bytes.size() > 1 && bytes[0] == '\0' && !(bytes[1] & 0x80)) bytes.erase(0, 1);
    if (bytes[0] & 0x80) bytes.insert(bytes.begin(), '\0');
    return std::string("\x02", 1) + static_cast<char>(bytes.size()) + bytes;
  };
  const std::string body = integer(raw.substr(0, 32)) + integer(raw.substr(32));
  const std::string der = std::string("\x30", 1) + static_cast<char>(body.size()) + body;
  EXPECT_FALSE(verify_signature(Alg::ES256, ec_key().public_key(), "a.b", der));
}

TEST(JwsTest, KeyTypeMustFitTheAlgorithm) {
  EXPECT_EQ(sign(Alg::ES256, rsa_key(), "a.b").code(), Errc::key_alg_mismatch);
  EXPECT_EQ(sign(Alg::RS256, ec_key(), "a.b").code(), Errc::key_alg_mismatch);
  EXPECT_EQ(sign(Alg::none, rsa_key(), "a.b").code(), Errc::alg_none);
  EXPECT_EQ(sign(Alg::HS256, rsa_key(), "a.b").code(), Errc::alg_not_allowed);
  const std::string es = sign(Alg::ES256, ec_key(), "a.b").value();
  EXPECT_FALSE(verify_signature(Alg::RS256, ec_key().public_key(), "a.b", es));
  EXPECT_FALSE(verify_signature(Alg::none, ec_key().public_key(), "a.b", ""));
  EXPECT_FALSE(verify_signature(Alg::HS256, rsa_key().public_key(), "a.b", std::string(32, 'x')));
}

TEST(JwsTest, SignCompactRefusesHeadersThatAreNotObjectsOrNotUtf8) {
  EXPECT_EQ(sign_compact(Alg::ES256, ec_key(), nlohmann::json::array(), "{}").code(),
            Errc::invalid_argument);
  EXPECT_EQ(sign_compact(Alg::ES256, ec_key(), {{"kid", "\xff"}}, "{}").code(),
            Errc::invalid_argument);
}

TEST(JwsTest, SignCompactOverridesACallerSuppliedAlg) {
  const std::string token = sign_compact(Alg::ES256, ec_key(), {{"alg", "none"}}, "{}").value();
  EXPECT_EQ(nlohmann::json::parse(decode(token.substr(0, token.find('.'))))["alg"], "ES256");
}

}  // namespace
}  // namespace toolauth::jose
