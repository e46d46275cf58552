#include "toolauth/conformance/emulator_mutants.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "toolauth/emulator/defects.h"

namespace toolauth::conformance {
namespace {

TEST(EmulatorMutantsTest, EveryEmulatorDefectHasExactlyOneMutantAndViceVersa) {
  std::set<std::string> declared;
  for (const auto& m : emulator_mutants()) {
    EXPECT_TRUE(declared.insert(m.defect).second) << "declared twice: " << m.defect;
  }
  std::set<std::string> known;
  for (auto name : emulator::known_emulator_defects()) known.emplace(name);
  EXPECT_EQ(declared, known);
  EXPECT_GE(emulator_mutants().size(), 15u);  // issue 6: at least 15 emulator mutants
}

TEST(EmulatorMutantsTest, EveryMutantNamesAgentServiceScenarios) {
  for (const auto& m : emulator_mutants()) {
    SCOPED_TRACE(m.defect);
    ASSERT_FALSE(m.caught_by.empty());
    std::set<std::string> unique(m.caught_by.begin(), m.caught_by.end());
    EXPECT_EQ(unique.size(), m.caught_by.size());
    for (const auto& id : m.caught_by) EXPECT_TRUE(id.starts_with("agent-service/")) << id;
  }
}

}  // namespace
}  // namespace toolauth::conformance
