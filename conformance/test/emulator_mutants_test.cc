#include "toolauth/conformance/emulator_mutants.h"

#include <gtest/gtest.h>

#include <boost/asio/this_coro.hpp>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>

#include "toolauth/conformance/agent_service_profile.h"
#include "toolauth/conformance/hosted_agent_mutants.h"
#include "toolauth/conformance/runner.h"
#include "toolauth/emulator/defects.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::conformance {

// The mutant's name in gtest output and ctest names (not its bytes).
void PrintTo(const EmulatorMutant& mutant, std::ostream* os) { *os << mutant.defect; }

namespace {

// Every defect is declared once, by the agent-service list or the hosted-agent one
// (tests/interop/hosted_agent_certify_test.cc runs the latter).
TEST(EmulatorMutantsTest, EveryEmulatorDefectHasExactlyOneMutantAndViceVersa) {
  std::set<std::string> declared;
  for (const auto* list : {&emulator_mutants(), &hosted_agent_mutants()}) {
    for (const auto& m : *list)
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

// The matrix (issue 6): the whole agent-service profile against the in-process reference
// emulator started as one mutant, as `toolauth certify --profile agent-service --defect NAME`
// runs it. One ctest per mutant, so ctest runs them in parallel.
struct EmulatorMutantRun {
  RunResult run;
  int health_after = 0;
};

EmulatorMutantRun certify_emulator_mutant(const std::string& defect) {
  return toolauth::testing::run_sync<EmulatorMutantRun>(
      [&defect]() -> boost::asio::awaitable<EmulatorMutantRun> {
        auto executor = co_await boost::asio::this_coro::executor;
        auto env = Environment::start(
            executor, {.reference_emulator = ReferenceEmulatorOptions{.defects = {defect}}});
        if (!env.ok()) throw std::runtime_error(env.error().message());
        EmulatorMutantRun out;
        {
          FoundryDriver driver(executor, foundry_options(**env));
          AgentServiceProfile profile(env->get(), &driver);
          out.run = co_await run_profile(profile, {.toolauth_version = "test"});
          co_await driver.bye();
        }
        // The emulator after the run (restarts included): the mutant must still answer.
        auto health =
            co_await (*env)->client().send({.url = (*env)->emulator()->url() + "/_admin/healthz"});
        out.health_after = health.ok() ? health->status : -1;
        (*env)->stop();
        co_return out;
      });
}

class EmulatorMutantMatrixTest : public ::testing::TestWithParam<EmulatorMutant> {};

TEST_P(EmulatorMutantMatrixTest, FailsExactlyTheDeclaredScenariosAndStaysHealthy) {
  const auto& mutant = GetParam();
  const auto result = certify_emulator_mutant(mutant.defect);
  ASSERT_TRUE(result.run.error.empty()) << result.run.error;
  ASSERT_EQ(result.run.outcomes.size(), AgentServiceProfile(nullptr, nullptr).scenarios().size())
      << "the whole profile ran";
  std::set<std::string> failed;
  std::string others;  // every undeclared scenario that did not pass, with its reason
  const std::set<std::string> declared(mutant.caught_by.begin(), mutant.caught_by.end());
  for (const auto& o : result.run.outcomes) {
    if (o.verdict == Verdict::failed) failed.insert(o.id);
    // The reference emulator passes every scenario (nothing skipped: the foundry driver and the
    // in-process emulator have every capability), so every other scenario must pass here too.
    if (o.verdict != Verdict::passed && !declared.contains(o.id))
      others += o.id + " " + std::string(to_string(o.verdict)) + ": " + o.reason + "\n";
  }
  EXPECT_EQ(failed, declared) << others;
  EXPECT_TRUE(others.empty()) << others;
  EXPECT_FALSE(result.run.ok());
  // The mutant announced itself, and the run (hence every report) says so.
  EXPECT_EQ(result.run.defects, std::vector<std::string>{mutant.defect});
  EXPECT_EQ(result.health_after, 200) << "the mutant stopped answering";
}

// "no-pkce" -> "no_pkce": gtest names allow letters, digits and underscores.
std::string mutant_test_name(const ::testing::TestParamInfo<EmulatorMutant>& info) {
  auto name = info.param.defect;
  for (auto& ch : name) {
    if (ch == '-') ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(EmulatorMutants, EmulatorMutantMatrixTest,
                         ::testing::ValuesIn(emulator_mutants()), mutant_test_name);

}  // namespace
}  // namespace toolauth::conformance
