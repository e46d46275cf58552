#include "toolauth/http/params.h"

#include <gtest/gtest.h>

#include <chrono>

#include "toolauth/http/error.h"

namespace toolauth::http {
namespace {

TEST(ParamsTest, ParsesQueryWithPercentAndPlusDecoding) {
  auto p = parse_query(
      "scope=openid+profile%20email&redirect_uri=https%3A%2F%2Fa.test%2Fcb&empty=&flag");
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(p->get("scope"), "openid profile email");
  EXPECT_EQ(p->get("redirect_uri"), "https://a.test/cb");
  EXPECT_EQ(p->get("empty"), "");
  EXPECT_EQ(p->get("flag"), "");
  EXPECT_FALSE(p->get("missing").has_value());
}

TEST(ParamsTest, MalformedPercentEncodingIsAnError) {
  EXPECT_EQ(parse_query("code=%zz").code(), Errc::malformed_query);
  EXPECT_EQ(parse_form("a=%4").code(), Errc::malformed_query);
}

TEST(ParamsTest, RepeatedParameterIsReported) {
  auto p = parse_form("client_id=a&scope=x&client_id=b");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->first_repeated(), "client_id");
  EXPECT_EQ(p->count("client_id"), 2u);
  EXPECT_EQ(p->get("client_id"), "a");
  EXPECT_FALSE(parse_form("a=1&b=2")->first_repeated().has_value());
}

TEST(ParamsTest, RepeatedParameterIsFoundAmongManyQuickly) {
  // A 4 MiB form body holds half a million names; comparing them pairwise took minutes.
  std::string form;
  for (int i = 0; i < 100'000; ++i) form += "p" + std::to_string(i) + "=&";
  form += "p50000=again";
  auto p = parse_form(form);
  ASSERT_TRUE(p.ok());
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(p->first_repeated(), "p50000");
  p = parse_form(form.substr(0, form.size() - 13));
  EXPECT_FALSE(p->first_repeated().has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(ParamsTest, EncodedNulAndUtf8SurviveDecoding) {
  auto p = parse_form("a=%00x&b=%C3%A9");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->get("a"), std::string_view("\0x", 2));
  EXPECT_EQ(p->get("b"), "\xc3\xa9");
}

TEST(ParamsTest, EncodeFormRoundTrips) {
  Params in{
      {"redirect_uri", "https://a.test/cb?x=1&y=2"}, {"scope", "openid profile"}, {"s", "a+b=c~"}};
  const auto encoded = encode_form(in);
  EXPECT_EQ(
      encoded,
      "redirect_uri=https%3A%2F%2Fa.test%2Fcb%3Fx%3D1%26y%3D2&scope=openid+profile&s=a%2Bb%3Dc~");
  auto out = parse_form(encoded);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->items(), in.items());
}

TEST(ParamsTest, AppendQueryKeepsExistingQueryAndFragment) {
  EXPECT_EQ(*append_query("https://a.test/cb", {{"code", "c1"}, {"state", "s 1"}}),
            "https://a.test/cb?code=c1&state=s+1");
  EXPECT_EQ(*append_query("https://a.test/cb?x=1#frag", {{"code", "c"}}),
            "https://a.test/cb?x=1&code=c#frag");
  EXPECT_EQ(append_query("https://a.test/%zz", {}).code(), Errc::invalid_url);
}

TEST(ParamsTest, DecodePathSegment) {
  EXPECT_EQ(*decode_path_segment("contoso.onmicrosoft.com"), "contoso.onmicrosoft.com");
  EXPECT_EQ(*decode_path_segment("a%2Fb"), "a/b");
  EXPECT_EQ(decode_path_segment("%G0").code(), Errc::malformed_query);
}

// Boost.URL 1.81 read a view past its end up to the next NUL: "state=xyz" cut from
// "state=xyz#evil" came back as "xyz#evil".
TEST(ParamsTest, QueryViewDoesNotReadPastItsEnd) {
  const std::string buffer = "code=abc&state=xyz#evil HTTP/1.1";
  const std::string_view query = std::string_view(buffer).substr(0, buffer.find('#'));
  auto params = parse_query(query);
  ASSERT_TRUE(params);
  EXPECT_EQ(params->get("state"), "xyz");
  EXPECT_EQ(params->get("code"), "abc");
}

}  // namespace
}  // namespace toolauth::http
