#include "toolauth/service/journal.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "toolauth/service/error.h"

namespace toolauth::service {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::vector<std::uint64_t> seqs(const std::vector<JournalEntry>& entries) {
  std::vector<std::uint64_t> out;
  for (const auto& e : entries) out.push_back(e.seq);
  return out;
}

TEST(JournalTest, RecordAssignsConsecutiveSequenceNumbersAndTheClockTime) {
  core::ManualClock clock;
  Journal journal(clock);
  EXPECT_EQ(journal.last_seq(), 0u);
  EXPECT_EQ(journal.record("a", {{"x", 1}}), 1u);
  clock.advance(5s);
  EXPECT_EQ(journal.record("b", {{"x", 2}}), 2u);
  EXPECT_EQ(journal.last_seq(), 2u);
  const auto all = journal.query({});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].kind, "a");
  EXPECT_EQ(all[1].at - all[0].at, 5s);
  EXPECT_EQ(all[1].fields, (json{{"x", 2}}));
}

TEST(JournalTest, SecretsAreRedactedBeforeTheyAreStored) {
  core::ManualClock clock;
  Journal journal(clock);
  journal.record("token.request", {{"client_secret", "s3cret"},
                                   {"form", {{"password", "hunter2"}, {"username", "adele"}}},
                                   {"header", "Bearer abc.def"},
                                   {"grant_type", "password"}});
  const auto stored = journal.query({})[0].fields;
  EXPECT_EQ(stored["client_secret"], "[redacted]");
  EXPECT_EQ(stored["form"]["password"], "[redacted]");
  EXPECT_EQ(stored["form"]["username"], "adele");
  EXPECT_EQ(stored["header"], "Bearer [redacted]");
  EXPECT_EQ(stored["grant_type"], "password");
  EXPECT_EQ(json(stored).dump().find("hunter2"), std::string::npos);
}

TEST(JournalTest, NonObjectFieldsAreKeptUnderValue) {
  core::ManualClock clock;
  Journal journal(clock);
  journal.record("a", nullptr);
  journal.record("b", json::array({1, 2}));
  const auto all = journal.query({});
  EXPECT_EQ(all[0].fields, json::object());
  EXPECT_EQ(all[1].fields, (json{{"value", {1, 2}}}));
}

// Deferred fields of the tests below: a fixed tree, counting how often it is rendered.
class CountedJournalFields final : public JournalFields {
 public:
  CountedJournalFields(json tree, int* renders) : tree_(std::move(tree)), renders_(renders) {}
  json render() const override {
    ++*renders_;
    return tree_;
  }

 private:
  json tree_;
  int* renders_;
};

