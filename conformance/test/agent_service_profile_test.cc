#include "toolauth/conformance/agent_service_profile.h"

#include <gtest/gtest.h>

#include "agent_service_fixture.h"
#include "toolauth/conformance/catalogue.h"

namespace toolauth::conformance {
namespace {

TEST(AgentServiceProfileTest, CatalogueHasTheAgreedIdsWithoutAnEnvironment) {
  AgentServiceProfile profile(nullptr, nullptr);
  EXPECT_EQ(profile.stamp(), "agent-service@1.1.0");
  std::vector<std::string> ids;
  for (const auto& s : profile.scenarios()) {
    ids.push_back(s.id);
    EXPECT_EQ(s.profile, "agent-service");
    EXPECT_FALSE(s.steps.empty()) << s.id;
    EXPECT_FALSE(s.spec_refs.empty()) << s.id;
  }
  const std::vector<std::string> agreed = {"agent-service/key/header-sent",
                                           "agent-service/key/not-sent-elsewhere",
                                           "agent-service/key/absent-from-output",
                                           "agent-service/key/rotation",
                                           "agent-service/managed-identity/audience-and-oid",
                                           "agent-service/managed-identity/token-cached",
                                           "agent-service/managed-identity/refreshed-before-expiry",
                                           "agent-service/agent-identity/oid-is-agent",
                                           "agent-service/agent-identity/per-agent",
                                           "agent-service/user-entra/obo-claims"};
  for (const auto& id : agreed) EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
  EXPECT_EQ(select(profile.scenarios(), "agent-service/key/*").size(), 4u);
}

TEST(AgentServiceProfileTest, CapabilitiesComeFromTheDriverAndEvidenceFromBothJournals) {
  const auto result = testing::run_agent_service_profile("agent-service/key/header-sent").result;
  EXPECT_EQ(result.capabilities,
            (std::set<std::string>{"approvals", "clock", "reconfigure", "restart"}));
  ASSERT_EQ(result.outcomes.size(), 1u);
  EXPECT_TRUE(result.outcomes[0].evidence.contains("idp"));
  EXPECT_FALSE(result.outcomes[0].evidence["mcp"].empty());
  EXPECT_EQ(result.target["driver"]["name"], "foundry");
  ASSERT_EQ(result.target["redirect_uris"].size(), 1u);
}

}  // namespace
}  // namespace toolauth::conformance
