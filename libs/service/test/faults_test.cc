#include "toolauth/service/faults.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "toolauth/service/error.h"

namespace toolauth::service {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::map<std::string, std::string> kRefresh = {{"endpoint", "token"},
                                                     {"grant_type", "refresh_token"}};

json rule_with(json action, json match = json::object()) {
  return {{"match", std::move(match)}, {"action", std::move(action)}};
}

TEST(FaultInjectorTest, AddReturnsGeneratedOrGivenIdsAndListShowsTheRules) {
  FaultInjector faults(7);
  auto first = faults.add(rule_with({{"status", 503}}));
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_EQ(*first, "fault-1");
  auto named = faults.add({{"id", "expire-refresh"}, {"action", {{"status", 400}}}, {"count", 2}});
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(*named, "expire-refresh");
  EXPECT_EQ(faults.list(), (json{{"seed", 7},
                                 {"rules",
                                  {{{"id", "fault-1"},
                                    {"match", json::object()},
                                    {"action", {{"status", 503}}},
                                    {"remaining", nullptr},
                                    {"probability", 1.0},
                                    {"hits", 0}},
                                   {{"id", "expire-refresh"},
                                    {"match", json::object()},
                                    {"action", {{"status", 400}}},
                                    {"remaining", 2},
                                    {"probability", 1.0},
                                    {"hits", 0}}}}}));
}

TEST(FaultInjectorTest, GeneratedIdsSkipIdsAlreadyGiven) {
  FaultInjector faults;
  ASSERT_TRUE(faults.add({{"id", "fault-1"}, {"action", {{"drop", true}}}}).ok());
  EXPECT_EQ(*faults.add(rule_with({{"drop", true}})), "fault-2");
}

TEST(FaultInjectorTest, EveryActionMemberIsParsedAndListedBack) {
  const json action = {{"status", 400},
                       {"error", "invalid_grant"},
                       {"error_description", "AADSTS50173: The provided grant has expired"},
                       {"code", "AADSTS50173"},
                       {"retry_after", 5},
                       {"latency_ms", 200},
                       {"drop", true},
                       {"after_handling", true},
                       {"extra", {{"suberror", "bad_token"}}}};
  FaultInjector faults;
  ASSERT_TRUE(faults.add(rule_with(action, {{"endpoint", "token"}})).ok());
  const auto taken = faults.take({{"endpoint", "token"}});
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->status, 400);
  EXPECT_EQ(taken->error, "invalid_grant");
  EXPECT_EQ(taken->code, "AADSTS50173");
  EXPECT_EQ(taken->retry_after_seconds, 5);
  EXPECT_EQ(taken->latency, 200ms);
  EXPECT_TRUE(taken->drop_connection);
  EXPECT_TRUE(taken->after_handling);
  EXPECT_EQ(taken->extra, (json{{"suberror", "bad_token"}}));
  EXPECT_EQ(taken->to_json(), action);
  EXPECT_EQ(faults.list()["rules"][0]["action"], action);
}

TEST(FaultInjectorTest, TakeReturnsTheFirstMatchingRuleInInsertionOrder) {
  FaultInjector faults;
  ASSERT_TRUE(faults.add(rule_with({{"status", 500}}, {{"endpoint", "authorize"}})).ok());
  ASSERT_TRUE(faults.add(rule_with({{"status", 400}}, kRefresh)).ok());
  ASSERT_TRUE(faults.add(rule_with({{"status", 429}}, {{"endpoint", "token"}})).ok());
  EXPECT_EQ(faults.take(kRefresh)->status, 400);
  EXPECT_EQ(faults.take({{"endpoint", "token"}, {"grant_type", "client_credentials"}})->status,
            429);
  EXPECT_FALSE(faults.take({{"endpoint", "jwks"}}).has_value());
  EXPECT_EQ(faults.rules()[1].hits, 1u);
  EXPECT_EQ(faults.rules()[2].hits, 1u);
  EXPECT_EQ(faults.rules()[0].hits, 0u);
}

