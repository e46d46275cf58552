// The agent-identity group against the reference emulator: every scenario passes. That each fails
// on the defect it targets is proven on its judgement in agent_service_checks_test.cc (and by the
// emulator mutants' matrix test once they exist).
#include <gtest/gtest.h>

#include "agent_service_fixture.h"

namespace toolauth::conformance {
namespace {

TEST(AgentServiceAgentIdentityTest, ReferenceEmulatorPassesEveryScenario) {
  const auto result = testing::run_agent_service_profile("agent-service/agent-identity/*").result;
  EXPECT_TRUE(result.ok()) << testing::not_passed(result);
  EXPECT_EQ(result.outcomes.size(), 2u);
  EXPECT_EQ(result.counts().passed, 2u) << testing::not_passed(result);
}

}  // namespace
}  // namespace toolauth::conformance
