// The refresh judgements on hand-made mock-idp journal entries: each catches the defect its
// scenario targets (reuse of a rotated refresh token, one refresh per concurrent call) and
// accepts the reference shape.
#include "toolauth/conformance/agent_service_refresh_checks.h"

#include <gtest/gtest.h>

namespace toolauth::conformance {
namespace {

const std::string kClient = "connector-id";

nlohmann::json code_grant(int seq, std::string family, std::string issued) {
  return {{"seq", seq},
          {"kind", "token"},
          {"grant_type", "authorization_code"},
          {"client_id", kClient},
          {"outcome", "issued"},
          {"family", std::move(family)},
          {"refresh_issued", std::move(issued)}};
}

nlohmann::json refresh_grant(int seq, std::string family, std::string use, std::string issued) {
  nlohmann::json e = {{"seq", seq},
                      {"kind", "token"},
                      {"grant_type", "refresh_token"},
                      {"client_id", kClient},
                      {"family", std::move(family)},
                      {"use", std::move(use)},
                      {"rotation", "entra"}};
  if (issued.empty()) {
    e["outcome"] = "error";
    e["error"] = "invalid_grant";
  } else {
    e["outcome"] = "issued";
    e["refresh_issued"] = std::move(issued);
  }
  return e;
}

TEST(AgentServiceRefreshChecksTest, ARotatedChainHasNoProblem) {
  const nlohmann::json journal = {code_grant(1, "f1", "rt0"), refresh_grant(2, "f1", "rt0", "rt1"),
                                  refresh_grant(3, "f1", "rt1", "rt2")};
  EXPECT_TRUE(refresh_rotation_problems(journal, kClient).empty());
}

// reuse-refresh-token: the second refresh presents the code's refresh token again.
TEST(AgentServiceRefreshChecksTest, PresentingTheFirstRefreshTokenAgainIsCaught) {
  const nlohmann::json journal = {code_grant(1, "f1", "rt0"), refresh_grant(2, "f1", "rt0", "rt1"),
                                  refresh_grant(3, "f1", "rt0", "rt2")};
  const auto problems = refresh_rotation_problems(journal, kClient);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("rt0 again (first at #2)"), std::string::npos) << problems[0];
}

// An older token of the family than the latest one, never presented before (the code's token
// skipped, a refresh answer's token dropped).
TEST(AgentServiceRefreshChecksTest, PresentingAnOlderTokenThanTheLatestIsCaught) {
  const nlohmann::json journal = {code_grant(1, "f1", "rt0"), refresh_grant(2, "f1", "rt1", "rt2"),
                                  refresh_grant(3, "f1", "rt1x", "rt3")};
  const auto problems = refresh_rotation_problems(journal, kClient);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("not the family's latest rt0"), std::string::npos) << problems[0];
}

TEST(AgentServiceRefreshChecksTest, ReuseDetectedByMockIdpIsCaught) {
  auto reused = refresh_grant(2, "f1", "rt9", "");
  reused["reuse_detected"] = true;
  const auto problems = refresh_rotation_problems(nlohmann::json::array({reused}), kClient);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("reuse"), std::string::npos);
}

// Families and clients are judged apart: two families each used once are fine, and another
// client's entries do not count.
TEST(AgentServiceRefreshChecksTest, FamiliesAndClientsAreJudgedApart) {
  auto other = refresh_grant(5, "f1", "rt0", "rt7");
  other["client_id"] = "someone-else";
  const nlohmann::json journal = {code_grant(1, "f1", "rt0"), code_grant(2, "f2", "rt0b"),
                                  refresh_grant(3, "f2", "rt0b", "rt1b"),
                                  refresh_grant(4, "f1", "rt0", "rt1"), other};
  EXPECT_TRUE(refresh_rotation_problems(journal, kClient).empty());
}

// no-single-flight: three concurrent calls, three refreshes of one token.
TEST(AgentServiceRefreshChecksTest, TokenGrantsCountEveryRefreshOfTheClient) {
  const nlohmann::json journal = {code_grant(1, "f1", "rt0"), refresh_grant(2, "f1", "rt0", "rt1"),
                                  refresh_grant(3, "f1", "rt0", "rt2"),
                                  refresh_grant(4, "f1", "rt0", "")};
  const auto refreshes = token_grants(journal, "refresh_token", kClient);
  EXPECT_EQ(refreshes.size(), 3u);
  EXPECT_EQ(issued_count(refreshes), 2u);
  EXPECT_EQ(token_grants(journal, "authorization_code", kClient).size(), 1u);
  EXPECT_TRUE(token_grants(journal, "refresh_token", "someone-else").empty());
  EXPECT_EQ(refresh_rotation_problems(journal, kClient).size(), 2u);
}

}  // namespace
}  // namespace toolauth::conformance
