#include "toolauth/oauth/client_authentication.h"

#include <gtest/gtest.h>

#include "toolauth/jose/base64url.h"

namespace toolauth::oauth {
namespace {

struct Applied {
  http::Params form;
  http::Headers headers;
};

Applied apply(const ClientAuthentication& auth) {
  Applied out;
  auth.apply(out.form, out.headers);
  return out;
}

TEST(ClientAuthenticationTest, PublicClientSendsOnlyItsId) {
  auto out = apply(ClientAuthentication::public_client("app"));
  EXPECT_EQ(out.form.items(), (std::vector<http::Params::Item>{{"client_id", "app"}}));
  EXPECT_TRUE(out.headers.empty());
}

TEST(ClientAuthenticationTest, SecretPostPutsTheSecretInTheBody) {
  auto out = apply(ClientAuthentication::secret_post("app", "s3cret"));
  EXPECT_EQ(out.form.get("client_id"), "app");
  EXPECT_EQ(out.form.get("client_secret"), "s3cret");
  EXPECT_FALSE(out.headers.has("Authorization"));
}

TEST(ClientAuthenticationTest, SecretBasicFormEncodesBeforeBase64) {
  // RFC 6749 §2.3.1: a ':' in the id or secret would otherwise split the pair wrongly.
  auto out = apply(ClientAuthentication::secret_basic("app:1", "a+b/c%d=e f:g"));
  EXPECT_FALSE(out.form.has("client_secret"));
  EXPECT_FALSE(out.form.has("client_id"));  // one authentication method per request
  const auto header = std::string(out.headers.get("Authorization").value_or(""));
  ASSERT_TRUE(header.starts_with("Basic "));
  EXPECT_EQ(jose::base64_decode(header.substr(6)).value(), "app%3A1:a%2Bb%2Fc%25d%3De+f%3Ag");
}

TEST(ClientAuthenticationTest, AssertionUsesTheJwtBearerTypeByDefault) {
  auto out = apply(ClientAuthentication::with_assertion("agent", "t1.jwt.value"));
  EXPECT_EQ(out.form.get("client_id"), "agent");
  EXPECT_EQ(out.form.get("client_assertion_type"),
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  EXPECT_EQ(out.form.get("client_assertion"), "t1.jwt.value");
  EXPECT_FALSE(out.form.has("client_secret"));
}

}  // namespace
}  // namespace toolauth::oauth
