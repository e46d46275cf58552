#include "toolauth/idp/device_codes.h"

#include <gtest/gtest.h>

#include <set>

namespace toolauth::idp {
namespace {

class DeviceCodesTest : public ::testing::Test {
 protected:
  DeviceCodeStore store_;
  core::Clock::time_point now_ = core::Clock::time_point(std::chrono::seconds(1'700'000'000));

  DeviceCodeStore::Issued issue(std::string client_id = "c") {
    DeviceAuthorization a;
    a.client_id = std::move(client_id);
    a.expires = now_ + std::chrono::minutes(15);
    return store_.issue(std::move(a));
  }
};

TEST_F(DeviceCodesTest, IssuesAShortUserCodeAndALongDeviceCode) {
  const auto issued = issue("client-1");
  EXPECT_EQ(issued.user_code.size(), kUserCodeLength);
  for (char c : issued.user_code) EXPECT_NE(kUserCodeAlphabet.find(c), std::string_view::npos) << c;
  EXPECT_GE(issued.device_code.size(), 64u);
  auto* found = store_.find(issued.device_code);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->client_id, "client-1");
  EXPECT_EQ(found->user_code, issued.user_code);
  EXPECT_EQ(store_.find(issued.user_code), nullptr);  // a user code is no device code
  EXPECT_EQ(store_.find(""), nullptr);
}

TEST_F(DeviceCodesTest, UserCodesAreDistinct) {
  std::set<std::string> codes;
  for (int i = 0; i < 200; ++i) codes.insert(issue().user_code);
  EXPECT_EQ(codes.size(), 200u);
}

TEST_F(DeviceCodesTest, UserCodeLookupIgnoresCaseSpacesAndDashes) {
  const auto issued = issue();
  std::string typed;
  for (std::size_t i = 0; i < issued.user_code.size(); ++i) {
    if (i == 4) typed += "- ";
    typed.push_back(static_cast<char>(std::tolower(issued.user_code[i])));
  }
  EXPECT_EQ(store_.find_by_user_code(typed, now_), store_.find(issued.device_code));
  EXPECT_EQ(DeviceCodeStore::normalise_user_code("ab-cd ef"), "ABCDEF");
  EXPECT_EQ(store_.find_by_user_code("ABC", now_), nullptr);
}

TEST_F(DeviceCodesTest, UserCodeFindsOnlyPendingUnexpiredAuthorizations) {
  const auto issued = issue();
  EXPECT_EQ(store_.find_by_user_code(issued.user_code, now_ + std::chrono::minutes(15)), nullptr);
  store_.find(issued.device_code)->state = DeviceAuthorization::State::approved;
  EXPECT_EQ(store_.find_by_user_code(issued.user_code, now_), nullptr);
}

TEST_F(DeviceCodesTest, ExpiredAuthorizationsStayADayForPreciseErrors) {
  const auto issued = issue();
  store_.purge(now_ + std::chrono::hours(20));
  EXPECT_NE(store_.find(issued.device_code), nullptr);
  store_.purge(now_ + std::chrono::hours(25));
  EXPECT_EQ(store_.find(issued.device_code), nullptr);
}

TEST_F(DeviceCodesTest, SoonestToExpireGoesWhenFull) {
  DeviceAuthorization soon;
  soon.expires = now_ + std::chrono::minutes(1);
  const auto first = store_.issue(soon);
  for (std::size_t i = 1; i < kMaxDeviceAuthorizations; ++i) issue();
  EXPECT_NE(store_.find(first.device_code), nullptr);
  issue();
  EXPECT_EQ(store_.size(), kMaxDeviceAuthorizations);
  EXPECT_EQ(store_.find(first.device_code), nullptr);
}

}  // namespace
}  // namespace toolauth::idp
