// The hosted-agent profile against the sample hosted agent (examples/hosted-agent, Node) run
// by the in-process reference emulator, as `toolauth certify --profile hosted-agent` runs it:
// the reference platform with the sample passes every scenario, no secret reaches the report,
// and each hosted-agent mutant of the emulator fails exactly the scenarios it declares and
// still answers afterwards (one ctest per mutant).
//
// Built with TOOLAUTH_NODE (the interop tests' node) and TOOLAUTH_HOSTED_SAMPLE (agent.mjs).
#include <gtest/gtest.h>

#include <boost/asio/this_coro.hpp>
#include <ostream>
#include <set>
#include <stdexcept>

#include "toolauth/conformance/hosted_agent_mutants.h"
#include "toolauth/conformance/hosted_agent_profile.h"
#include "toolauth/conformance/json_report.h"
#include "toolauth/conformance/runner.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::conformance {

// The mutant's name in gtest output and ctest names.
void PrintTo(const EmulatorMutant& mutant, std::ostream* os) { *os << mutant.defect; }

namespace {

struct HostedSampleRun {
  RunResult run;
  std::vector<std::string> secrets;  // the run's tokens and the world's passwords and secrets
  int health_after = 0;
};

HostedSampleRun certify_sample(std::vector<std::string> defects = {}) {
  return toolauth::testing::run_sync<HostedSampleRun>(
      [&defects]() -> boost::asio::awaitable<HostedSampleRun> {
        auto executor = co_await boost::asio::this_coro::executor;
        auto env =
            Environment::start(executor, {.reference_emulator = hosted_agent_emulator(defects)});
        if (!env.ok()) throw std::runtime_error(env.error().message());
        HostedSampleRun out;
        {
          HostedAgentProfile profile(env->get(), {TOOLAUTH_NODE, TOOLAUTH_HOSTED_SAMPLE});
          out.run = co_await run_profile(profile, {.toolauth_version = "test"});
          out.secrets = profile.context().tokens().minted();
        }
        const auto& world = (*env)->world();
        for (const auto& u : world["users"]) out.secrets.push_back(u.value("password", ""));
        for (const auto& section : {"clients", "identities"}) {
          for (const auto& c : world[section]) {
            if (c.contains("client_secret")) out.secrets.push_back(c["client_secret"]);
          }
        }
        auto health =
            co_await (*env)->client().send({.url = (*env)->emulator()->url() + "/_admin/healthz"});
        out.health_after = health.ok() ? health->status : -1;
        (*env)->stop();
        co_return out;
      });
}

std::string not_passed(const RunResult& result) {
  std::string out = result.error.empty() ? "" : "run error: " + result.error + "\n";
  for (const auto& o : result.outcomes) {
    if (o.verdict != Verdict::passed)
      out += o.id + " " + std::string(to_string(o.verdict)) + ": " + o.reason + "\n";
  }
  return out;
}

TEST(HostedAgentSampleTest, PassesEveryScenarioAndNoSecretReachesTheReport) {
  const auto result = certify_sample();
  ASSERT_TRUE(result.run.error.empty()) << result.run.error;
  EXPECT_EQ(result.run.outcomes.size(), HostedAgentProfile(nullptr, {}).scenarios().size());
  EXPECT_TRUE(result.run.ok()) << not_passed(result.run);
  for (const auto& o : result.run.outcomes)
    EXPECT_EQ(o.verdict, Verdict::passed) << o.id << ": " << o.reason;
  EXPECT_EQ(result.run.stamp(), "hosted-agent@" + std::string(kHostedAgentProfileVersion));
  const auto report = json_report(result.run).dump();
  ASSERT_GT(result.secrets.size(), 5u);
  for (const auto& secret : result.secrets) {
    if (secret.size() < 8) continue;
    EXPECT_EQ(report.find(secret), std::string::npos) << "a secret reached the report";
  }
}

TEST(HostedAgentSampleTest, CatalogueIdsAreUniqueAndCoverTheIssue) {
  const HostedAgentProfile profile(nullptr, {});
  std::set<std::string> ids;
  for (const auto& s : profile.scenarios()) {
    EXPECT_TRUE(ids.insert(s.id).second) << "twice: " << s.id;
    EXPECT_TRUE(s.id.starts_with("hosted-agent/")) << s.id;
    EXPECT_FALSE(s.steps.empty()) << s.id;
  }
  for (const auto* id :
       {"hosted-agent/toolbox/consent-round-trip", "hosted-agent/toolbox/user-identity",
        "hosted-agent/identity/agent-acts-alone-for-apps",
        "hosted-agent/headers/no-caller-credentials", "hosted-agent/call-id/unknown-refused",
        "hosted-agent/call-id/reuse-for-another-user-refused"})
    EXPECT_TRUE(ids.contains(id)) << id;
  for (const auto& m : hosted_agent_mutants()) {
    for (const auto& id : m.caught_by) EXPECT_TRUE(ids.contains(id)) << m.defect << ": " << id;
  }
  EXPECT_GE(hosted_agent_mutants().size(), 5u);  // issue 7: at least 5 hosted-agent mutants
}

class HostedAgentMutantMatrixTest : public ::testing::TestWithParam<EmulatorMutant> {};

TEST_P(HostedAgentMutantMatrixTest, FailsExactlyTheDeclaredScenariosAndStaysHealthy) {
  const auto& mutant = GetParam();
  const auto result = certify_sample({mutant.defect});
  ASSERT_TRUE(result.run.error.empty()) << result.run.error;
  ASSERT_EQ(result.run.outcomes.size(), HostedAgentProfile(nullptr, {}).scenarios().size());
  std::set<std::string> failed;
  std::string others;
  const std::set<std::string> declared(mutant.caught_by.begin(), mutant.caught_by.end());
  for (const auto& o : result.run.outcomes) {
    if (o.verdict == Verdict::failed) failed.insert(o.id);
    if (o.verdict != Verdict::passed && !declared.contains(o.id))
      others += o.id + " " + std::string(to_string(o.verdict)) + ": " + o.reason + "\n";
  }
  EXPECT_EQ(failed, declared) << others;
  EXPECT_TRUE(others.empty()) << others;
  EXPECT_FALSE(result.run.ok());
  EXPECT_EQ(result.run.defects, std::vector<std::string>{mutant.defect});
  EXPECT_EQ(result.health_after, 200) << "the mutant stopped answering";
}

std::string mutant_test_name(const ::testing::TestParamInfo<EmulatorMutant>& info) {
  auto name = info.param.defect;
  for (auto& ch : name) {
    if (ch == '-') ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(HostedAgentMutants, HostedAgentMutantMatrixTest,
                         ::testing::ValuesIn(hosted_agent_mutants()), mutant_test_name);

}  // namespace
}  // namespace toolauth::conformance