TEST(FaultInjectorTest, WildcardMatchesAnyPresentValueButNeverAnAbsentKey) {
  FaultInjector faults;
  ASSERT_TRUE(faults.add(rule_with({{"status", 503}}, {{"client_id", "*"}})).ok());
  EXPECT_TRUE(faults.take({{"client_id", "app-1"}}).has_value());
  EXPECT_TRUE(faults.take({{"client_id", ""}}).has_value());
  EXPECT_FALSE(faults.take({{"endpoint", "token"}}).has_value());
  EXPECT_FALSE(faults.take({}).has_value());
}

TEST(FaultInjectorTest, EmptyMatchFiresForEveryContext) {
  FaultInjector faults;
  ASSERT_TRUE(faults.add({{"action", {{"latency_ms", 10}}}}).ok());
  EXPECT_TRUE(faults.take({}).has_value());
  EXPECT_TRUE(faults.take(kRefresh).has_value());
}

TEST(FaultInjectorTest, ExhaustedRulesStayListedButNeverFireAgain) {
  FaultInjector faults;
  ASSERT_TRUE(faults.add({{"action", {{"status", 400}}}, {"count", 2}}).ok());
  ASSERT_TRUE(faults.add({{"action", {{"status", 503}}}}).ok());
  EXPECT_EQ(faults.take({})->status, 400);
  EXPECT_EQ(faults.take({})->status, 400);
  EXPECT_EQ(faults.take({})->status, 503);
  const auto listed = faults.list()["rules"][0];
  EXPECT_EQ(listed["remaining"], 0);
  EXPECT_EQ(listed["hits"], 2);
}

std::vector<bool> fire_pattern(FaultInjector& faults, int n) {
  std::vector<bool> out;
  for (int i = 0; i < n; ++i) out.push_back(faults.take({}).has_value());
  return out;
}

TEST(FaultInjectorTest, ProbabilityDrawsAreReproducibleFromTheSeed) {
  FaultInjector a(42), b(42), c(43);
  for (auto* f : {&a, &b, &c}) {
    ASSERT_TRUE(f->add({{"action", {{"status", 503}}}, {"probability", 0.5}}).ok());
  }
  const auto pattern = fire_pattern(a, 400);
  EXPECT_EQ(fire_pattern(b, 400), pattern);
  EXPECT_NE(fire_pattern(c, 400), pattern);
  const auto fired = std::count(pattern.begin(), pattern.end(), true);
  EXPECT_GT(fired, 140);
  EXPECT_LT(fired, 260);
  a.reseed(42);
  EXPECT_EQ(fire_pattern(a, 400), pattern);
  EXPECT_EQ(a.seed(), 42u);
}

TEST(FaultInjectorTest, AFailedDrawFallsThroughToTheNextRule) {
  FaultInjector faults(1);
  ASSERT_TRUE(faults.add({{"action", {{"status", 503}}}, {"probability", 0.25}}).ok());
  ASSERT_TRUE(faults.add({{"action", {{"status", 400}}}}).ok());
  int unavailable = 0, bad_request = 0;
  for (int i = 0; i < 200; ++i) {
    const auto action = faults.take({});
    ASSERT_TRUE(action.has_value());
    (action->status == 503 ? unavailable : bad_request)++;
  }
  EXPECT_GT(unavailable, 20);
  EXPECT_GT(bad_request, 100);
  EXPECT_EQ(faults.rules()[0].hits + faults.rules()[1].hits, 200u);
}

TEST(FaultInjectorTest, RemoveAndClear) {
  FaultInjector faults;
  const auto id = *faults.add({{"action", {{"status", 503}}}});
  ASSERT_TRUE(faults.add({{"action", {{"status", 400}}}}).ok());
  EXPECT_TRUE(faults.remove(id));
  EXPECT_FALSE(faults.remove(id));
  EXPECT_EQ(faults.take({})->status, 400);
  faults.clear();
  EXPECT_FALSE(faults.take({}).has_value());
  EXPECT_EQ(faults.list()["rules"], json::array());
}

