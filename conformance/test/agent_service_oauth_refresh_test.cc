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

}  // namespace
}  // namespace toolauth::conformance
