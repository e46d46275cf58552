#include "toolauth/jose/jwt.h"

#include <gtest/gtest.h>

#include <string>

#include "test_common.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

std::string b64(std::string_view json) { return base64url_encode(json); }

// An unsigned token from raw header and payload text.
std::string token(std::string_view header, std::string_view payload, std::string_view sig = "") {
  return b64(header) + "." + b64(payload) + "." + b64(sig);
}

TEST(JwtTest, DecodesHeaderPayloadAndSignature) {
  const std::string signed_token =
      testing::rsa_signing_key().sign({{"sub", "alice"}, {"n", 1}}).value();
  const auto decoded = decode_jwt(signed_token);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message();
  EXPECT_EQ(decoded->header["alg"], "RS256");
  EXPECT_EQ(decoded->payload, (nlohmann::json{{"sub", "alice"}, {"n", 1}}));
  EXPECT_EQ(decoded->signing_input, signed_token.substr(0, signed_token.rfind('.')));
  EXPECT_EQ(decoded->signature.size(), 256u);
}

TEST(JwtTest, AcceptsAnEmptySignatureSegment) {
  const auto decoded = decode_jwt(token(R"({"alg":"none"})", "{}"));
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->signature.empty());
}

TEST(JwtTest, RejectsWrongSegmentCounts) {
  const std::string good = token(R"({"alg":"RS256"})", "{}", "sig");
  for (const std::string& bad :
       {std::string(""), std::string("abc"), good.substr(0, good.rfind('.')), good + ".",
        good + ".x.y", std::string("..")}) {
    EXPECT_EQ(decode_jwt(bad).code(), bad == ".." ? Errc::malformed_json : Errc::malformed_token)
        << bad;
  }
}

TEST(JwtTest, RejectsJweCompactSerialization) {
  EXPECT_EQ(decode_jwt(token(R"({"alg":"RSA-OAEP","enc":"A256GCM"})", "") + ".iv.ct.tag").code(),
            Errc::malformed_token);
}

TEST(JwtTest, RejectsTokensOverTheSizeLimit) {
  const std::string prefix = b64(R"({"alg":"none"})") + ".";
  // Pad a claim until the token is exactly kMaxTokenBytes long.
  std::string filler;
  std::string exact;
  while (true) {
    exact = prefix + b64(R"({"x":")" + filler + R"("})") + ".";
    if (exact.size() >= kMaxTokenBytes) break;
    filler += 'a';
  }
  while (exact.size() > kMaxTokenBytes) {
    filler.pop_back();
    exact = prefix + b64(R"({"x":")" + filler + R"("})") + ".";
  }
  if (exact.size() < kMaxTokenBytes) GTEST_SKIP() << "no filler hits the limit exactly";
  EXPECT_TRUE(decode_jwt(exact).ok());
  EXPECT_EQ(decode_jwt(exact + "A").code(), Errc::malformed_token);
}

TEST(JwtTest, RejectsPaddedOrStandardBase64Segments) {
  EXPECT_EQ(decode_jwt(b64(R"({"alg":"none"})") + "=." + b64("{}") + ".").code(),
            Errc::invalid_base64url);
  EXPECT_EQ(decode_jwt(token(R"({"alg":"none"})", "{}") + "a+b/").code(), Errc::invalid_base64url);
  EXPECT_EQ(decode_jwt(" " + token(R"({"alg":"none"})", "{}")).code(), Errc::invalid_base64url);
}

TEST(JwtTest, RejectsHeaderOrPayloadThatIsNotAJsonObject) {
  EXPECT_EQ(decode_jwt(token("not json", "{}")).code(), Errc::malformed_json);
  EXPECT_EQ(decode_jwt(token(R"(["alg"])", "{}")).code(), Errc::malformed_json);
  EXPECT_EQ(decode_jwt(token(R"({"alg":"none"})", "null")).code(), Errc::malformed_json);
  EXPECT_EQ(decode_jwt(token(R"({"alg":"none"})", "\"text\"")).code(), Errc::malformed_json);
  EXPECT_EQ(decode_jwt(token(R"({"alg":"none"})", R"({"a":1} trailing)")).code(),
            Errc::malformed_json);
}

TEST(JwtTest, RejectsDuplicateHeaderMembers) {
  // Two parsers must never disagree about which `alg` counts.
  EXPECT_EQ(decode_jwt(token(R"({"alg":"RS256","alg":"none"})", "{}")).code(),
            Errc::malformed_json);
  EXPECT_EQ(decode_jwt(token(R"({"alg":"RS256"})", R"({"sub":"a","sub":"b"})")).code(),
            Errc::malformed_json);
}

TEST(JwtTest, RejectsDeeplyNestedClaims) {
  const std::string deep = R"({"a":)" + std::string(40, '[') + std::string(40, ']') + "}";
  EXPECT_EQ(decode_jwt(token(R"({"alg":"none"})", deep)).code(), Errc::malformed_json);
}

TEST(JwtTest, ErrorDetailsNeverQuoteTheToken) {
  const std::string secret_payload = R"({"secret":"hunter2-very-secret"} garbage)";
  const auto result = decode_jwt(token(R"({"alg":"none"})", secret_payload));
  ASSERT_EQ(result.code(), Errc::malformed_json);
  EXPECT_EQ(result.error().detail.find("hunter2"), std::string::npos) << result.error().detail;
  EXPECT_EQ(result.error().detail.find(b64(secret_payload).substr(0, 10)), std::string::npos);
}

}  // namespace
}  // namespace toolauth::jose