TEST(FaultInjectorTest, ConcurrentTakesNeverExceedTheCount) {
  FaultInjector faults;
  ASSERT_TRUE(faults.add({{"action", {{"status", 503}}}, {"count", 100}}).ok());
  std::atomic<int> fired{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (faults.take({})) ++fired;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(fired.load(), 100);
}

// Every refusal names the offending key.
void expect_refused(const json& rule, std::string_view detail) {
  FaultInjector faults;
  const auto added = faults.add(rule);
  ASSERT_FALSE(added.ok()) << rule.dump();
  EXPECT_EQ(added.code(), Errc::invalid_rule) << rule.dump();
  EXPECT_EQ(added.error().detail, detail) << rule.dump();
  EXPECT_TRUE(faults.rules().empty());
}

TEST(FaultInjectorTest, RefusesRulesThatAreNotObjects) {
  expect_refused(json::array(), "rule: expected an object");
  expect_refused("status", "rule: expected an object");
}

TEST(FaultInjectorTest, RefusesUnknownKeys) {
  expect_refused({{"action", {{"status", 500}}}, {"cuont", 1}}, "cuont: unknown key");
  expect_refused({{"action", {{"status", 500}, {"latency", 5}}}}, "action.latency: unknown key");
}

TEST(FaultInjectorTest, RefusesAMissingOrEmptyAction) {
  expect_refused({{"match", {{"endpoint", "token"}}}}, "action: missing");
  expect_refused({{"action", json::object()}}, "action: expected at least one member");
  expect_refused({{"action", "fail"}}, "action: expected an object");
}

TEST(FaultInjectorTest, RefusesStatusOutside100To599OrNotAnInteger) {
  for (const json& status : {json(99), json(600), json(-400), json("400"), json(400.0),
                             json(nullptr), json(18446744073709551615ull)}) {
    expect_refused({{"action", {{"status", status}}}},
                   "action.status: expected an integer in 100..599");
  }
}

TEST(FaultInjectorTest, RefusesProbabilityOutsideZeroToOne) {
  for (const json& p : {json(0), json(0.0), json(-0.5), json(1.0000001), json(2), json("0.5")}) {
    expect_refused({{"action", {{"status", 503}}}, {"probability", p}},
                   "probability: expected a number in (0, 1]");
  }
}

TEST(FaultInjectorTest, RefusesCountBelowOne) {
  for (const json& count : {json(0), json(-1), json(1.5), json("1")}) {
    expect_refused({{"action", {{"status", 503}}}, {"count", count}},
                   "count: expected an integer of at least 1");
  }
}

TEST(FaultInjectorTest, RefusesNegativeOrOverlongLatency) {
  expect_refused({{"action", {{"latency_ms", -1}}}},
                 "action.latency_ms: expected an integer in "
                 "0..600000");
  expect_refused({{"action", {{"latency_ms", 600001}}}},
                 "action.latency_ms: expected an integer in 0..600000");
}

TEST(FaultInjectorTest, RefusesWrongTypesInTheAction) {
  expect_refused({{"action", {{"retry_after", -5}}}},
                 "action.retry_after: expected a non-negative integer (seconds)");
  expect_refused({{"action", {{"drop", "false"}}}}, "action.drop: expected true or false");
  expect_refused({{"action", {{"after_handling", 1}}}},
                 "action.after_handling: expected true or false");
  expect_refused({{"action", {{"extra", json::array()}}}}, "action.extra: expected an object");
  expect_refused({{"action", {{"error", 1}}}}, "action.error: expected a string");
  expect_refused({{"action", {{"code", nullptr}}}}, "action.code: expected a string");
}

TEST(FaultInjectorTest, RefusesMatchValuesThatAreNotStrings) {
  expect_refused({{"match", {{"status", 200}}}, {"action", {{"drop", true}}}},
                 "match.status: expected a string");
  expect_refused({{"match", json::array()}, {"action", {{"drop", true}}}},
                 "match: expected an object");
}

TEST(FaultInjectorTest, RefusesBadOrDuplicateIds) {
  for (const json& id :
       {json(""), json("has space"), json("a/b"), json(7), json(std::string(129, 'a'))}) {
    expect_refused({{"id", id}, {"action", {{"drop", true}}}},
                   "id: expected 1 to 128 characters from A-Z a-z 0-9 - _ . ~");
  }
  FaultInjector faults;
  ASSERT_TRUE(faults.add({{"id", "x"}, {"action", {{"drop", true}}}}).ok());
  const auto again = faults.add({{"id", "x"}, {"action", {{"status", 500}}}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.code(), Errc::invalid_rule);
  EXPECT_EQ(again.error().detail, "id: already used by another rule");
  EXPECT_EQ(faults.rules().size(), 1u);
}

}  // namespace
}  // namespace toolauth::service
