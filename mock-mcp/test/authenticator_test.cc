#include "toolauth/mcp/authenticator.h"

#include <gtest/gtest.h>

#include "jwks_server.h"
#include "test_support.h"

namespace toolauth::mcp {
namespace {

using namespace std::chrono_literals;
using testing::IoThread;
using testing::JwksServer;
namespace net = boost::asio;

constexpr const char* kIssuer = "https://idp.test/tenant/v2.0";
constexpr const char* kAudience = "api://mcp";
constexpr const char* kTenant = "tenant-1";

class AuthenticatorTest : public ::testing::Test {
 protected:
  AuthenticatorTest() : jwks_(clock_), client_(io_.get_executor()), forge_(jwks_.key(), clock_) {}

  AuthPolicy bearer_policy() {
    AuthPolicy p;
    p.kind = AuthKind::bearer;
    p.bearer.issuers = {kIssuer};
    p.bearer.audiences = {kAudience};
    p.bearer.jwks_url = jwks_.url();
    p.bearer.required_scopes = {"Tools.Invoke"};
    p.bearer.required_roles = {"Tools.Invoke.All"};
    p.bearer.tenants = {kTenant};
    p.bearer.token_versions = {"2.0"};
    p.bearer.authorization_servers = {kIssuer};
    return p;
  }

  nlohmann::json user_claims() {
    return {{"iss", kIssuer},
            {"aud", kAudience},
            {"sub", "pairwise-sub"},
            {"oid", "alice-oid"},
            {"tid", kTenant},
            {"ver", "2.0"},
            {"scp", "Tools.Read Tools.Invoke"},
            {"idtyp", "user"},
            {"uti", "uti-1"},
            {"iat", clock_.unix_seconds()},
            {"nbf", clock_.unix_seconds()},
            {"exp", clock_.unix_seconds() + 3600},
            {"preferred_username", "alice@contoso"}};
  }

  AuthDecision authenticate(Authenticator& authenticator, std::string authorization) {
    http::Request request;
    if (!authorization.empty()) request.headers.add("Authorization", std::move(authorization));
    std::optional<AuthDecision> decision;
    net::co_spawn(
        io_,
        [&]() -> net::awaitable<void> { decision = co_await authenticator.authenticate(request); },
        net::detached);
    io_.restart();
    io_.run();
    return *decision;
  }

  AuthDecision with_token(core::Result<std::string> token, McpDefects defects = {}) {
    EXPECT_TRUE(token.ok());
    Authenticator authenticator(bearer_policy(), client_, clock_, revoked_, defects);
    return authenticate(authenticator, "Bearer " + *token);
  }

  static void expect_refused(const AuthDecision& d, int status, const char* error,
                             const char* reason) {
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.status, status);
    EXPECT_EQ(d.error, error);
    EXPECT_EQ(d.reason, reason);
  }

