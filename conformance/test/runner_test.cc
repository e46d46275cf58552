#include "toolauth/conformance/runner.h"

#include <gtest/gtest.h>

#include "toolauth/testing/run_sync.h"

namespace toolauth::conformance {
namespace {

using boost::asio::awaitable;

// A profile with hand-made scenarios and one in-memory journal.
class FakeProfile final : public Profile {
 public:
  std::string name() const override { return "fake"; }
  std::string version() const override { return "9.9.9"; }
  const std::vector<Scenario>& scenarios() const override { return scenarios_; }
  awaitable<core::Result<void>> prepare() override {
    ++prepared;
    co_return core::Result<void>{};
  }
  std::set<std::string> capabilities() const override { return {"have"}; }
  nlohmann::json target() const override { return {{"url", "fake://iut"}}; }
  std::vector<std::string> defects() const override { return {"some-defect"}; }
  std::vector<JournalSource> journals() override {
    return {{"idp",
             [this]() -> awaitable<core::Result<std::uint64_t>> { co_return journal.size(); },
             [this](std::uint64_t after) -> awaitable<core::Result<nlohmann::json>> {
               nlohmann::json out = nlohmann::json::array();
               for (auto i = after; i < journal.size(); ++i) out.push_back(journal[i]);
               co_return out;
             }}};
  }
  awaitable<void> after_scenario() override {
    ++cleanups;
    co_return;
  }

  void add(std::string id, std::vector<std::string> capabilities, Scenario::Body body) {
    Scenario s;
    s.id = "fake/" + id;
    s.profile = "fake";
    s.capabilities = std::move(capabilities);
    s.body = std::move(body);
    scenarios_.push_back(std::move(s));
  }

  std::vector<nlohmann::json> journal;
  int prepared = 0;
  int cleanups = 0;

 private:
  std::vector<Scenario> scenarios_;
};

RunResult run(FakeProfile& profile, RunOptions options = {}) {
  return toolauth::testing::run_sync<RunResult>(
      [&]() -> awaitable<RunResult> { co_return co_await run_profile(profile, options); });
}

TEST(RunnerTest, JudgesEachScenarioAndKeepsItsEvidence) {
  FakeProfile p;
  p.add("pass", {}, [&p](ScenarioRecord& r) -> awaitable<void> {
    p.journal.push_back({{"kind", "token"}});
    r.step("asked for a token");
    r.check("status", true, "200", "200");
    co_return;
  });
  p.add("fail", {}, [](ScenarioRecord& r) -> awaitable<void> {
    r.check("status", false, "401", "200");
    co_return;
  });
  p.add("empty", {}, [](ScenarioRecord&) -> awaitable<void> { co_return; });
  p.add("throws", {}, [](ScenarioRecord&) -> awaitable<void> {
    throw std::runtime_error("boom");
    co_return;
  });
  p.add("needs", {"missing-capability"}, [](ScenarioRecord& r) -> awaitable<void> {
    r.check("never", true, "", "");
    co_return;
  });
  p.add("skips", {"have"}, [](ScenarioRecord& r) -> awaitable<void> {
    r.skip("unsupported");
    co_return;
  });
  std::vector<std::string> progress;
  RunOptions options;
  options.toolauth_version = "0.1.0";
  options.on_result = [&](const Outcome& o, std::size_t i, std::size_t n) {
    progress.push_back(std::to_string(i + 1) + "/" + std::to_string(n) + " " + o.id);
  };
  auto result = run(p, options);
  ASSERT_EQ(result.outcomes.size(), 6u);
  EXPECT_EQ(result.stamp(), "fake@9.9.9");
  EXPECT_EQ(result.defects, std::vector<std::string>{"some-defect"});
  EXPECT_EQ(result.outcomes[0].verdict, Verdict::passed);
  ASSERT_EQ(result.outcomes[0].evidence["idp"].size(), 1u);
  EXPECT_EQ(result.outcomes[0].evidence["idp"][0]["kind"], "token");
  EXPECT_EQ(result.outcomes[1].verdict, Verdict::failed);
  EXPECT_EQ(result.outcomes[1].reason, "status: expected 401, got 200");
  EXPECT_EQ(result.outcomes[2].verdict, Verdict::failed);  // checked nothing
  EXPECT_EQ(result.outcomes[3].verdict, Verdict::failed);
  EXPECT_NE(result.outcomes[3].reason.find("boom"), std::string::npos);
  EXPECT_EQ(result.outcomes[4].verdict, Verdict::skipped);
  EXPECT_NE(result.outcomes[4].reason.find("missing-capability"), std::string::npos);
  EXPECT_EQ(result.outcomes[5].verdict, Verdict::skipped);
  EXPECT_EQ(result.outcomes[5].reason, "unsupported");
  EXPECT_EQ(p.prepared, 1);
  EXPECT_EQ(p.cleanups, 5);  // not for the capability skip
  EXPECT_EQ(progress.front(), "1/6 fake/pass");
  EXPECT_FALSE(result.ok());
}

TEST(RunnerTest, RunsOnlyTheSelectedScenarios) {
  FakeProfile p;
  int ran = 0;
  for (auto id : {"a/one", "a/two", "b/one"}) {
    p.add(id, {}, [&ran](ScenarioRecord& r) -> awaitable<void> {
      ++ran;
      r.check("ok", true, "", "");
      co_return;
    });
  }
  auto result = run(p, {.scenarios = "fake/a/*"});
  EXPECT_EQ(ran, 2);
  EXPECT_EQ(result.outcomes.size(), 2u);
  EXPECT_TRUE(result.ok());
}

}  // namespace
}  // namespace toolauth::conformance
