#include "toolauth/emulator/hosted_call_registry.h"

#include <gtest/gtest.h>

#include <utility>

namespace toolauth::emulator {
namespace {

HostedCall call_for(std::string user_oid) {
  HostedCall call;
  call.project = "proj";
  call.agent = "hosted";
  call.agent_version = "1";
  call.user.oid = std::move(user_oid);
  call.response_id = "resp_1";
  return call;
}

TEST(HostedCallRegistryTest, FindsALiveCallByItsId) {
  HostedCallRegistry registry;
  std::string id = registry.begin(call_for("alice"));
  const HostedCall* found = registry.find(id);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->user.oid, "alice");
  EXPECT_EQ(found->agent, "hosted");
}

TEST(HostedCallRegistryTest, CallIdsAreDistinctAndUnguessable) {
  HostedCallRegistry registry;
  std::string first = registry.begin(call_for("alice"));
  std::string second = registry.begin(call_for("alice"));
  EXPECT_NE(first, second);
  EXPECT_EQ(first.size(), 32u);  // 128 random bits as hex
  EXPECT_EQ(registry.live(), 2u);
}

TEST(HostedCallRegistryTest, EndedCallIdIsRefused) {
  HostedCallRegistry registry;
  std::string id = registry.begin(call_for("alice"));
  registry.end(id);
  EXPECT_EQ(registry.find(id), nullptr);
  EXPECT_EQ(registry.live(), 0u);
}

TEST(HostedCallRegistryTest, UnknownOrPrefixCallIdIsRefused) {
  HostedCallRegistry registry;
  std::string id = registry.begin(call_for("alice"));
  EXPECT_EQ(registry.find(""), nullptr);
  EXPECT_EQ(registry.find(id.substr(0, 31)), nullptr);
  EXPECT_EQ(registry.find(id + "0"), nullptr);
  registry.end("not-a-call");  // ignored
  EXPECT_NE(registry.find(id), nullptr);
}

TEST(HostedCallRegistryTest, DefectCallIdNotBoundToUserKeepsEndedCalls) {
  EmulatorDefects defects;
  defects.add(Defect::call_id_not_bound_to_user);
  HostedCallRegistry registry(defects);
  std::string id = registry.begin(call_for("alice"));
  registry.end(id);
  const auto* found = registry.find(id);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->user.oid, "alice");
}

TEST(HostedCallRegistryTest, ConsentItemsLiveAndDieWithTheCall) {
  HostedCallRegistry registry;
  std::string id = registry.begin(call_for("alice"));
  registry.find(id)->consent_items.push_back({{"type", "oauth_consent_request"}});
  EXPECT_EQ(std::as_const(registry).find(id)->consent_items.size(), 1u);
  registry.end(id);
  EXPECT_EQ(registry.find(id), nullptr);
  // A new call starts with none.
  EXPECT_TRUE(registry.find(registry.begin(call_for("alice")))->consent_items.empty());
}

}  // namespace
}  // namespace toolauth::emulator
