#include "toolauth/jose/error.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "toolauth/core/result.h"

namespace toolauth::jose {
namespace {

TEST(JoseErrorTest, EnumConvertsToErrorCodeOfTheJoseCategory) {
  std::error_code ec = Errc::token_expired;
  EXPECT_EQ(ec, Errc::token_expired);
  EXPECT_NE(ec, Errc::token_not_yet_valid);
  EXPECT_STREQ(ec.category().name(), "toolauth.jose");
  EXPECT_EQ(ec.message(), "token expired");
}

TEST(JoseErrorTest, DoesNotCompareEqualToCoreCodesWithTheSameValue) {
  std::error_code ec = Errc::malformed_token;
  EXPECT_NE(ec, core::Errc::invalid_argument);
  EXPECT_EQ(static_cast<int>(Errc::malformed_token),
            static_cast<int>(core::Errc::invalid_argument));
}

TEST(JoseErrorTest, EveryEnumeratorHasItsOwnMessage) {
  std::set<std::string> messages;
  for (int value = static_cast<int>(Errc::malformed_token);
       value <= static_cast<int>(Errc::decryption_failed); ++value) {
    const std::string message(error_message(static_cast<Errc>(value)));
    EXPECT_NE(message, "unknown jose error") << value;
    EXPECT_TRUE(messages.insert(message).second) << "duplicate message: " << message;
  }
}

TEST(JoseErrorTest, ResultCarriesJoseCodes) {
  core::Result<int> result(Errc::unknown_kid, "kid abc");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.code(), Errc::unknown_kid);
  EXPECT_EQ(result.error().message(), "unknown key id: kid abc");
}

}  // namespace
}  // namespace toolauth::jose
