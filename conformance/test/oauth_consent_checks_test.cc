#include "toolauth/conformance/oauth_consent_checks.h"

#include <gtest/gtest.h>

#include "toolauth/jose/base64url.h"
#include "toolauth/jose/hash.h"

namespace toolauth::conformance {
namespace {

const std::string kClient = "11111111-2222-3333-4444-555555555555";
const std::string kCallback = "https://iut/oauth/callback";
const std::vector<std::string> kScopes = {"api://mcp/Tools.Invoke", "offline_access"};

nlohmann::json good_authorize() {
  return {{"kind", "authorize"},
          {"step", "request"},
          {"client_id", kClient},
          {"redirect_uri", kCallback},
          {"scope", "api://mcp/Tools.Invoke offline_access openid"},
          {"code_challenge_method", "S256"},
          {"state_present", true}};
}

std::string jwt_with(const nlohmann::json& claims) {
  return jose::base64url_encode(R"({"alg":"RS256","typ":"JWT"})") + "." +
         jose::base64url_encode(claims.dump()) + ".c2lnbmF0dXJl";
}

TEST(OAuthConsentChecksTest, AGoodAuthorizeRequestHasNoProblem) {
  EXPECT_TRUE(authorize_request_problems(good_authorize(), kClient, {kCallback}, kScopes).empty());
  const nlohmann::json entries = {
      good_authorize(),
      {{"kind", "authorize"}, {"step", "login"}, {"client_id", kClient}},
      {{"kind", "token"}, {"client_id", kClient}}};
  EXPECT_EQ(authorize_requests(entries, kClient).size(), 1u);
  EXPECT_TRUE(authorize_requests(entries, "other").empty());
}

// Defect no-pkce: the request carries no code_challenge.
TEST(OAuthConsentChecksTest, NoPkceIsAProblem) {
  auto entry = good_authorize();
  entry["code_challenge_method"] = "";
  auto problems = authorize_request_problems(entry, kClient, {kCallback}, kScopes);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "code_challenge_method (none), not S256");
  entry["code_challenge_method"] = "plain";
  EXPECT_EQ(authorize_request_problems(entry, kClient, {kCallback}, kScopes).size(), 1u);
}

TEST(OAuthConsentChecksTest, WrongClientRedirectStateOrScopesAreProblems) {
  auto entry = good_authorize();
  entry["client_id"] = "someone-else";
  entry["redirect_uri"] = "https://attacker/cb";
  entry["state_present"] = false;
  entry["scope"] = "api://mcp/Tools.Invoke";
  const auto problems = authorize_request_problems(entry, kClient, {kCallback}, kScopes);
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_EQ(problems[3], "scope offline_access not asked for");
  // A redirect URI is matched exactly, not by prefix.
  entry = good_authorize();
  entry["redirect_uri"] = kCallback + "/x";
  EXPECT_EQ(authorize_request_problems(entry, kClient, {kCallback}, kScopes).size(), 1u);
}

// Defects skip-state-check, reusable-consent-link: a code the IUT should not have redeemed.
TEST(OAuthConsentChecksTest, CountsCodeRedemptionsOfTheClient) {
  const nlohmann::json entries = {
      {{"kind", "token"}, {"grant_type", "authorization_code"}, {"client_id", kClient}},
      {{"kind", "token"}, {"grant_type", "refresh_token"}, {"client_id", kClient}},
      {{"kind", "token"}, {"grant_type", "authorization_code"}, {"client_id", "caller"}},
      {{"kind", "token"},
       {"grant_type", "authorization_code"},
       {"client_id", kClient},
       {"outcome", "error"}}};
  EXPECT_EQ(code_redemptions(entries, kClient), 2u);
  EXPECT_EQ(code_redemptions(nlohmann::json::array(), kClient), 0u);
}

// Defect token-in-output: the access token echoed in the tool output.
TEST(OAuthConsentChecksTest, FindsIssuedTokensInAnyStringOfTheAnswer) {
  const std::string idp = "https://localhost:4781";
  const auto access = jwt_with({{"iss", idp + "/tid/v2.0"}, {"uti", "u1"}, {"aud", "api://mcp"}});
  const std::string refresh = "rt-0123456789abcdefghijklmnopqrstuvwxyz";
  const nlohmann::json journal = {
      {{"kind", "token"}, {"uti", "u2"}, {"rt_hash", jose::short_hash(refresh)}}};
  const nlohmann::json echoed = {
      {"output",
       {{{"type", "mcp_call"},
         {"output",
          "{\"oid\":\"x\",\"sent_headers\":{\"Authorization\":\"Bearer " + access + "\"}}"}}}}};
  auto found = issued_tokens_in(echoed, journal, idp);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].find(access), std::string::npos);  // never the token itself
  EXPECT_NE(found[0].find("uti u1"), std::string::npos);

  // Another issuer, but a uti mock-idp journaled; and a refresh token on a line of its own.
  const auto by_uti = jwt_with({{"iss", "https://elsewhere/x"}, {"uti", "u2"}});
  EXPECT_EQ(issued_tokens_in({{"text", "a\n" + by_uti}}, journal, idp).size(), 1u);
  EXPECT_EQ(issued_tokens_in({{"text", "sent_headers:\n" + refresh}}, journal, idp).size(), 1u);

  // Claims, hashes and foreign tokens are no leak.
  const auto foreign = jwt_with({{"iss", "https://elsewhere/x"}, {"uti", "u9"}});
  const nlohmann::json clean = {
      {"oid", "x"}, {"uti", "u1"}, {"token", foreign}, {"hash", jose::short_hash(refresh)}};
  EXPECT_TRUE(issued_tokens_in(clean, journal, idp).empty());
}

// Defect accept-cross-tenant: a consent request (or a result) instead of a refusal.
TEST(OAuthConsentChecksTest, OnlyA401Or403IsARefusal) {
  EXPECT_EQ(refusal_problem(ToolError{"PermissionDenied", "tenant", {}, 403}), "");
  EXPECT_EQ(refusal_problem(ToolError{"Unauthorized", "", {}, 401}), "");
  EXPECT_EQ(refusal_problem(ToolError{"forbidden", "", {}, 0}), "");
  EXPECT_EQ(refusal_problem(ConsentRequired{"https://iut/consent/1", {}}), "consent request");
  EXPECT_EQ(refusal_problem(ToolResult{}), "result");
  EXPECT_NE(refusal_problem(ToolError{"tool_failed", "401 from the server", {}, 200}), "");
  EXPECT_NE(refusal_problem(ToolError{"tool_failed", "", {}, 0}), "");
  EXPECT_NE(refusal_problem(ToolError{"server_error", "", {}, 500}), "");
}

// Defect declined-500: the IUT fails instead of the call.
TEST(OAuthConsentChecksTest, ADeclinedConsentMustFailTheCallNotTheIut) {
  EXPECT_EQ(failed_call_problem(ToolError{"tool_failed", "consent_declined", {}, 200}), "");
  EXPECT_EQ(failed_call_problem(ToolError{"consent_declined", "", {}, 0}), "");
  EXPECT_NE(failed_call_problem(ToolError{"server_error", "", {}, 500}), "");
  EXPECT_NE(failed_call_problem(ToolError{"http_502", "", {}, 502}), "");
  EXPECT_NE(failed_call_problem(ToolError{"server_error", "", {}, 0}), "");
  EXPECT_NE(failed_call_problem(ToolResult{}), "");
  EXPECT_NE(failed_call_problem(ConsentRequired{}), "");
}

}  // namespace
}  // namespace toolauth::conformance
