#include "toolauth/core/redact.h"

#include <gtest/gtest.h>

namespace toolauth::core {
namespace {

constexpr const char* kJwt =
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";

TEST(RedactTest, SensitiveNamesAreRecognisedWhateverTheirSpelling) {
  for (const char* name :
       {"access_token", "refresh_token", "id_token", "client_secret", "password", "code",
        "client_assertion", "Authorization", "X-API-Key", "x-functions-key", "Cookie",
        "code_verifier", "device_code", "subject_token", "vault_key", "admin-key"}) {
    EXPECT_TRUE(is_sensitive_name(name)) << name;
  }
  for (const char* name : {"client_id", "scope", "grant_type", "token_type", "state", "kid", "keys",
                           "expires_in", "redirect_uri"}) {
    EXPECT_FALSE(is_sensitive_name(name)) << name;
  }
}

TEST(RedactTest, JwtInFreeTextIsRemoved) {
  const std::string text = std::string("got token ") + kJwt + " from idp";
  EXPECT_EQ(redact_text(text), "got token [redacted] from idp");
}

TEST(RedactTest, BearerAndBasicCredentialsAreRemoved) {
  EXPECT_EQ(redact_text("Authorization: Bearer abc.def-123"), "Authorization: [redacted]");
  EXPECT_EQ(redact_text("sent bearer opaque-token-value now"), "sent bearer [redacted] now");
  EXPECT_EQ(redact_text("Basic dXNlcjpwYXNz"), "Basic [redacted]");
}

TEST(RedactTest, SensitiveQueryAndFormParametersAreRemoved) {
  EXPECT_EQ(redact_text("/cb?code=AbC123&state=xyz"), "/cb?code=[redacted]&state=xyz");
  EXPECT_EQ(redact_text("grant_type=password&password=hunter2&client_id=app"),
            "grant_type=password&password=[redacted]&client_id=app");
  EXPECT_EQ(redact_text("x-api-key: k-123"), "x-api-key: [redacted]");
  // Names that merely contain a sensitive word are not secrets.
  EXPECT_EQ(redact_text("error_code=500"), "error_code=500");
  EXPECT_EQ(redact_text("zipcode=123"), "zipcode=123");
}

// Strings without a secret's shape are passed over by a quick scan; those with one still go
// through every rule (a name= or name: only counts when the name is sensitive).
TEST(RedactTest, OnlyTextWithASecretsShapeChanges) {
  for (const char* plain : {"application/json, text/event-stream", "127.0.0.1:4783",
                            "https://localhost:4781/tenant/v2.0", "client_id=app&scope=a:b",
                            "eyJ-not-a-jwt", "bearer", "the basics"}) {
    EXPECT_EQ(redact_text(plain), plain);
  }
  EXPECT_EQ(redact_text("https://localhost:4781/cb?state=1&code=AbC"),
            "https://localhost:4781/cb?state=1&code=[redacted]");
  EXPECT_EQ(redact_text("see X-API-Key: tak-123"), "see X-API-Key: [redacted]");
  EXPECT_EQ(redact_text("BEARER tok-123"), "BEARER [redacted]");
  nlohmann::json doc = {{"host", "127.0.0.1:4783"}, {"note", std::string("a ") + kJwt}};
  redact_json_in_place(doc);
  EXPECT_EQ(doc, (nlohmann::json{{"host", "127.0.0.1:4783"}, {"note", "a [redacted]"}}));
}

TEST(RedactTest, JsonKeysAndNestedStringsAreRedacted) {
  const nlohmann::json in = {
      {"access_token", kJwt},
      {"client_id", "app"},
      {"nested", {{"client_secret", "s"}, {"note", std::string("tok ") + kJwt}}},
      {"list", {kJwt}},
      {"password", ""},
      {"refresh_token", nullptr}};
  const nlohmann::json out = redact_json(in);
  EXPECT_EQ(out["access_token"], "[redacted]");
  EXPECT_EQ(out["client_id"], "app");
  EXPECT_EQ(out["nested"]["client_secret"], "[redacted]");
  EXPECT_EQ(out["nested"]["note"], "tok [redacted]");
  EXPECT_EQ(out["list"][0], "[redacted]");
  EXPECT_EQ(out["password"], "");  // empty and null values carry no secret; keep them visible
  EXPECT_TRUE(out["refresh_token"].is_null());
}

TEST(RedactTest, InPlaceRedactionMatchesTheCopy) {
  nlohmann::json doc = {{"client_secret", "s"},
                        {"nested", {{"note", std::string("tok ") + kJwt}, {"ok", "plain"}}},
                        {"list", {kJwt, 3, true}}};
  const auto copy = redact_json(doc);
  redact_json_in_place(doc);
  EXPECT_EQ(doc, copy);
}

}  // namespace
}  // namespace toolauth::core
