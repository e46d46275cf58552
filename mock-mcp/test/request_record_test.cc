#include "toolauth/mcp/request_record.h"

#include <gtest/gtest.h>

namespace toolauth::mcp {
namespace {

constexpr const char* kToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

TEST(RequestRecordTest, KeptHeadersDropTheSessionIdAndRedactCredentialsAtOnce) {
  http::Headers headers;
  headers.add("Host", "localhost:4783");
  headers.add("Authorization", std::string("Bearer ") + kToken);
  headers.add("mcp-session-id", "0123456789abcdef0123456789abcdef");
  headers.add("X-API-Key", "k3y-value");
  headers.add("x-functions-key", "");  // an empty credential stays empty
  headers.add("X-Trace", std::string("token ") + kToken);
  const auto kept = RequestRecord::kept_headers(headers, "Mcp-Session-Id");
  const std::vector<http::Headers::Field> expected = {{"Host", "localhost:4783"},
                                                      {"Authorization", "[redacted]"},
                                                      {"X-API-Key", "[redacted]"},
                                                      {"x-functions-key", ""},
                                                      {"X-Trace", "token [redacted]"}};
  EXPECT_EQ(kept, expected);
}

TEST(RequestRecordTest, RendersEveryMemberOfTheJournalEntry) {
  Principal alice;
  alice.kind = AuthKind::bearer;
  alice.oid = "alice-oid";
  alice.tid = "tenant-1";
  alice.scp = {"Tools.Invoke"};
  RequestRecord record;
  record.mount = "bearer";
  record.http_method = "POST";
  record.status = 200;
  record.auth = AuthKind::bearer;
  record.allowed = true;
  record.reason = "token";
  record.principal = std::make_shared<const Principal>(alice);
  record.headers = {{"Accept", "application/json"}, {"X-Dup", "first"}, {"X-Dup", "second"}};
  record.session = "0a1b2c3d4e5f";
  record.rpc = std::vector<std::string>{"tools/call"};
  record.tool = "echo";
  record.fault = true;
  EXPECT_EQ(record.render(), (nlohmann::json{{"mount", "bearer"},
                                             {"http_method", "POST"},
                                             {"status", 200},
                                             {"auth", "bearer"},
                                             {"outcome", "allowed"},
                                             {"reason", "token"},
                                             {"principal", alice.to_json()},
                                             {"headers",
                                              {{"Accept", "application/json"},
                                               {"X-Dup", "second"}}},  // the last value wins
                                             {"session", "0a1b2c3d4e5f"},
                                             {"rpc", {"tools/call"}},
                                             {"tool", "echo"},
                                             {"fault", true}}));
}

TEST(RequestRecordTest, OptionalMembersAreAbsentAndANullPrincipalIsAnonymous) {
  RequestRecord record;
  record.mount = "open";
  record.http_method = "GET";
  record.status = 403;
  record.reason = "host_or_origin";
  EXPECT_EQ(record.render(), (nlohmann::json{{"mount", "open"},
                                             {"http_method", "GET"},
                                             {"status", 403},
                                             {"auth", "none"},
                                             {"outcome", "denied"},
                                             {"reason", "host_or_origin"},
                                             {"principal", {{"auth", "none"}}},
                                             {"headers", nlohmann::json::object()}}));
}

}  // namespace
}  // namespace toolauth::mcp
