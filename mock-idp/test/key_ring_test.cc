#include "toolauth/idp/key_ring.h"

#include <gtest/gtest.h>

namespace toolauth::idp {
namespace {

using namespace std::chrono_literals;

TEST(KeyRingTest, PublishesTheActiveKeyWithKidEqualToX5t) {
  core::ManualClock clock;
  auto ring = KeyRing::generate(clock);
  ASSERT_TRUE(ring.ok());
  const auto jwks = ring->jwks(std::string("https://i/v2.0"));
  ASSERT_EQ(jwks["keys"].size(), 1u);
  EXPECT_EQ(jwks["keys"][0]["kid"], ring->active().kid);
  EXPECT_EQ(jwks["keys"][0]["x5t"], ring->active().kid);
  EXPECT_EQ(jwks["keys"][0]["issuer"], "https://i/v2.0");
  EXPECT_TRUE(ring->find(ring->active().kid).has_value());
}

TEST(KeyRingTest, RotationKeepsTheOldKeyPublishedForTheOverlapOnly) {
  core::ManualClock clock;
  auto ring = KeyRing::generate(clock);
  const auto old_kid = ring->active().kid;
  ASSERT_TRUE(ring->rotate(60s).ok());
  EXPECT_NE(ring->active().kid, old_kid);
  EXPECT_EQ(ring->published_count(), 2u);
  EXPECT_TRUE(ring->find(old_kid).has_value());
  clock.advance(61s);
  EXPECT_EQ(ring->published_count(), 1u);
  EXPECT_FALSE(ring->find(old_kid).has_value());  // a retired key verifies nothing
  EXPECT_EQ(ring->jwks(std::nullopt)["keys"].size(), 1u);
}

TEST(KeyRingTest, RoundTripsThroughJson) {
  core::ManualClock clock;
  auto ring = KeyRing::generate(clock);
  ASSERT_TRUE(ring->rotate(3600s).ok());
  auto restored = KeyRing::from_json(ring->to_json(), clock);
  ASSERT_TRUE(restored.ok()) << restored.error().message();
  EXPECT_EQ(restored->active().kid, ring->active().kid);
  EXPECT_EQ(restored->jwks(std::nullopt), ring->jwks(std::nullopt));
}

TEST(KeyRingTest, MalformedPersistedRingIsAnErrorNotACrash) {
  core::ManualClock clock;
  EXPECT_FALSE(KeyRing::from_json(nlohmann::json::object(), clock).ok());
  EXPECT_FALSE(
      KeyRing::from_json({{"keys", {{{"key_pem", "x"}, {"certificate_pem", "y"}}}}}, clock).ok());
  EXPECT_FALSE(KeyRing::from_json({{"keys", {1}}}, clock).ok());
}

}  // namespace
}  // namespace toolauth::idp
