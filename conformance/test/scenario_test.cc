#include "toolauth/conformance/scenario.h"

#include <gtest/gtest.h>

namespace toolauth::conformance {
namespace {

TEST(ScenarioRecordTest, ARecordThatCheckedNothingHasFailed) {
  ScenarioRecord record;
  record.step("did something");
  EXPECT_TRUE(record.failed());
}

TEST(ScenarioRecordTest, OneFailedCheckFailsTheRecord) {
  ScenarioRecord record;
  EXPECT_TRUE(record.check("a", true, "1", "1"));
  EXPECT_FALSE(record.check("b", false, "401", "200"));
  EXPECT_TRUE(record.failed());
}

TEST(ScenarioRecordTest, PassingChecksPass) {
  ScenarioRecord record;
  record.check("a", true, "1", "1");
  EXPECT_FALSE(record.failed());
}

TEST(ScenarioRecordTest, AnAbortFailsEvenWithPassingChecks) {
  ScenarioRecord record;
  record.check("a", true, "1", "1");
  record.abort("IUT unreachable");
  EXPECT_TRUE(record.failed());
}

TEST(ScenarioRecordTest, ASkipWithoutChecksIsNotAFailure) {
  ScenarioRecord record;
  record.skip("unsupported");
  EXPECT_FALSE(record.failed());
}

TEST(ScenarioTest, DescribeCarriesTheCatalogueFields) {
  Scenario s;
  s.id = "p/x";
  s.title = "X";
  s.severity = Severity::should;
  s.profile = "p";
  s.capabilities = {"clock"};
  s.spec_refs = {"RFC 6750 §3.1"};
  const auto d = describe(s);
  EXPECT_EQ(d["id"], "p/x");
  EXPECT_EQ(d["severity"], "should");
  EXPECT_EQ(d["capabilities"][0], "clock");
  EXPECT_EQ(d["spec_refs"][0], "RFC 6750 §3.1");
  EXPECT_EQ(to_string(Verdict::skipped), "skipped");
}

}  // namespace
}  // namespace toolauth::conformance
