#include "toolauth/oauth/pkce.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "toolauth/oauth/error.h"

namespace toolauth::oauth {
namespace {

TEST(PkceTest, S256ChallengeMatchesRfc7636AppendixB) {
  auto challenge = s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  ASSERT_TRUE(challenge.ok());
  EXPECT_EQ(*challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(PkceTest, GeneratedVerifierHasTheRequestedLengthAndOnlyUnreservedCharacters) {
  for (std::size_t length : {kPkceMinVerifierLength, std::size_t{64}, kPkceMaxVerifierLength}) {
    auto pkce = Pkce::generate(length);
    ASSERT_TRUE(pkce.ok());
    EXPECT_EQ(pkce->verifier.size(), length);
    EXPECT_TRUE(is_valid_code_verifier(pkce->verifier)) << pkce->verifier;
    EXPECT_EQ(pkce->method, "S256");
    EXPECT_EQ(pkce->challenge, s256_challenge(pkce->verifier).value());
  }
}

TEST(PkceTest, GeneratedVerifiersDifferAndUseTheWholeAlphabet) {
  std::set<std::string> verifiers;
  std::map<char, int> seen;
  for (int i = 0; i < 200; ++i) {
    auto pkce = Pkce::generate(kPkceMaxVerifierLength).value();
    EXPECT_TRUE(verifiers.insert(pkce.verifier).second) << "verifier repeated";
    for (char c : pkce.verifier) ++seen[c];
  }
  // 25,600 draws over 66 characters: each is expected ~388 times, so every one shows up,
  // including the four punctuation characters base64url alone would never give.
  EXPECT_EQ(seen.size(), 66u);
  for (char c : std::string_view("-._~")) EXPECT_GT(seen[c], 0) << c;
}

TEST(PkceTest, RefusesVerifierLengthsOutsideTheRfcRange) {
  for (std::size_t length : {std::size_t{0}, std::size_t{42}, std::size_t{129}}) {
    auto pkce = Pkce::generate(length);
    ASSERT_FALSE(pkce.ok());
    EXPECT_EQ(pkce.code(), Errc::invalid_argument);
  }
}

TEST(PkceTest, RejectsVerifiersWithCharactersOutsideTheUnreservedSet) {
  const std::string base(43, 'a');
  EXPECT_TRUE(is_valid_code_verifier(base));
  for (char bad : std::string_view("+/= %\n\0", 7)) {
    auto verifier = base;
    verifier[10] = bad;
    EXPECT_FALSE(is_valid_code_verifier(verifier)) << static_cast<int>(bad);
    EXPECT_EQ(s256_challenge(verifier).code(), Errc::invalid_argument);
  }
  EXPECT_FALSE(is_valid_code_verifier(std::string(42, 'a')));
  EXPECT_FALSE(is_valid_code_verifier(std::string(129, 'a')));
}

}  // namespace
}  // namespace toolauth::oauth
