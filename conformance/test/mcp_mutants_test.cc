#include "toolauth/conformance/mcp_mutants.h"

#include <gtest/gtest.h>

#include "toolauth/conformance/mcp_server_profile.h"
#include "toolauth/conformance/runner.h"
#include "world_fixture.h"

namespace toolauth::conformance {
namespace {

using boost::asio::awaitable;

struct MutantRun {
  RunResult run;
  int health_after = 0;
};

// Certifies a mock-mcp IUT started with `defect`, then checks it still answers.
MutantRun certify_mutant(const McpMutant& mutant) {
  return testing::with_environment<MutantRun>([&mutant](Environment& env) -> awaitable<MutantRun> {
    auto defects = mcp::parse_mcp_defects({mutant.defect});
    if (!defects.ok()) throw std::runtime_error(defects.error().message());
    auto iut = testing::start_iut(env, co_await boost::asio::this_coro::executor, *defects);
    McpServerTarget target{.url = iut->url() + "/mcp/" + mutant.mount};
    if (mutant.mount == "api-key") {
      const auto* mount = find_named(env.world(), "mounts", "api-key");
      target.auth = McpTargetAuth::api_key;
      target.api_key_header = mount->value("header", "");
      target.api_key = mount->value("key", "");
    }
    McpServerProfile profile(&env, target);
    MutantRun out;
    out.run = co_await run_profile(profile, {.toolauth_version = "test"});
    auto health = co_await env.client().send({.url = iut->url() + "/_admin/healthz"});
    out.health_after = health.ok() ? health->status : -1;
    iut->stop();
    co_return out;
  });
}

TEST(McpMutantsTest, EveryMutantIsCaughtByExactlyItsScenarios) {
  ASSERT_GE(mcp_mutants().size(), 5u);
  for (const auto& mutant : mcp_mutants()) {
    SCOPED_TRACE(mutant.defect);
    auto result = certify_mutant(mutant);
    ASSERT_TRUE(result.run.error.empty()) << result.run.error;
    std::vector<std::string> failed;
    for (const auto& o : result.run.outcomes) {
      if (o.verdict == Verdict::failed) failed.push_back(o.id);
    }
    EXPECT_EQ(failed, mutant.caught_by);
    EXPECT_FALSE(result.run.ok());
    // The mutant announced itself, and the run says so.
    EXPECT_EQ(result.run.defects, std::vector<std::string>{mutant.defect});
    EXPECT_EQ(result.health_after, 200) << "the mutant stopped answering";
  }
}

TEST(McpMutantsTest, EveryDefectOfMockMcpHasAMutant) {
  std::set<std::string> covered;
  for (const auto& m : mcp_mutants()) covered.insert(m.defect);
  for (auto name : mcp::known_mcp_defects()) EXPECT_TRUE(covered.contains(std::string(name)));
}

}  // namespace
}  // namespace toolauth::conformance
