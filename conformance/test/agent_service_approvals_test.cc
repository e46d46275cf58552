// The approvals group against the reference emulator (consent first, then approval, then the
// call as the user). That it fails when an approval stands in for the user's token is the
// emulator mutant approval-skips-consent's matrix test.
#include <gtest/gtest.h>

#include "agent_service_fixture.h"

namespace toolauth::conformance {
namespace {

TEST(AgentServiceApprovalsTest, ReferenceEmulatorPassesWithConsent) {
  const auto result = testing::run_agent_service_profile("agent-service/approvals/*").result;
  EXPECT_TRUE(result.ok()) << testing::not_passed(result);
  ASSERT_EQ(result.outcomes.size(), 1u);
  EXPECT_EQ(result.outcomes[0].id, "agent-service/approvals/with-consent");
  EXPECT_EQ(result.counts().passed, 1u) << testing::not_passed(result);
}

}  // namespace
}  // namespace toolauth::conformance
