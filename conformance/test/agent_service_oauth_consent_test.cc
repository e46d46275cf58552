// The OAuth2 consent scenarios against the reference emulator: all pass, each starting from
// "never consented". That each one fails on the defect it targets is proven on the judgements
// in oauth_consent_checks_test.cc (and by the emulator mutants' matrix test).
#include <gtest/gtest.h>

#include "agent_service_fixture.h"

namespace toolauth::conformance {
namespace {

const std::vector<std::string> kConsentScenarios = {"agent-service/oauth/first-use-consent",
                                                    "agent-service/oauth/resend-after-consent",
                                                    "agent-service/oauth/per-user",
                                                    "agent-service/oauth/per-connection",
                                                    "agent-service/oauth/per-project",
                                                    "agent-service/oauth/state-tampering",
                                                    "agent-service/oauth/consent-link-replay",
                                                    "agent-service/oauth/declined",
                                                    "agent-service/oauth/no-token-in-output",
                                                    "agent-service/oauth/cross-tenant-refused"};

std::string consent_glob() {
  std::string glob;
  for (const auto& id : kConsentScenarios) glob += (glob.empty() ? "" : ",") + id;
  return glob;
}

TEST(AgentServiceOAuthConsentTest, ReferenceEmulatorPassesEveryConsentScenario) {
  const auto result = testing::run_agent_service_profile(consent_glob()).result;
  EXPECT_TRUE(result.ok()) << testing::not_passed(result);
  ASSERT_EQ(result.outcomes.size(), kConsentScenarios.size()) << testing::not_passed(result);
  EXPECT_EQ(result.counts().passed, kConsentScenarios.size()) << testing::not_passed(result);
  for (std::size_t i = 0; i < kConsentScenarios.size(); ++i)
    EXPECT_EQ(result.outcomes[i].id, kConsentScenarios[i]);
}

// Scenarios isolate their consents: those that need a first-time user pass alone too, so none
// depends on what ran before it.
TEST(AgentServiceOAuthConsentTest, ScenariosNeedingAFirstTimeUserPassAloneToo) {
  for (const auto* id : {"agent-service/oauth/per-user", "agent-service/oauth/declined",
                         "agent-service/oauth/first-use-consent"}) {
    const auto result = testing::run_agent_service_profile(id).result;
    EXPECT_EQ(result.counts().passed, 1u) << id << "\n" << testing::not_passed(result);
  }
}

TEST(AgentServiceOAuthConsentTest, NoSecretReachesTheEvidence) {
  const auto run = testing::run_agent_service_profile(consent_glob());
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