TEST(JournalTest, DeferredFieldsReadBackExactlyAsTheSameFieldsRecordedEagerly) {
  core::ManualClock clock;
  Journal journal(clock);
  int renders = 0;
  const std::vector<json> trees = {
      {{"client_secret", "s3cret"},
       {"headers", {{"Authorization", "Bearer abc.def"}, {"X-Trace", "token=abc"}}},
       {"status", 200},
       {"rpc", {"tools/call"}},
       {"empty_key", ""}},
      {{"bytes", "caf\xe9"},
       {"bad\xff", "x"},
       {"truncated", "\xe2\x82"},
       {"surrogate", "\xed\xa0\x80"}},
      {{"overlong", "\xc0\xaf"}, {"fine", "\xe2\x82\xac \xf0\x9f\x98\x80"}},
      json(nullptr),
      json::array({1, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"})};
  for (const auto& tree : trees) {
    const int rendered_before = renders;
    const auto eager = journal.record("eager", tree);
    const auto deferred =
        journal.record_deferred("deferred", std::make_unique<CountedJournalFields>(tree, &renders));
    EXPECT_EQ(renders, rendered_before);  // nothing is built on the recording path
    const auto read = journal.query({.after_seq = eager - 1, .limit = 2});
    ASSERT_EQ(read.size(), 2u);
    EXPECT_EQ(read[1].seq, deferred);
    EXPECT_EQ(read[1].fields, read[0].fields) << read[0].fields.dump();
    auto eager_json = Journal::to_json(read[0]);
    auto deferred_json = Journal::to_json(read[1]);
    eager_json.erase("seq");
    eager_json.erase("kind");
    deferred_json.erase("seq");
    deferred_json.erase("kind");
    EXPECT_EQ(deferred_json.dump(), eager_json.dump());
  }
  EXPECT_EQ(renders, static_cast<int>(trees.size()));
  const auto secrets = journal.query({.kind = "deferred", .limit = 1})[0].fields;
  EXPECT_EQ(secrets["client_secret"], "[redacted]");
  EXPECT_EQ(secrets["headers"]["Authorization"], "[redacted]");
  EXPECT_EQ(secrets["headers"]["X-Trace"], "token=[redacted]");
  EXPECT_EQ(secrets["empty_key"], "");
}

TEST(JournalTest, DeferredFieldsAreMatchedPagedAndEvictedLikeOthers) {
  core::ManualClock clock;
  Journal journal(clock, 2);
  int renders = 0;
  journal.record_deferred("d", std::make_unique<CountedJournalFields>(json{{"n", 1}}, &renders));
  journal.record_deferred("d", std::make_unique<CountedJournalFields>(json{{"n", 2}}, &renders));
  journal.record_deferred("d", std::unique_ptr<const JournalFields>());  // none: kept as {}
  EXPECT_EQ(journal.dropped(), 1u);
  const auto matched = journal.query({.where = {{"n", "2"}}});
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0].seq, 2u);
  EXPECT_EQ(journal.query({.after_seq = 2})[0].fields, json::object());
}

TEST(JournalTest, QueryFiltersByKindAndPagesWithAfterAndLimit) {
  core::ManualClock clock;
  Journal journal(clock);
  for (int i = 0; i < 10; ++i) journal.record(i % 2 ? "odd" : "even", {{"i", i}});
  EXPECT_EQ(seqs(journal.query({.kind = "odd"})), (std::vector<std::uint64_t>{2, 4, 6, 8, 10}));
  EXPECT_EQ(seqs(journal.query({.kind = "odd", .limit = 2})), (std::vector<std::uint64_t>{2, 4}));
  EXPECT_EQ(seqs(journal.query({.kind = "odd", .after_seq = 4, .limit = 2})),
            (std::vector<std::uint64_t>{6, 8}));
  EXPECT_EQ(seqs(journal.query({.after_seq = 8})), (std::vector<std::uint64_t>{9, 10}));
  EXPECT_TRUE(journal.query({.after_seq = 10}).empty());
  EXPECT_TRUE(journal.query({.after_seq = 1000}).empty());
  EXPECT_TRUE(journal.query({.limit = 0}).empty());
  EXPECT_TRUE(journal.query({.kind = "none"}).empty());
}

TEST(JournalTest, WhereMatchesDottedPathsScalarsAndArrays) {
  core::ManualClock clock;
  Journal journal(clock);
  journal.record("t", {{"user", {{"oid", "u1"}, {"admin", true}}},
                       {"status", 200},
                       {"scopes", {"openid", "profile"}},
                       {"tools", {{{"name", "search"}}, {{"name", "fetch"}}}},
                       {"ratio", 0.5},
                       {"none", nullptr}});
  journal.record("t", {{"user", {{"oid", "u2"}, {"admin", false}}}, {"status", 400}});
  auto where = [&](std::map<std::string, std::string> w) {
    return seqs(journal.query({.where = std::move(w)}));
  };
  using V = std::vector<std::uint64_t>;
  EXPECT_EQ(where({{"user.oid", "u1"}}), V{1});
  EXPECT_EQ(where({{"user.oid", "u2"}}), V{2});
  EXPECT_EQ(where({{"user.admin", "true"}}), V{1});
  EXPECT_EQ(where({{"user.admin", "false"}}), V{2});
  EXPECT_EQ(where({{"status", "400"}}), V{2});
  EXPECT_EQ(where({{"scopes", "profile"}}), V{1});
  EXPECT_EQ(where({{"tools.name", "fetch"}}), V{1});
  EXPECT_EQ(where({{"ratio", "0.5"}}), V{1});
  EXPECT_EQ(where({{"none", "null"}}), V{1});
  EXPECT_EQ(where({{"user.oid", "u1"}, {"status", "200"}}), V{1});
  EXPECT_EQ(where({{"user.oid", "u1"}, {"status", "400"}}), V{});
}

TEST(JournalTest, WhereFindsMemberNamesThatContainDots) {
  core::ManualClock clock;
  Journal journal(clock);
  journal.record("t", {{"claims", {{"scp.read", "yes"}}}, {"a.b", "flat"}});
  EXPECT_EQ(journal.query({.where = {{"claims.scp.read", "yes"}}}).size(), 1u);
  EXPECT_EQ(journal.query({.where = {{"a.b", "flat"}}}).size(), 1u);
}

TEST(JournalTest, WhereNeverMatchesObjectsAbsentFieldsOrOtherTypes) {
  core::ManualClock clock;
  Journal journal(clock);
  journal.record("t", {{"user", {{"oid", "u1"}}}, {"status", 200}, {"flag", "true"}});
  EXPECT_TRUE(journal.query({.where = {{"user", R"({"oid":"u1"})"}}}).empty());
  EXPECT_TRUE(journal.query({.where = {{"missing", "x"}}}).empty());
  EXPECT_TRUE(journal.query({.where = {{"user.missing", "x"}}}).empty());
  EXPECT_TRUE(journal.query({.where = {{"status.x", "200"}}}).empty());
  EXPECT_TRUE(journal.query({.where = {{"status", "200.0"}}}).empty());
  // A string is compared as text: "true" the string matches, but so does only "true".
  EXPECT_EQ(journal.query({.where = {{"flag", "true"}}}).size(), 1u);
  EXPECT_TRUE(journal.query({.where = {{"flag", "\"true\""}}}).empty());
}

TEST(JournalTest, CapacityEvictsTheOldestAndCountsThem) {
  core::ManualClock clock;
  Journal journal(clock, 3);
  for (int i = 0; i < 5; ++i) journal.record("e", {{"i", i}});
  EXPECT_EQ(journal.size(), 3u);
  EXPECT_EQ(journal.dropped(), 2u);
  EXPECT_EQ(journal.last_seq(), 5u);
  EXPECT_EQ(seqs(journal.query({})), (std::vector<std::uint64_t>{3, 4, 5}));
  // A reader that fell behind gets what is left, and can tell from dropped() that it missed some.
  EXPECT_EQ(seqs(journal.query({.after_seq = 1})), (std::vector<std::uint64_t>{3, 4, 5}));
  EXPECT_EQ(seqs(journal.query({.after_seq = 3})), (std::vector<std::uint64_t>{4, 5}));
}

TEST(JournalTest, ZeroCapacityKeepsNothingButCountsEverything) {
  core::ManualClock clock;
  Journal journal(clock, 0);
  EXPECT_EQ(journal.record("e", {}), 1u);
  EXPECT_EQ(journal.record("e", {}), 2u);
  EXPECT_TRUE(journal.query({}).empty());
  EXPECT_EQ(journal.dropped(), 2u);
}

TEST(JournalTest, PageCarriesTheCountersOfTheSameMoment) {
  core::ManualClock clock;
  Journal journal(clock, 2);
  for (int i = 0; i < 3; ++i) journal.record(i == 1 ? "b" : "a", {});
  const auto page = journal.page({.kind = "a"});
  EXPECT_EQ(seqs(page.entries), (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(page.last_seq, 3u);
  EXPECT_EQ(page.dropped, 1u);
}

TEST(JournalTest, ClearForgetsEntriesButSequenceNumbersCarryOn) {
  core::ManualClock clock;
  Journal journal(clock, 1);
  journal.record("e", {});
  journal.record("e", {});
  ASSERT_EQ(journal.dropped(), 1u);
  journal.clear();
  EXPECT_EQ(journal.size(), 0u);
  EXPECT_EQ(journal.dropped(), 0u);
  EXPECT_EQ(journal.last_seq(), 2u);
  EXPECT_EQ(journal.record("e", {}), 3u);
  EXPECT_EQ(seqs(journal.query({.after_seq = 2})), (std::vector<std::uint64_t>{3}));
}

TEST(JournalTest, ToJsonPutsSeqAtAndKindBesideTheFields) {
  core::ManualClock clock(core::Clock::time_point(1'700'000'000'123ms));
  Journal journal(clock);
  journal.record("token.issued", {{"grant_type", "client_credentials"}, {"kind", "shadowed"}});
  const auto j = Journal::to_json(journal.query({})[0]);
  EXPECT_EQ(j, (json{{"seq", 1},
                     {"at", "2023-11-14T22:13:20.123Z"},
                     {"kind", "token.issued"},
                     {"grant_type", "client_credentials"}}));
}

TEST(JournalTest, QueryFromReadsKindAfterLimitAndWhere) {
  auto q = Journal::query_from(
      {{"kind", "http.request"}, {"after", "7"}, {"limit", "20"}, {"user.oid", "u1"}});
  ASSERT_TRUE(q.ok()) << q.error().message();
  EXPECT_EQ(q->kind, "http.request");
  EXPECT_EQ(q->after_seq, 7u);
  EXPECT_EQ(q->limit, 20u);
  EXPECT_EQ(q->where, (std::map<std::string, std::string>{{"user.oid", "u1"}}));
  auto defaults = Journal::query_from({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->limit, Journal::kDefaultQueryLimit);
  EXPECT_EQ(defaults->after_seq, 0u);
}

TEST(JournalTest, QueryFromRefusesNonNumericAfter) {
  for (const char* bad : {"x", "-1", "1.5", "", " 1", "99999999999999999999999"}) {
    auto q = Journal::query_from({{"after", bad}});
    ASSERT_FALSE(q.ok()) << bad;
    EXPECT_EQ(q.code(), Errc::invalid_query);
    EXPECT_EQ(q.error().detail, "after: expected a non-negative integer");
  }
}

TEST(JournalTest, QueryFromRefusesZeroOrNonNumericLimit) {
  auto zero = Journal::query_from({{"limit", "0"}});
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.code(), Errc::invalid_query);
  EXPECT_EQ(zero.error().detail, "limit: must be at least 1");
  auto text = Journal::query_from({{"limit", "ten"}});
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().detail, "limit: expected a non-negative integer");
}

TEST(JournalTest, QueryFromRefusesRepeatedParameters) {
  auto q = Journal::query_from({{"kind", "a"}, {"kind", "b"}});
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.code(), Errc::invalid_query);
  EXPECT_EQ(q.error().detail, "kind: repeated");
}

TEST(JournalTest, ConcurrentRecordsAreAllKeptWithUniqueSequenceNumbers) {
  core::ManualClock clock;
  Journal journal(clock);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&journal, t] {
      for (int i = 0; i < 500; ++i) journal.record("e", {{"t", t}});
    });
  }
  for (auto& thread : threads) thread.join();
  const auto all = journal.query({.limit = 10'000});
  ASSERT_EQ(all.size(), 2000u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].seq, i + 1);
  EXPECT_EQ(journal.query({.where = {{"t", "3"}}, .limit = 10'000}).size(), 500u);
}

}  // namespace
}  // namespace toolauth::service
