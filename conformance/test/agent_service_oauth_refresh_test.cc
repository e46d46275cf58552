// The oauth refresh-and-restart scenarios against the reference emulator: every one passes.
// That each fails on the defect it targets is proven on its judgement in
// agent_service_refresh_checks_test.cc and by the emulator mutants' matrix test.
#include <gtest/gtest.h>

#include "agent_service_fixture.h"

namespace toolauth::conformance {
namespace {

const char* const kRefreshScenarios[] = {
    "agent-service/oauth/refresh-on-expiry",   "agent-service/oauth/revoked-refresh-reconsent",
    "agent-service/oauth/refresh-rotation",    "agent-service/oauth/concurrent-single-refresh",
    "agent-service/oauth/mcp-401-one-refresh", "agent-service/oauth/survives-restart",
};

TEST(AgentServiceOAuthRefreshTest, ReferenceEmulatorPassesEveryScenario) {
  std::string glob;
  for (const auto* id : kRefreshScenarios) glob += (glob.empty() ? "" : ",") + std::string(id);
  const auto result = testing::run_agent_service_profile(glob).result;
  EXPECT_TRUE(result.ok()) << testing::not_passed(result);
  EXPECT_EQ(result.outcomes.size(), std::size(kRefreshScenarios)) << testing::not_passed(result);
  EXPECT_EQ(result.counts().passed, std::size(kRefreshScenarios)) << testing::not_passed(result);
}

// An IUT that keeps its own time (a driver without the "clock" capability): the scenarios
// that let tokens expire give them seconds of life, wait that out in real time and have
// mock-mcp refuse the expired ones. Real waits: about 4 + 4 + 4.5 s.
const char* const kExpiryScenarios =
    "agent-service/oauth/refresh-on-expiry,agent-service/oauth/concurrent-single-refresh,"
    "agent-service/managed-identity/refreshed-before-expiry";

void without_clock(FoundryDriverOptions& options) { options.shares_clock = false; }

TEST(AgentServiceOAuthRefreshTest, WithoutTheClockExpiryComesFromShortLifetimesAndRealTime) {
  const auto result =
      testing::run_agent_service_profile(kExpiryScenarios, {}, {}, without_clock).result;
  EXPECT_TRUE(result.ok()) << testing::not_passed(result);
  ASSERT_EQ(result.outcomes.size(), 3u) << testing::not_passed(result);
  EXPECT_EQ(result.counts().passed, 3u) << testing::not_passed(result);
  for (const auto& outcome : result.outcomes) {
    bool waited = false, moved = false;
    for (const auto& step : outcome.steps) {
      waited |=
          step.find("wait") != std::string::npos && step.find("real time") != std::string::npos;
      moved |= step.find("advance the shared clock") != std::string::npos;
    }
    EXPECT_TRUE(waited) << outcome.id;
    EXPECT_FALSE(moved) << outcome.id;
  }
}

TEST(AgentServiceOAuthRefreshTest, WithoutTheClockAnIutThatNeverRefreshesFailsRefreshOnExpiry) {
  const auto result =
      testing::run_agent_service_profile(
          "agent-service/oauth/refresh-on-expiry",
          [](emulator::EmulatorServerOptions& o) { o.defects = {"no-refresh"}; }, {}, without_clock)
          .result;
  EXPECT_EQ(testing::verdict_of(result, "agent-service/oauth/refresh-on-expiry"), Verdict::failed)
      << testing::not_passed(result);
}

TEST(AgentServiceOAuthRefreshTest, WithoutTheClockRacingRefreshesFailConcurrentSingleRefresh) {
  const auto result =
      testing::run_agent_service_profile(
          "agent-service/oauth/concurrent-single-refresh",
          [](emulator::EmulatorServerOptions& o) { o.defects = {"no-single-flight"}; }, {},
          without_clock)
          .result;
  EXPECT_EQ(testing::verdict_of(result, "agent-service/oauth/concurrent-single-refresh"),
            Verdict::failed)
      << testing::not_passed(result);
}

}  // namespace
}  // namespace toolauth::conformance
