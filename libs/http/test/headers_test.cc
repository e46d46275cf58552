#include "toolauth/http/headers.h"

#include <gtest/gtest.h>

namespace toolauth::http {
namespace {

TEST(HeadersTest, NamesAreCaseInsensitive) {
  Headers h;
  h.add("Content-Type", "application/json");
  EXPECT_EQ(h.get("content-type"), "application/json");
  EXPECT_TRUE(h.has("CONTENT-TYPE"));
  EXPECT_FALSE(h.get("content-length").has_value());
}

TEST(HeadersTest, KeepsEveryValueInOrder) {
  Headers h;
  h.add("WWW-Authenticate", "Bearer a");
  h.add("www-authenticate", "Basic b");
  EXPECT_EQ(h.count("WWW-Authenticate"), 2u);
  EXPECT_EQ(h.get_all("WWW-Authenticate"), (std::vector<std::string_view>{"Bearer a", "Basic b"}));
  h.set("WWW-Authenticate", "Bearer c");
  EXPECT_EQ(h.get_all("www-authenticate"), (std::vector<std::string_view>{"Bearer c"}));
  h.remove("WWW-AUTHENTICATE");
  EXPECT_TRUE(h.empty());
}

TEST(HeadersTest, IequalsComparesAsciiOnly) {
  EXPECT_TRUE(iequals("X-API-Key", "x-api-key"));
  EXPECT_FALSE(iequals("x-api-key", "x-api-ke"));
  EXPECT_FALSE(iequals("\xc3\x84", "\xc3\xa4"));
}

}  // namespace
}  // namespace toolauth::http
