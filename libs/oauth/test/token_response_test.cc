#include "toolauth/oauth/token_response.h"

#include <gtest/gtest.h>

#include "toolauth/http/error.h"

namespace toolauth::oauth {
namespace {

const core::Clock::time_point kNow{std::chrono::seconds(1'700'000'000)};

http::ClientResponse answer(int status, std::string body, http::Headers headers = {}) {
  return {.status = status, .headers = std::move(headers), .body = std::move(body)};
}

TokenError expect_error(const http::ClientResponse& response) {
  auto result = parse_token_response(response, kNow);
  EXPECT_FALSE(result.ok());
  return result.ok() ? TokenError{} : result.error();
}

TEST(TokenResponseTest, ParsesEveryMemberOfAnEntraAnswer) {
  auto result = parse_token_response(
      answer(200, R"({"token_type":"Bearer","scope":"api://x/Tools.Read openid","expires_in":3599,
                     "ext_expires_in":3599,"access_token":"at","refresh_token":"rt",
                     "id_token":"idt","client_info":"e30"})"),
      kNow);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->access_token, "at");
  EXPECT_EQ(result->refresh_token, "rt");
  EXPECT_EQ(result->id_token, "idt");
  EXPECT_EQ(result->scope, "api://x/Tools.Read openid");
  EXPECT_EQ(result->token_type, "Bearer");
  EXPECT_EQ(result->expires_in, std::chrono::seconds(3599));
  EXPECT_EQ(result->ext_expires_in, std::chrono::seconds(3599));
  EXPECT_EQ(result->expires_at(), kNow + std::chrono::seconds(3599));
}

TEST(TokenResponseTest, AcceptsExpiresInAsANumericString) {
  auto result =
      parse_token_response(answer(200, R"({"access_token":"at","expires_in":"600"})"), kNow);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->expires_in, std::chrono::seconds(600));
}

TEST(TokenResponseTest, MissingLifetimeMeansExpiredAtOnce) {
  for (const char* body :
       {R"({"access_token":"at"})", R"({"access_token":"at","expires_in":"soon"})",
        R"({"access_token":"at","expires_in":-5})"}) {
    auto result = parse_token_response(answer(200, body), kNow);
    ASSERT_TRUE(result.ok()) << body;
    EXPECT_EQ(result->expires_at(), kNow) << body;
  }
}

TEST(TokenResponseTest, LifetimeOverflowAttemptIsTakenAsACentury) {
  // Added to received_at, each of these used to overflow the time point.
  for (const char* body : {R"({"access_token":"at","expires_in":1e300})",
                           R"({"access_token":"at","expires_in":18446744073709551615})",
                           R"({"access_token":"at","expires_in":"9223372036854775807"})"}) {
    auto result = parse_token_response(answer(200, body), kNow);
    ASSERT_TRUE(result.ok()) << body;
    EXPECT_EQ(result->expires_in, kLongestTokenLifetime) << body;
    EXPECT_EQ(result->expires_at(), kNow + kLongestTokenLifetime) << body;
  }
  auto negative = parse_token_response(
      answer(200, R"({"access_token":"at","expires_in":-1e300,"ext_expires_in":-1e300})"), kNow);
  ASSERT_TRUE(negative.ok());
  EXPECT_EQ(negative->expires_at(), kNow);
  EXPECT_EQ(negative->ext_expires_in, -kLongestTokenLifetime);
}

TEST(TokenResponseTest, InvalidGrantWithAadstsNeedsConsent) {
  auto e = expect_error(answer(400, R"({"error":"invalid_grant",
      "error_description":"AADSTS50173: The provided grant has expired due to it being revoked.",
      "error_codes":[50173],"trace_id":"t-1","correlation_id":"c-1"})"));
  EXPECT_EQ(e.failure, TokenFailure::invalid_grant);
  EXPECT_TRUE(e.needs_consent());
  EXPECT_FALSE(e.is_transient());
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.error, "invalid_grant");
  EXPECT_EQ(e.aadsts, 50173);
  EXPECT_EQ(e.error_codes, std::vector<long>{50173});
  EXPECT_EQ(e.trace_id, "t-1");
  EXPECT_EQ(e.correlation_id, "c-1");
  EXPECT_EQ(e.summary(), "invalid_grant AADSTS50173 (HTTP 400)");
}

TEST(TokenResponseTest, AadstsIsReadFromTheDescriptionWithoutErrorCodes) {
  auto e = expect_error(
      answer(400, R"({"error":"invalid_grant","error_description":"AADSTS700082: expired"})"));
  EXPECT_EQ(e.aadsts, 700082);
}

