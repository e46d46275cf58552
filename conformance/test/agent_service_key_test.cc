// The key group against the reference emulator: all four scenarios pass. That each one fails
// on the defect it targets is proven on the judgements in agent_service_checks_test.cc (and by
// the emulator mutants' matrix test once they exist).
#include <gtest/gtest.h>

#include "agent_service_fixture.h"

namespace toolauth::conformance {
namespace {

TEST(AgentServiceKeyTest, ReferenceEmulatorPassesEveryKeyScenario) {
  const auto result = testing::run_agent_service_profile("agent-service/key/*").result;
  EXPECT_TRUE(result.ok()) << testing::not_passed(result);
  ASSERT_EQ(result.outcomes.size(), 4u);
  EXPECT_EQ(result.counts().passed, 4u) << testing::not_passed(result);
  const std::vector<std::string> ids = {
      "agent-service/key/header-sent", "agent-service/key/not-sent-elsewhere",
      "agent-service/key/absent-from-output", "agent-service/key/rotation"};
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(result.outcomes[i].id, ids[i]);
}

TEST(AgentServiceKeyTest, NoSecretReachesTheEvidence) {
  const auto run = testing::run_agent_service_profile("agent-service/key/*");
  std::string text;
  for (const auto& o : run.result.outcomes)
    text += o.evidence.dump() + o.observations.dump() + nlohmann::json(o.steps).dump();
  ASSERT_FALSE(text.empty());
  ASSERT_GE(run.secrets.size(), 3u);
  for (const auto& secret : run.secrets) {
    if (secret.empty()) continue;
    EXPECT_EQ(text.find(secret), std::string::npos) << "a secret of length " << secret.size();
  }
}

}  // namespace
}  // namespace toolauth::conformance
