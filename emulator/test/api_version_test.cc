#include "toolauth/emulator/api_version.h"

#include <gtest/gtest.h>

namespace toolauth::emulator {
namespace {

http::Request with_query(std::string query) {
  http::Request r;
  r.query = std::move(query);
  return r;
}

TEST(ApiVersionTest, AcceptsV1AndPreviews) {
  EXPECT_FALSE(check_api_version(with_query("api-version=v1")));
  EXPECT_FALSE(check_api_version(with_query("api-version=2025-11-15-preview")));
}

TEST(ApiVersionTest, RefusesAMissingVersion) {
  auto e = check_api_version(with_query(""));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 400);
  EXPECT_EQ(e->code, "MissingApiVersionParameter");
}

TEST(ApiVersionTest, RefusesAnUnknownOrRepeatedVersion) {
  for (const char* q :
       {"api-version=2024-01-01", "api-version=V1", "api-version=v1&api-version=v1"}) {
    auto e = check_api_version(with_query(q));
    ASSERT_TRUE(e) << q;
    EXPECT_EQ(e->code, "UnsupportedApiVersion") << q;
    EXPECT_EQ(e->param, "api-version");
  }
}

}  // namespace
}  // namespace toolauth::emulator
