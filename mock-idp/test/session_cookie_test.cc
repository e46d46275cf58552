#include "toolauth/idp/session_cookie.h"

#include <gtest/gtest.h>

#include "toolauth/idp/sessions.h"

namespace toolauth::idp {
namespace {

http::Request with_cookies(std::initializer_list<std::string> headers) {
  http::Request r;
  for (const auto& h : headers) r.headers.add("Cookie", h);
  return r;
}

TEST(SessionCookieTest, FindsTheNamedCookieAmongOthers) {
  auto r = with_cookies({"a=1; toolauth_idp_session=abc; b=2"});
  EXPECT_EQ(request_cookie(r, kSessionCookie), "abc");
  EXPECT_EQ(request_cookie(r, "a"), "1");
  EXPECT_EQ(request_cookie(r, "b"), "2");
  EXPECT_EQ(request_cookie(r, "c"), std::nullopt);
}

TEST(SessionCookieTest, ReadsEveryCookieHeaderAndQuotedValues) {
  auto r = with_cookies({"x=1", " toolauth_idp_session = \"q\" "});
  EXPECT_EQ(request_cookie(r, kSessionCookie), "q");
}

TEST(SessionCookieTest, NameMustMatchExactly) {
  auto r = with_cookies({"xtoolauth_idp_session=1; toolauth_idp_sessionx=2"});
  EXPECT_EQ(request_cookie(r, kSessionCookie), std::nullopt);
  EXPECT_EQ(request_cookie(with_cookies({}), kSessionCookie), std::nullopt);
}

TEST(SessionCookieTest, SessionCookieIsHttpOnlySecureLax) {
  EXPECT_EQ(session_cookie("v", std::chrono::seconds(60)),
            "toolauth_idp_session=v; Path=/; Max-Age=60; Secure; HttpOnly; SameSite=Lax");
  EXPECT_EQ(expired_session_cookie(),
            "toolauth_idp_session=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
}

}  // namespace
}  // namespace toolauth::idp