TEST(TokenResponseTest, InteractionAndConsentErrorsNeedTheUser) {
  for (const char* body : {R"({"error":"interaction_required","error_codes":[50079]})",
                           R"({"error":"consent_required"})", R"({"error":"login_required"})",
                           R"({"error":"invalid_request","suberror":"consent_required"})"}) {
    auto e = expect_error(answer(400, body));
    EXPECT_EQ(e.failure, TokenFailure::interaction_required) << body;
    EXPECT_TRUE(e.needs_consent()) << body;
  }
}

TEST(TokenResponseTest, ServerErrorsAndThrottlingAreTransient) {
  http::Headers retry;
  retry.set("Retry-After", "7");
  auto throttled = expect_error(answer(429, R"({"error":"temporarily_unavailable"})", retry));
  EXPECT_EQ(throttled.failure, TokenFailure::transient);
  EXPECT_EQ(throttled.retry_after, std::chrono::seconds(7));
  EXPECT_EQ(throttled.summary(), "temporarily_unavailable (HTTP 429) retry after 7s");

  for (int status : {500, 502, 503, 504}) {
    auto e = expect_error(answer(status, "<html>Bad gateway</html>"));
    EXPECT_EQ(e.failure, TokenFailure::transient) << status;
    EXPECT_TRUE(e.error.empty());
  }
  EXPECT_EQ(expect_error(answer(400, R"({"error":"server_error"})")).failure,
            TokenFailure::transient);
}

TEST(TokenResponseTest, OtherOauthErrorsAreRejections) {
  auto e = expect_error(answer(401, R"({"error":"invalid_client","error_codes":[7000215]})"));
  EXPECT_EQ(e.failure, TokenFailure::rejected);
  EXPECT_FALSE(e.needs_consent());
  EXPECT_EQ(e.aadsts, 7000215);
  EXPECT_EQ(expect_error(answer(400, "not json")).failure, TokenFailure::rejected);
}

TEST(TokenResponseTest, AnErrorMemberWinsOverASuccessStatus) {
  // MSAL treats any body with `error` as an error: a 200 cannot smuggle a half-token through.
  auto e = expect_error(answer(200, R"({"error":"invalid_grant","access_token":"at"})"));
  EXPECT_EQ(e.failure, TokenFailure::invalid_grant);
}

TEST(TokenResponseTest, SuccessWithoutAccessTokenIsMalformed) {
  for (const char* body : {"", "[]", "{}", R"({"access_token":""})", R"({"access_token":42})"}) {
    auto e = expect_error(answer(200, body));
    EXPECT_EQ(e.failure, TokenFailure::malformed_response) << body;
  }
}

TEST(TokenResponseTest, RetryAfterTakesSecondsOnly) {
  http::Headers headers;
  EXPECT_EQ(parse_retry_after(headers), std::nullopt);
  headers.set("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
  EXPECT_EQ(parse_retry_after(headers), std::nullopt);
  headers.set("Retry-After", "-3");
  EXPECT_EQ(parse_retry_after(headers), std::nullopt);
  headers.set("Retry-After", "120");
  EXPECT_EQ(parse_retry_after(headers), std::chrono::seconds(120));
}

TEST(TokenResponseTest, TransportFailuresAreTransientAndKeepTheirCode) {
  auto e = transport_failure(core::Error{http::Errc::connect_failed, "127.0.0.1:1"});
  EXPECT_EQ(e.failure, TokenFailure::transient);
  EXPECT_EQ(e.transport, http::Errc::connect_failed);
  EXPECT_EQ(e.http_status, 0);
  EXPECT_NE(e.summary().find("transient"), std::string::npos);
}

TEST(TokenResponseTest, OutcomeIsUnknownOnlyWhenTheRequestMayHaveBeenCarriedOut) {
  // Never sent, or answered: the grant was not redeemed behind our back.
  for (auto code : {http::Errc::connect_failed, http::Errc::tls_failed, http::Errc::invalid_url,
                    http::Errc::unsupported_scheme}) {
    EXPECT_FALSE(transport_failure(core::Error{code, "x"}).outcome_unknown()) << int(code);
  }
  EXPECT_FALSE(
      expect_error(answer(503, R"({"error":"temporarily_unavailable"})")).outcome_unknown());
  EXPECT_FALSE(expect_error(answer(400, R"({"error":"invalid_grant"})")).outcome_unknown());
  EXPECT_FALSE(bad_request("http to a remote host").outcome_unknown());
  // Sent and maybe carried out: no answer, or a success we could not read.
  for (auto code : {http::Errc::timeout, http::Errc::connection_closed, http::Errc::protocol_error,
                    http::Errc::response_too_large}) {
    EXPECT_TRUE(transport_failure(core::Error{code, "x"}).outcome_unknown()) << int(code);
  }
  EXPECT_TRUE(expect_error(answer(200, "{}")).outcome_unknown());
  EXPECT_FALSE(expect_error(answer(500, "<html>")).outcome_unknown());
}

}  // namespace
}  // namespace toolauth::oauth
