#include "toolauth/idp/aad_error.h"

#include <gtest/gtest.h>

namespace toolauth::idp {
namespace {

const ErrorContext kContext{core::Clock::time_point(std::chrono::seconds(1'700'000'000)),
                            "4f6c0a5e-9a9c-4a39-8bb8-1f6a2a5c1d11", "https://localhost:4781"};

TEST(AadErrorTest, RendersEntrasFullShape) {
  const auto response = render_error(aad::invalid_client_secret("app-1"), kContext);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.headers.get("cache-control"), "no-store, no-cache");
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["error"], "invalid_client");
  EXPECT_EQ(body["error_codes"], nlohmann::json({7000215}));
  EXPECT_EQ(body["timestamp"], "2023-11-14 22:13:20Z");
  EXPECT_EQ(body["correlation_id"], "4f6c0a5e-9a9c-4a39-8bb8-1f6a2a5c1d11");
  EXPECT_EQ(body["error_uri"], "https://localhost:4781/error?code=7000215");
  const auto description = body["error_description"].get<std::string>();
  EXPECT_TRUE(description.starts_with("AADSTS7000215: Invalid client secret provided."))
      << description;
  EXPECT_NE(description.find("\r\nTrace ID: " + body["trace_id"].get<std::string>()),
            std::string::npos);
  EXPECT_NE(description.find("\r\nCorrelation ID: 4f6c0a5e"), std::string::npos);
  EXPECT_TRUE(description.ends_with("\r\nTimestamp: 2023-11-14 22:13:20Z"));
  EXPECT_FALSE(body.contains("suberror"));
}

TEST(AadErrorTest, SuberrorAndClaimsAppearWhenSet) {
  auto error = aad::consent_required("id", "name");
  error.claims = R"({"access_token":{"polids":{"essential":true}}})";
  const auto body = nlohmann::json::parse(render_error(error, kContext).body);
  EXPECT_EQ(body["suberror"], "consent_required");
  EXPECT_TRUE(body["claims"].is_string());
  EXPECT_EQ(body["error"], "invalid_grant");
}

TEST(AadErrorTest, BasicAuthFailureCarriesAChallenge) {
  auto error = aad::invalid_client_secret("app");
  error.basic_auth = true;
  EXPECT_EQ(render_error(error, kContext).headers.get("www-authenticate"),
            "Basic realm=\"toolauth\"");
}

TEST(AadErrorTest, CodesAndStatusesOfTheNamedErrors) {
  struct Case {
    AadError error;
    int status;
    const char* oauth_error;
    int code;
  };
  const Case cases[] = {
      {aad::unknown_client("c", "t"), 400, "unauthorized_client", 700016},
      {aad::missing_client_credential(), 401, "invalid_client", 7000218},
      {aad::unknown_tenant("x"), 400, "invalid_request", 90002},
      {aad::redirect_uri_mismatch("u", "c"), 400, "invalid_request", 50011},
      {aad::code_redeemed(), 400, "invalid_grant", 54005},
      {aad::code_expired(), 400, "invalid_grant", 70008},
      {aad::pkce_mismatch(), 400, "invalid_grant", 501481},
      {aad::refresh_token_expired(), 400, "invalid_grant", 700082},
      {aad::obo_audience_mismatch(), 400, "invalid_grant", 500131},
      {aad::unsupported_grant_type("x"), 400, "unsupported_grant_type", 70003},
      {aad::internal_error("x"), 500, "server_error", 50000},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.error.status, c.status) << c.code;
    EXPECT_EQ(c.error.error, c.oauth_error) << c.code;
    EXPECT_EQ(c.error.code, c.code);
  }
  EXPECT_EQ(aad::refresh_token_expired().suberror, "bad_token");
}

TEST(AadErrorTest, OrInternalErrorKeepsValuesAndConvertsFailures) {
  core::Result<int> ok = 5;
  EXPECT_EQ(*or_internal_error(std::move(ok)), 5);
  core::Result<int> failed = core::Error{core::Errc::io_error, "disk"};
  auto converted = or_internal_error(std::move(failed));
  ASSERT_FALSE(converted.ok());
  EXPECT_EQ(converted.error().status, 500);
}

}  // namespace
}  // namespace toolauth::idp
