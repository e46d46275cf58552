// Tests of the IdP's runtime stores: codes, refresh tokens, sessions, consents, replay cache.
#include <gtest/gtest.h>

#include "test_world.h"
#include "toolauth/idp/auth_codes.h"
#include "toolauth/idp/consents.h"
#include "toolauth/idp/refresh_tokens.h"
#include "toolauth/idp/replay_cache.h"
#include "toolauth/idp/sessions.h"

namespace toolauth::idp {
namespace {

using namespace std::chrono_literals;

TEST(AuthCodeStoreTest, KeepsOnlyAHashOfTheCode) {
  core::ManualClock clock;
  AuthCodeStore store;
  const auto code = store.issue({.client_id = "c", .expires = clock.now() + 600s});
  ASSERT_NE(store.find(code), nullptr);
  EXPECT_EQ(store.find(code)->client_id, "c");
  EXPECT_EQ(store.find(code + "x"), nullptr);
  EXPECT_EQ(store.find(""), nullptr);
  clock.advance(std::chrono::hours(25));
  store.purge(clock.now());
  EXPECT_EQ(store.find(code), nullptr);
}

TEST(RefreshTokenStoreTest, EntraRotationKeepsThePresentedTokenUsable) {
  RefreshTokenStore store;
  const auto first = store.issue({.client_id = "c", .user = "alice"});
  auto* record = store.find(first);
  ASSERT_NE(record, nullptr);
  store.mark_used(*record, RefreshRotation::entra);
  EXPECT_EQ(store.find(first)->state, RefreshToken::State::active);
}

TEST(RefreshTokenStoreTest, StrictRotationRotatesOutAndFamilyRevocationCatchesTheNewest) {
  RefreshTokenStore store;
  const auto first = store.issue({.client_id = "c", .user = "alice"});
  const auto family = store.find(first)->family_id;
  store.mark_used(*store.find(first), RefreshRotation::strict);
  const auto second = store.issue({.family_id = family, .client_id = "c", .user = "alice"});
  EXPECT_EQ(store.find(first)->state, RefreshToken::State::rotated);
  EXPECT_EQ(store.find(second)->state, RefreshToken::State::active);
  EXPECT_EQ(store.revoke_family(family), 1u);  // only the newest was still usable
  EXPECT_EQ(store.find(second)->state, RefreshToken::State::revoked);
}

TEST(RefreshTokenStoreTest, RevokeUserLeavesOtherUsersAlone) {
  RefreshTokenStore store;
  const auto alice = store.issue({.client_id = "c", .user = "alice"});
  const auto bob = store.issue({.client_id = "c", .user = "bob"});
  EXPECT_EQ(store.revoke_user("alice"), 1u);
  EXPECT_EQ(store.find(alice)->state, RefreshToken::State::revoked);
  EXPECT_EQ(store.find(bob)->state, RefreshToken::State::active);
}

TEST(RefreshTokenStoreTest, PersistedFormHoldsNoTokenAndRoundTrips) {
  core::ManualClock clock;
  RefreshTokenStore store;
  const auto token = store.issue(
      {.client_id = "c", .user = "alice", .scope = "s", .expires = clock.now() + 3600s});
  const auto json = store.to_json();
  EXPECT_EQ(json.dump().find(token), std::string::npos);
  RefreshTokenStore restored;
  restored.load_json(json);
  ASSERT_NE(restored.find(token), nullptr);
  EXPECT_EQ(restored.find(token)->scope, "s");
  restored.load_json(nlohmann::json::parse(
      R"([{"hash": 5}, "x", {"hash": "h", "state": 7}])"));  // garbage is skipped
}

TEST(SessionStoreTest, ExpiredAndUnknownCookiesFindNothing) {
  core::ManualClock clock;
  SessionStore store;
  const auto cookie =
      store.start({.user = "alice", .tenant = "contoso", .expires = clock.now() + 60s});
  const auto* session = store.find(cookie, clock.now());
  ASSERT_NE(session, nullptr);
  EXPECT_FALSE(session->id.empty());
  EXPECT_EQ(store.find("forged", clock.now()), nullptr);
  clock.advance(61s);
  EXPECT_EQ(store.find(cookie, clock.now()), nullptr);
}

TEST(ConsentStoreTest, AdminConsentPreauthorizationAndUserConsent) {
  auto d = testing::default_directory();
  ConsentStore consents(d);
  const auto& foundry = *d.application_named("foundry");
  const auto& caller = *d.application_named("caller");
  const auto& connector = *d.application_named("connector");
  const auto& api = *d.application_named("mcp-api");
  const auto& alice = *d.user_named("alice");
  const auto& bob = *d.user_named("bob");
  EXPECT_TRUE(consents.covers(foundry, api, alice,
                              {"Tools.Read", "Tools.Invoke"}));  // admin consent (fixture)
  EXPECT_TRUE(
      consents.covers(caller, foundry, bob, {"user_impersonation"}));  // pre-authorized client
  EXPECT_FALSE(consents.covers(connector, api, alice, {"Tools.Read"}));
  consents.grant(connector, api, alice, {"Tools.Read"});
  EXPECT_TRUE(consents.covers(connector, api, alice, {"Tools.Read"}));
  EXPECT_FALSE(consents.covers(connector, api, alice, {"Tools.Invoke"}));
  EXPECT_FALSE(consents.covers(connector, api, bob, {"Tools.Read"}));  // consent is per user
  EXPECT_EQ(consents.revoke("connector", "", "alice"), 1u);
  EXPECT_FALSE(consents.covers(connector, api, alice, {"Tools.Read"}));
}

TEST(ConsentStoreTest, LoadDropsGrantsNamingUnknownPrincipals) {
  auto d = testing::default_directory();
  ConsentStore consents(d);
  consents.load_json(nlohmann::json::parse(R"([
    {"client": "connector", "resource": "mcp-api", "scopes": ["Tools.Read"], "user": "alice", "tenant": "contoso"},
    {"client": "ghost", "resource": "mcp-api", "scopes": ["Tools.Read"], "user": "alice", "tenant": "contoso"},
    {"client": 3}])"));
  EXPECT_EQ(consents.runtime_grants().size(), 1u);
}

TEST(ReplayCacheTest, SecondUseIsRefusedUntilExpiry) {
  core::ManualClock clock;
  ReplayCache cache;
  EXPECT_TRUE(cache.first_use("jti-1", clock.now() + 60s, clock.now()));
  EXPECT_FALSE(cache.first_use("jti-1", clock.now() + 60s, clock.now()));
  EXPECT_TRUE(cache.first_use("jti-2", clock.now() + 60s, clock.now()));
  clock.advance(61s);
  EXPECT_TRUE(cache.first_use("jti-1", clock.now() + 60s, clock.now()));
  EXPECT_EQ(cache.size(), 1u);  // expired entries are purged
}

}  // namespace
}  // namespace toolauth::idp
