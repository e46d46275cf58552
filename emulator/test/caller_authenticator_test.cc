// Caller authentication over real HTTPS: tokens from mock-idp against the emulator's data plane.

#include "toolauth/emulator/caller_authenticator.h"

#include <gtest/gtest.h>

#include "stack.h"
#include "toolauth/jose/base64url.h"

namespace toolauth::emulator {
namespace {

using testing::HttpReply;
using testing::Stack;

class CallerAuthenticatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stack_ = new Stack(); }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }
  HttpReply list_connections(const std::string& token, http::Headers headers = {}) {
    return stack_->call(http::Method::get,
                        stack_->project_url("alpha") + "/connections?api-version=v1", token,
                        nullptr, std::move(headers));
  }
  static void expect_refused(const HttpReply& reply, int status, std::string_view code,
                             std::string_view inner) {
    EXPECT_EQ(reply.status, status) << reply.text;
    EXPECT_EQ(reply.error_code(), code) << reply.text;
    EXPECT_EQ(reply.inner_code(), inner) << reply.text;
    EXPECT_EQ(reply.headers.get("x-ms-error-code"), code);
  }
  static Stack* stack_;
};
Stack* CallerAuthenticatorTest::stack_ = nullptr;

TEST_F(CallerAuthenticatorTest, AcceptsAliceFromTheIdp) {
  auto reply = list_connections(stack_->user_token("alice"));
  EXPECT_EQ(reply.status, 200) << reply.text;
}

TEST_F(CallerAuthenticatorTest, MissingTokenIs401WithAChallenge) {
  auto reply = list_connections("");
  expect_refused(reply, 401, "Unauthorized", "MissingToken");
  auto challenge = std::string(reply.headers.get("www-authenticate").value_or(""));
  EXPECT_TRUE(challenge.starts_with("Bearer authorization_uri=")) << challenge;
  EXPECT_EQ(challenge.find("error="), std::string::npos);
}

TEST_F(CallerAuthenticatorTest, BasicCredentialsAreRefused) {
  http::Headers headers;
  headers.set("Authorization", "Basic YWxpY2U6eA==");
  expect_refused(list_connections("", headers), 401, "Unauthorized", "InvalidAuthorizationHeader");
}

TEST_F(CallerAuthenticatorTest, TokenForAnotherAudienceIsRefused) {
  auto token = stack_->mint("contoso", "alice", "https://graph.microsoft.com");
  auto reply = list_connections(token);
  expect_refused(reply, 401, "Unauthorized", "InvalidAudience");
  EXPECT_NE(std::string(reply.headers.get("www-authenticate").value_or("")).find("invalid_token"),
            std::string::npos);
}

TEST_F(CallerAuthenticatorTest, ExpiredTokenIsRefused) {
  auto token = stack_->mint("contoso", "alice", "https://ai.azure.com", std::chrono::seconds(60));
  EXPECT_EQ(list_connections(token).status, 200);
  stack_->clock().advance(std::chrono::seconds(60) + CallerAuthenticator::kLeeway);
  expect_refused(list_connections(token), 401, "Unauthorized", "TokenExpired");
}

TEST_F(CallerAuthenticatorTest, AnotherTenantsUserIsForbidden) {
  auto token = stack_->mint("fabrikam", "carol", "https://ai.azure.com");
  expect_refused(list_connections(token), 403, "PermissionDenied", "TenantMismatch");
}

TEST_F(CallerAuthenticatorTest, TamperedSignatureIsRefused) {
  auto token = stack_->user_token("alice");
  // A character in the middle of the signature: the last one may carry padding bits.
  auto& c = token[token.rfind('.') + 10];
  c = c == 'A' ? 'B' : 'A';
  expect_refused(list_connections(token), 401, "Unauthorized", "InvalidSignature");
}

TEST_F(CallerAuthenticatorTest, TokenFromAnUnknownIssuerIsRefused) {
  auto token = stack_->user_token("alice");
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  auto claims =
      nlohmann::json::parse(*jose::base64url_decode(token.substr(first + 1, second - first - 1)));
  claims["iss"] = "https://sts.windows.net/" + std::string(Stack::kContoso) + "/";
  const auto forged =
      token.substr(0, first + 1) + jose::base64url_encode(claims.dump()) + token.substr(second);
  expect_refused(list_connections(forged), 401, "Unauthorized", "UnknownIssuer");
}

TEST_F(CallerAuthenticatorTest, GarbageIsAMalformedToken) {
  expect_refused(list_connections("not-a-jwt"), 401, "Unauthorized", "MalformedToken");
}

}  // namespace
}  // namespace toolauth::emulator
