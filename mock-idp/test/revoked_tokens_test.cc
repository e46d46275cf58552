#include "toolauth/idp/revoked_tokens.h"

#include <gtest/gtest.h>

namespace toolauth::idp {
namespace {

using std::chrono::seconds;

const core::Clock::time_point kNow{seconds(1'700'000'000)};

TEST(RevokedTokensTest, RemembersUntilTheTokenExpires) {
  RevokedTokens revoked;
  revoked.revoke("a", kNow + seconds(60), kNow);
  revoked.revoke("b", kNow + seconds(600), kNow);
  EXPECT_TRUE(revoked.revoked("a"));
  EXPECT_TRUE(revoked.revoked("b"));
  EXPECT_FALSE(revoked.revoked("c"));
  // Once a's token has expired it needs no entry: the token is dead anyway.
  revoked.revoke("c", kNow + seconds(900), kNow + seconds(60));
  EXPECT_FALSE(revoked.revoked("a"));
  EXPECT_TRUE(revoked.revoked("b"));
  EXPECT_EQ(revoked.size(), 2u);
}

TEST(RevokedTokensTest, JsonRoundTrip) {
  RevokedTokens revoked;
  revoked.revoke("a", kNow + seconds(60), kNow);
  revoked.revoke("b", kNow + seconds(600), kNow);
  RevokedTokens restored;
  restored.load_json(revoked.to_json());
  EXPECT_EQ(restored.to_json(), revoked.to_json());
  EXPECT_TRUE(restored.revoked("b"));
}

TEST(RevokedTokensTest, MalformedEntriesAreSkipped) {
  RevokedTokens revoked;
  revoked.revoke("old", kNow + seconds(60), kNow);
  revoked.load_json(nlohmann::json::array({{{"uti", "ok"}, {"expires", 1'700'000'060}},
                                           {{"uti", 5}, {"expires", 1}},
                                           {{"uti", "no-expiry"}},
                                           {{"uti", "string-expiry"}, {"expires", "soon"}},
                                           "garbage"}));
  EXPECT_EQ(revoked.size(), 1u);
  EXPECT_TRUE(revoked.revoked("ok"));
  EXPECT_FALSE(revoked.revoked("old"));
  revoked.load_json(nlohmann::json::object());
  EXPECT_EQ(revoked.size(), 0u);
}

}  // namespace
}  // namespace toolauth::idp
