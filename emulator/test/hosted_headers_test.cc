#include "toolauth/emulator/hosted_headers.h"

#include <gtest/gtest.h>

namespace toolauth::emulator {
namespace {

TEST(HostedHeadersTest, OnlyAllowListedCallerHeadersReachTheContainer) {
  http::Headers caller;
  caller.add("Authorization", "Bearer user-token");
  caller.add("Cookie", "session=1");
  caller.add("Host", "emulator");
  caller.add("X-Forwarded-For", "10.0.0.1");
  caller.add("x-agent-foundry-call-id", "chosen-by-caller");
  caller.add("x-agent-user-id", "someone-else");
  caller.add("Proxy-Authorization", "Basic eA==");
  caller.add("Content-Type", "application/json");
  caller.add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  caller.add("X-Client-Tenant", "t1");
  caller.add("User-Agent", "openai-node");
  caller.add("x-ms-client-request-id", "r1");
  auto out = container_request_headers(caller);
  std::vector<std::string> names;
  for (const auto& [name, value] : out.fields()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"Content-Type", "traceparent", "X-Client-Tenant",
                                             "User-Agent", "x-ms-client-request-id"}));
  EXPECT_FALSE(forwarded_to_container("x-client-"));  // a bare prefix is no header
}

TEST(HostedHeadersTest, UserIdIsStablePerUserAndNotTheObjectId) {
  const std::string oid = "a1b2c3d4-0000-4000-8000-000000000001";
  const auto id = hosted_user_id("key", "tenant", oid);
  EXPECT_EQ(id, hosted_user_id("key", "tenant", oid));
  EXPECT_EQ(id.size(), 43u);
  EXPECT_EQ(id.find(oid), std::string::npos);
  EXPECT_NE(id, hosted_user_id("key", "other-tenant", oid));
  EXPECT_NE(id, hosted_user_id("other-key", "tenant", oid));
}

}  // namespace
}  // namespace toolauth::emulator
