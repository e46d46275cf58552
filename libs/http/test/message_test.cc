#include "toolauth/http/message.h"

#include <gtest/gtest.h>

namespace toolauth::http {
namespace {

TEST(MessageTest, MethodNamesRoundTrip) {
  EXPECT_EQ(parse_method("DELETE"), Method::delete_);
  EXPECT_EQ(to_string(Method::post), "POST");
  EXPECT_EQ(parse_method("get"), Method::other);  // methods are case-sensitive
}

TEST(MessageTest, MediaTypeIgnoresParametersAndCase) {
  Request r;
  r.headers.add("Content-Type", "Application/X-WWW-Form-Urlencoded ; charset=utf-8");
  EXPECT_EQ(r.media_type(), "application/x-www-form-urlencoded");
  EXPECT_EQ(Request{}.media_type(), "");
}

TEST(MessageTest, LoopbackDetectionCoversV4V6AndMapped) {
  Request r;
  for (const char* a : {"127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1"}) {
    r.remote_address = a;
    EXPECT_TRUE(r.from_loopback()) << a;
  }
  for (const char* a : {"10.0.0.1", "::ffff:10.0.0.1", "fe80::1", "", "localhost"}) {
    r.remote_address = a;
    EXPECT_FALSE(r.from_loopback()) << a;
  }
}

TEST(MessageTest, ResponseHelpersSetContentType) {
  auto j = Response::json(201, {{"a", 1}});
  EXPECT_EQ(j.status, 201);
  EXPECT_EQ(j.headers.get("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(j.body, R"({"a":1})");
  auto r = Response::redirect("https://a.test/cb?code=x");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.headers.get("location"), "https://a.test/cb?code=x");
  EXPECT_EQ(Response::html(200, "<p>").headers.get("content-type"), "text/html; charset=utf-8");
}

TEST(MessageTest, PathParamLookup) {
  Request r;
  r.path_params["tenant"] = "contoso";
  EXPECT_EQ(r.param("tenant"), "contoso");
  EXPECT_EQ(r.param("missing"), "");
}

}  // namespace
}  // namespace toolauth::http