  core::ManualClock clock_{std::chrono::system_clock::now()};
  net::io_context io_;
  JwksServer jwks_;
  http::Client client_;
  jose::TokenForge forge_;
  RevocationList revoked_;
};

TEST_F(AuthenticatorTest, ValidUserTokenYieldsItsPrincipal) {
  auto d = with_token(forge_.valid(user_claims()));
  ASSERT_TRUE(d.allowed) << d.reason;
  EXPECT_EQ(d.principal->oid, "alice-oid");
  EXPECT_EQ(d.principal->tid, kTenant);
  EXPECT_EQ(d.principal->preferred_username, "alice@contoso");
  EXPECT_EQ(d.principal->partition(), std::string("token:") + kTenant + ":alice-oid");
  EXPECT_FALSE(d.principal->jti_hash.empty());
  EXPECT_EQ(d.principal->to_json().dump().find("uti-1"),
            std::string::npos);  // only a hash of the id
}

TEST_F(AuthenticatorTest, MissingTokenIs401WithoutErrorCode) {
  Authenticator authenticator(bearer_policy(), client_, clock_, revoked_);
  expect_refused(authenticate(authenticator, ""), 401, "", "missing");
  expect_refused(authenticate(authenticator, "Basic dXNlcjpwdw=="), 401, "invalid_token",
                 "malformed");
  expect_refused(authenticate(authenticator, "Bearer "), 401, "invalid_token", "malformed");
}

TEST_F(AuthenticatorTest, RejectsExpiredToken) {
  expect_refused(with_token(forge_.expired(user_claims())), 401, "invalid_token", "expired");
}

TEST_F(AuthenticatorTest, RejectsNotYetValidToken) {
  expect_refused(with_token(forge_.not_yet_valid(user_claims())), 401, "invalid_token",
                 "not_yet_valid");
}

TEST_F(AuthenticatorTest, RejectsTokenForAnotherAudience) {
  expect_refused(with_token(forge_.wrong_audience(user_claims())), 401, "invalid_token",
                 "wrong_audience");
}

TEST_F(AuthenticatorTest, RejectsTokenFromAnotherIssuer) {
  expect_refused(with_token(forge_.wrong_issuer(user_claims())), 401, "invalid_token",
                 "wrong_issuer");
}

TEST_F(AuthenticatorTest, RejectsAlgNone) {
  expect_refused(with_token(forge_.alg_none(user_claims())), 401, "invalid_token", "alg_none");
}

TEST_F(AuthenticatorTest, RejectsHs256KeyConfusion) {
  expect_refused(with_token(forge_.hs256_with_public_key(user_claims())), 401, "invalid_token",
                 "alg_not_allowed");
}

TEST_F(AuthenticatorTest, RejectsUnknownKid) {
  expect_refused(with_token(forge_.unknown_kid(user_claims())), 401, "invalid_token",
                 "unknown_kid");
}

TEST_F(AuthenticatorTest, RejectsBadSignature) {
  expect_refused(with_token(forge_.bad_signature(user_claims())), 401, "invalid_token",
                 "bad_signature");
}

TEST_F(AuthenticatorTest, RejectsTokenOfAnotherTenant) {
  auto claims = user_claims();
  claims["tid"] = "other-tenant";
  expect_refused(with_token(forge_.valid(claims)), 401, "invalid_token", "wrong_tenant");
}

TEST_F(AuthenticatorTest, RejectsTokenVersionNotAllowed) {
  auto claims = user_claims();
  claims["ver"] = "1.0";
  expect_refused(with_token(forge_.valid(claims)), 401, "invalid_token", "wrong_version");
}

TEST_F(AuthenticatorTest, MissingScopeIs403InsufficientScope) {
  auto claims = user_claims();
  claims["scp"] = "Tools.Read";
  expect_refused(with_token(forge_.valid(claims)), 403, "insufficient_scope", "insufficient_scope");
}

TEST_F(AuthenticatorTest, AppTokenNeedsTheRequiredRole) {
  auto claims = user_claims();
  claims.erase("scp");
  claims["idtyp"] = "app";
  claims["roles"] = {"Tools.Read.All"};
  expect_refused(with_token(forge_.valid(claims)), 403, "insufficient_scope", "insufficient_scope");
  claims["roles"] = {"Tools.Invoke.All"};
  EXPECT_TRUE(with_token(forge_.valid(claims)).allowed);
}

TEST_F(AuthenticatorTest, CachedTokenStillExpiresAndHonoursRevocation) {
  Authenticator authenticator(bearer_policy(), client_, clock_, revoked_);
  auto claims = user_claims();
  claims["exp"] = clock_.unix_seconds() + 120;
  const auto token = "Bearer " + *forge_.valid(claims);
  EXPECT_TRUE(authenticate(authenticator, token).allowed);
  EXPECT_TRUE(authenticate(authenticator, token).allowed);
  EXPECT_EQ(authenticator.cache_hits(), 1u);
  clock_.advance(120s + BearerPolicy::kDefaultLeeway);  // exactly at exp + leeway: expired
  expect_refused(authenticate(authenticator, token), 401, "invalid_token", "expired");

  claims["exp"] = clock_.unix_seconds() + 3600;
  const auto fresh = "Bearer " + *forge_.valid(claims);
  EXPECT_TRUE(authenticate(authenticator, fresh).allowed);
  revoked_.revoke("uti-1");
  expect_refused(authenticate(authenticator, fresh), 401, "invalid_token", "revoked");
}

// The cache is keyed by the token's bytes: only the very token that was verified is served
// from it, never one that differs in a single character and has the same length.
TEST_F(AuthenticatorTest, TamperedTokenOfTheSameLengthIsNotServedFromTheCache) {
  Authenticator authenticator(bearer_policy(), client_, clock_, revoked_);
  const auto token = *forge_.valid(user_claims());
  EXPECT_TRUE(authenticate(authenticator, "Bearer " + token).allowed);
  // A character in the middle of the signature, so the change is never in its padding bits.
  const auto signature = token.rfind('.') + 1;
  auto tampered = token;
  auto& c = tampered[signature + (token.size() - signature) / 2];
  c = c == 'A' ? 'B' : 'A';
  expect_refused(authenticate(authenticator, "Bearer " + tampered), 401, "invalid_token",
                 "bad_signature");
  EXPECT_EQ(authenticator.cache_hits(), 0u);
  // Leading spaces are not part of the token: the cached entry serves it.
  EXPECT_TRUE(authenticate(authenticator, "Bearer   " + token).allowed);
  EXPECT_EQ(authenticator.cache_hits(), 1u);
  // Nor is the tampered token cached by its refusal.
  expect_refused(authenticate(authenticator, "Bearer " + tampered), 401, "invalid_token",
                 "bad_signature");
  EXPECT_EQ(authenticator.cache_hits(), 1u);
}

TEST_F(AuthenticatorTest, KeyRotationRefetchesTheJwksOncePerCooldown) {
  Authenticator authenticator(bearer_policy(), client_, clock_, revoked_);
  const auto old_token = "Bearer " + *forge_.valid(user_claims());
  EXPECT_TRUE(authenticate(authenticator, old_token).allowed);
  EXPECT_EQ(jwks_.fetches, 1);
  jwks_.rotate(clock_);
  jose::TokenForge rotated(jwks_.key(), clock_);
  auto claims = user_claims();
  claims["uti"] = "uti-2";
  const auto new_token = "Bearer " + *rotated.valid(claims);
  // Within the cooldown the unknown kid is refused without another fetch...
  expect_refused(authenticate(authenticator, new_token), 401, "invalid_token", "unknown_kid");
  EXPECT_EQ(jwks_.fetches, 1);
  clock_.advance(JwksCache::kDefaultCooldown);
  // ...afterwards one fetch picks the new key up, and the old key is gone even for the cache.
  EXPECT_TRUE(authenticate(authenticator, new_token).allowed);
  EXPECT_EQ(jwks_.fetches, 2);
  expect_refused(authenticate(authenticator, old_token), 401, "invalid_token", "unknown_kid");
}

TEST_F(AuthenticatorTest, ApiKeyMustMatchExactly) {
  AuthPolicy policy;
  policy.kind = AuthKind::api_key;
  policy.api_key.headers = {"X-API-Key", "x-functions-key"};
  policy.api_key.keys = {{"primary", "key-primary-0123456789"},
                         {"secondary", "key-secondary-0123456789"}};
  Authenticator authenticator(policy, client_, clock_, revoked_);
  auto with_header = [&](std::string name, std::string value) {
    http::Request request;
    if (!name.empty()) request.headers.add(std::move(name), std::move(value));
    std::optional<AuthDecision> decision;
    net::co_spawn(
        io_,
        [&]() -> net::awaitable<void> { decision = co_await authenticator.authenticate(request); },
        net::detached);
    io_.restart();
    io_.run();
    return *decision;
  };
  expect_refused(with_header("", ""), 401, "", "missing");
  expect_refused(with_header("X-API-Key", "key-primary-012345678"), 401, "invalid_api_key",
                 "wrong_key");  // a prefix
  expect_refused(with_header("X-API-Key", "key-primary-0123456789x"), 401, "invalid_api_key",
                 "wrong_key");
  expect_refused(with_header("X-API-Key", "KEY-PRIMARY-0123456789"), 401, "invalid_api_key",
                 "wrong_key");
  auto ok = with_header("x-functions-key", "key-secondary-0123456789");
  ASSERT_TRUE(ok.allowed);
  EXPECT_EQ(ok.principal->key_id, "secondary");
  EXPECT_EQ(ok.principal->to_json().dump().find("key-secondary"), std::string::npos);
}

// Mutants (defects.h): each defect lets through exactly the attack it is named after.
TEST_F(AuthenticatorTest, DefectAcceptExpiredLetsOnlyExpiredTokensThrough) {
  const McpDefects defects{.accept_expired = true};
  EXPECT_TRUE(with_token(forge_.expired(user_claims()), defects).allowed);
  expect_refused(with_token(forge_.not_yet_valid(user_claims()), defects), 401, "invalid_token",
                 "not_yet_valid");
  expect_refused(with_token(forge_.wrong_audience(user_claims()), defects), 401, "invalid_token",
                 "wrong_audience");
}

TEST_F(AuthenticatorTest, DefectIgnoreAudienceLetsOnlyForeignAudiencesThrough) {
  const McpDefects defects{.ignore_audience = true};
  EXPECT_TRUE(with_token(forge_.wrong_audience(user_claims()), defects).allowed);
  expect_refused(with_token(forge_.expired(user_claims()), defects), 401, "invalid_token",
                 "expired");
  expect_refused(with_token(forge_.wrong_issuer(user_claims()), defects), 401, "invalid_token",
                 "wrong_issuer");
}

TEST_F(AuthenticatorTest, DefectAcceptAlgNoneLetsUnsignedTokensThrough) {
  const McpDefects defects{.accept_alg_none = true};
  EXPECT_TRUE(with_token(forge_.alg_none(user_claims()), defects).allowed);
  expect_refused(with_token(forge_.bad_signature(user_claims()), defects), 401, "invalid_token",
                 "bad_signature");
}

TEST_F(AuthenticatorTest, WithoutDefectsNoAttackGetsThrough) {
  for (auto token : {forge_.expired(user_claims()), forge_.wrong_audience(user_claims()),
                     forge_.alg_none(user_claims())}) {
    EXPECT_FALSE(with_token(std::move(token), McpDefects{}).allowed);
  }
}

TEST_F(AuthenticatorTest, DefectKeyPrefixMatchAcceptsAPrefixButNotAWrongKey) {
  AuthPolicy policy;
  policy.kind = AuthKind::api_key;
  policy.api_key.headers = {"X-API-Key"};
  policy.api_key.keys = {{"primary", "key-primary-0123456789"}};
  Authenticator authenticator(policy, client_, clock_, revoked_,
                              McpDefects{.key_prefix_match = true});
  auto with_key = [&](std::string value) {
    http::Request request;
    request.headers.add("X-API-Key", std::move(value));
    std::optional<AuthDecision> decision;
    net::co_spawn(
        io_,
        [&]() -> net::awaitable<void> { decision = co_await authenticator.authenticate(request); },
        net::detached);
    io_.restart();
    io_.run();
    return *decision;
  };
  EXPECT_TRUE(with_key("key-primary").allowed);
  expect_refused(with_key("key-secondary"), 401, "invalid_api_key", "wrong_key");
}

}  // namespace
}  // namespace toolauth::mcp
