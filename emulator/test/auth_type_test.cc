#include "toolauth/emulator/auth_type.h"

#include <gtest/gtest.h>

namespace toolauth::emulator {
namespace {

TEST(AuthTypeTest, ArmNamesRoundTrip) {
  for (auto type : kAllAuthTypes) EXPECT_EQ(parse_auth_type(to_string(type)), type);
}

TEST(AuthTypeTest, AcceptsAzdNames) {
  EXPECT_EQ(parse_auth_type("custom-keys"), AuthType::custom_keys);
  EXPECT_EQ(parse_auth_type("agentic-identity"), AuthType::agentic_identity_token);
  EXPECT_EQ(parse_auth_type("user-entra-token"), AuthType::user_entra_token);
}

TEST(AuthTypeTest, RefusesOtherSpellings) {
  EXPECT_EQ(parse_auth_type("customkeys"), std::nullopt);
  EXPECT_EQ(parse_auth_type("ApiKey"), std::nullopt);
  EXPECT_EQ(parse_auth_type(""), std::nullopt);
}

TEST(AuthTypeTest, CredentialTypesFollowApiVersionV1) {
  EXPECT_EQ(credential_type(AuthType::project_managed_identity), "AAD");
  EXPECT_EQ(credential_type(AuthType::agentic_identity_token), "AgenticIdentityToken_Preview");
  EXPECT_EQ(credential_type(AuthType::custom_keys), "CustomKeys");
}

}  // namespace
}  // namespace toolauth::emulator
