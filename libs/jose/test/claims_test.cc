#include "toolauth/jose/claims.h"

#include <gtest/gtest.h>

#include "test_common.h"
#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

using namespace std::chrono_literals;

TEST(JwtClaimsTest, BuildsRegisteredAndCustomClaims) {
  core::ManualClock clock;
  const nlohmann::json claims = ClaimsBuilder()
                                    .issuer("https://issuer.test/v2.0")
                                    .subject("alice")
                                    .audience("api://notes")
                                    .valid_for(clock, 1h)
                                    .jwt_id("id-1")
                                    .claim("scp", "notes.read")
                                    .build();
  EXPECT_EQ(claims, (nlohmann::json{{"iss", "https://issuer.test/v2.0"},
                                    {"sub", "alice"},
                                    {"aud", "api://notes"},
                                    {"iat", 1'700'000'000},
                                    {"nbf", 1'700'000'000},
                                    {"exp", 1'700'003'600},
                                    {"jti", "id-1"},
                                    {"scp", "notes.read"}}));
}

TEST(JwtClaimsTest, AudienceArrayAndReplacement) {
  const nlohmann::json claims =
      ClaimsBuilder().audience("a").audiences({"b", "c"}).claim("x", 1).claim("x", 2).build();
  EXPECT_EQ(claims["aud"], (nlohmann::json{"b", "c"}));
  EXPECT_EQ(claims["x"], 2);
}

TEST(JwtClaimsTest, RandomJwtIdsDiffer) {
  EXPECT_NE(ClaimsBuilder().random_jwt_id().build()["jti"],
            ClaimsBuilder().random_jwt_id().build()["jti"]);
}

TEST(JwtClaimsTest, NumericDatesRoundDown) {
  const core::Clock::time_point t = core::Clock::time_point(1'700'000'000s) + 999ms;
  EXPECT_EQ(to_numeric_date(t), 1'700'000'000);
  EXPECT_EQ(to_numeric_date(core::Clock::time_point(-1500ms)), -2);
}

TEST(JwtClaimsTest, ReadNumericDateAcceptsNumbersAndRefusesTheRest) {
  const nlohmann::json claims = nlohmann::json::parse(
      R"({"int":1700000000,"neg":-5,"frac":1700000000.9,"str":"1700000000","null":null,
          "bool":true,"huge":1e300,"tiny":-1e300,"big":18446744073709551615})");
  EXPECT_EQ(read_numeric_date(claims, "int").value(), 1'700'000'000);
  EXPECT_EQ(read_numeric_date(claims, "neg").value(), -5);
  EXPECT_EQ(read_numeric_date(claims, "frac").value(), 1'700'000'000);
  EXPECT_EQ(read_numeric_date(claims, "absent").value(), std::nullopt);
  EXPECT_EQ(read_numeric_date(claims, "huge").value(), kMaxNumericDate);
  EXPECT_EQ(read_numeric_date(claims, "tiny").value(), -kMaxNumericDate);
  EXPECT_EQ(read_numeric_date(claims, "big").value(), kMaxNumericDate);
  for (const char* name : {"str", "null", "bool"}) {
    EXPECT_EQ(read_numeric_date(claims, name).code(), Errc::malformed_token) << name;
  }
}

}  // namespace
}  // namespace toolauth::jose
