#include "toolauth/oauth/error.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "toolauth/core/result.h"

namespace toolauth::oauth {
namespace {

TEST(OauthErrorTest, EveryEnumeratorHasItsOwnMessage) {
  std::set<std::string> messages;
  for (int value = static_cast<int>(Errc::invalid_argument);
       value <= static_cast<int>(Errc::storage_error); ++value) {
    const std::string message(error_message(static_cast<Errc>(value)));
    EXPECT_NE(message, "unknown oauth error") << value;
    EXPECT_TRUE(messages.insert(message).second) << "duplicate message: " << message;
  }
}

TEST(OauthErrorTest, ResultCarriesOauthCodesInTheirOwnCategory) {
  core::Result<int> result(Errc::consent_required, "vault entry alpha/github/alice");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.code(), Errc::consent_required);
  EXPECT_NE(result.code(), core::Errc::not_found);
  EXPECT_STREQ(result.code().category().name(), "toolauth.oauth");
}

}  // namespace
}  // namespace toolauth::oauth
