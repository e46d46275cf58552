#include "toolauth/jose/base64url.h"

#include <gtest/gtest.h>

#include <string>

#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

// RFC 4648 §10 test vectors.
struct Vector {
  std::string_view bytes;
  std::string_view base64;
};
constexpr Vector kRfc4648Vectors[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(Base64UrlTest, EncodesRfc4648VectorsWithoutPadding) {
  for (const auto& v : kRfc4648Vectors) {
    std::string expected(v.base64);
    expected.erase(expected.find_last_not_of('=') + 1);
    EXPECT_EQ(base64url_encode(v.bytes), expected);
    EXPECT_EQ(base64url_decode(expected).value(), v.bytes);
  }
}

TEST(Base64UrlTest, UsesTheUrlSafeAlphabet) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(base64url_encode(bytes), "-_-_");
  EXPECT_EQ(base64url_decode("-_-_").value(), bytes);
}

TEST(Base64UrlTest, RoundTripsEveryByteValueAndLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
    const auto decoded = base64url_decode(base64url_encode(bytes));
    ASSERT_TRUE(decoded.ok()) << i;
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(Base64UrlTest, RejectsPadding) {
  EXPECT_EQ(base64url_decode("Zg==").code(), Errc::invalid_base64url);
  EXPECT_EQ(base64url_decode("Zm8=").code(), Errc::invalid_base64url);
}

TEST(Base64UrlTest, RejectsStandardAlphabetCharacters) {
  EXPECT_EQ(base64url_decode("+/+/").code(), Errc::invalid_base64url);
}

TEST(Base64UrlTest, RejectsWhitespaceAndControlCharacters) {
  EXPECT_EQ(base64url_decode("Zm9v Zm9v").code(), Errc::invalid_base64url);
  EXPECT_EQ(base64url_decode("Zm9v\n").code(), Errc::invalid_base64url);
  EXPECT_EQ(base64url_decode(std::string_view("Zm\0v", 4)).code(), Errc::invalid_base64url);
}

TEST(Base64UrlTest, RejectsLengthOneModFour) {
  EXPECT_EQ(base64url_decode("A").code(), Errc::invalid_base64url);
  EXPECT_EQ(base64url_decode("Zm9vY").code(), Errc::invalid_base64url);
}

TEST(Base64UrlTest, RejectsNonCanonicalTrailingBits) {
  // "Zg" is the canonical encoding of "f"; "Zh" decodes to the same byte with a stray bit.
  EXPECT_TRUE(base64url_decode("Zg").ok());
  EXPECT_EQ(base64url_decode("Zh").code(), Errc::invalid_base64url);
  EXPECT_TRUE(base64url_decode("Zm8").ok());
  EXPECT_EQ(base64url_decode("Zm9").code(), Errc::invalid_base64url);
}

TEST(Base64UrlTest, ErrorDetailDoesNotEchoTheInput) {
  const auto result = base64url_decode("secret-value!");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().detail.find("secret"), std::string::npos);
}

TEST(Base64Test, EncodesAndDecodesRfc4648Vectors) {
  for (const auto& v : kRfc4648Vectors) {
    EXPECT_EQ(base64_encode(v.bytes), v.base64);
    EXPECT_EQ(base64_decode(v.base64).value(), v.bytes);
  }
  EXPECT_EQ(base64_encode("\xfb\xff\xbf"), "+/+/");
}

TEST(Base64Test, RequiresPadding) {
  EXPECT_EQ(base64_decode("Zg").code(), Errc::invalid_base64);
  EXPECT_EQ(base64_decode("Zm8").code(), Errc::invalid_base64);
}

TEST(Base64Test, RejectsMisplacedOrExcessPadding) {
  EXPECT_EQ(base64_decode("Z===").code(), Errc::invalid_base64);
  EXPECT_EQ(base64_decode("Zg==Zm9v").code(), Errc::invalid_base64);
  EXPECT_EQ(base64_decode("====").code(), Errc::invalid_base64);
}

TEST(Base64Test, RejectsUrlAlphabetWhitespaceAndStrayBits) {
  EXPECT_EQ(base64_decode("-_-_").code(), Errc::invalid_base64);
  EXPECT_EQ(base64_decode("Zm9v\r\n").code(), Errc::invalid_base64);
  EXPECT_EQ(base64_decode("Zh==").code(), Errc::invalid_base64);
}

}  // namespace
}  // namespace toolauth::jose
