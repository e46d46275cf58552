// The agent-service judgements on hand-made journal entries: each catches the defect its
// scenario targets (the emulator mutants of the catalogue) and accepts the reference shape.
#include "toolauth/conformance/agent_service_checks.h"

#include <gtest/gtest.h>

namespace toolauth::conformance {
namespace {

nlohmann::json entry(std::string mount, nlohmann::json headers, std::string outcome = "allowed",
                     nlohmann::json principal = nlohmann::json::object()) {
  return {{"seq", 1},
          {"kind", "mcp"},
          {"mount", std::move(mount)},
          {"http_method", "POST"},
          {"status", outcome == "allowed" ? 200 : 401},
          {"outcome", outcome},
          {"reason", outcome == "allowed" ? "" : "missing_key"},
          {"headers", std::move(headers)},
          {"principal", std::move(principal)}};
}

// leak-key-across-connections: the api-key connection's header shows up at another mount.
TEST(AgentServiceChecksTest, KeyLeakToAnotherMountIsCaught) {
  const nlohmann::json entries = {
      entry("api-key", {{"X-API-Key", "[redacted]"}}),
      entry("open", {{"x-api-key", "[redacted]"}}),
  };
  EXPECT_EQ(key_leaks(entries, "api-key", "X-API-Key", "k-123").size(), 1u);
  // The same key under another header name (not redacted) is caught by its value.
  const auto renamed = nlohmann::json::array({entry("functions", {{"X-Other", "k-123"}})});
  EXPECT_EQ(key_leaks(renamed, "api-key", "X-API-Key", "k-123").size(), 1u);
}

TEST(AgentServiceChecksTest, KeyAtItsOwnMountIsNoLeak) {
  const nlohmann::json entries = {entry("api-key", {{"X-API-Key", "[redacted]"}}),
                                  entry("open", {{"accept", "application/json"}})};
  EXPECT_TRUE(key_leaks(entries, "api-key", "X-API-Key", "k-123").empty());
}

// wrong-key-header: the key under another header name is refused by the mount.
TEST(AgentServiceChecksTest, WrongHeaderNameIsCaught) {
  const auto wrong =
      nlohmann::json::array({entry("api-key", {{"api-key", "[redacted]"}}, "denied")});
  EXPECT_EQ(key_header_problems(wrong, "X-API-Key").size(), 1u);
  const auto right = nlohmann::json::array({entry("api-key", {{"x-api-key", "[redacted]"}})});
  EXPECT_TRUE(key_header_problems(right, "X-API-Key").empty());
}

// key-in-output: the key value anywhere in the answer.
TEST(AgentServiceChecksTest, SecretInOutputIsFound) {
  const nlohmann::json answer = {
      {"output", {{{"type", "mcp_call"}, {"output", "sent X-API-Key: k-123"}}}}};
  EXPECT_EQ(secrets_in(answer, {"zzz", "k-123"}), (std::vector<std::size_t>{1}));
  EXPECT_TRUE(secrets_in(answer, {"", "k-999"}).empty());
}

// stale-key: the old key id still appears after the rotation.
TEST(AgentServiceChecksTest, PrincipalValuesNameEveryKeyUsed) {
  const nlohmann::json entries = {
      entry("rot", {{"X-API-Key", "[redacted]"}}, "allowed", {{"key_id", "new"}}),
      entry("rot", {{"X-API-Key", "[redacted]"}}, "allowed", {{"key_id", "old"}}),
      entry("rot", {{"X-API-Key", "[redacted]"}}, "denied", {{"key_id", "ignored"}}),
      entry("rot", {{"X-API-Key", "[redacted]"}}, "allowed", {{"key_id", "new"}})};
  EXPECT_EQ(principal_values(entries, "key_id"), (std::vector<std::string>{"new", "old"}));
  EXPECT_EQ(refusals(entries).size(), 1u);
}

// A token for another audience.
TEST(AgentServiceChecksTest, AudienceMustNameTheConnectionsResource) {
  EXPECT_TRUE(audience_matches("api://app", "api://app", "cid", "1.0"));
  EXPECT_TRUE(audience_matches("cid", "api://app", "cid", "2.0"));
  EXPECT_TRUE(audience_matches(nlohmann::json::array({"cid"}), "api://app", "cid", "2.0"));
  EXPECT_FALSE(audience_matches("https://graph.microsoft.com", "api://app", "cid", "1.0"));
  EXPECT_FALSE(audience_matches(nlohmann::json::array({"cid", "https://management.azure.com"}),
                                "api://app", "cid", "2.0"));
  EXPECT_FALSE(audience_matches(nullptr, "api://app", "cid", "1.0"));
  EXPECT_FALSE(audience_matches(nlohmann::json::array(), "api://app", "cid", "1.0"));
}

// mi-ignore-audience: a v1 token's aud is the resource as asked for, so one asked for the bare
// client id instead of the connection's App ID URI shows it.
TEST(AgentServiceChecksTest, V1TokenForTheBareClientIdIsNotTheConnectionsAudience) {
  EXPECT_FALSE(audience_matches("cid", "api://app", "cid", "1.0"));
  EXPECT_FALSE(audience_matches("cid", "api://app", "cid", ""));
}

// mi-no-cache: every call asks IMDS again.
TEST(AgentServiceChecksTest, ManagedIdentityRequestsAreCounted) {
  const nlohmann::json entries = {
      {{"kind", "managed_identity"}, {"outcome", "issued"}},
      {{"kind", "managed_identity"}, {"outcome", "error"}},
      {{"kind", "token"}, {"client_id", "mi"}, {"outcome", "issued"}},
      {{"kind", "token"}, {"client_id", "caller"}, {"outcome", "issued"}},
      {{"kind", "authorize"}}};
  EXPECT_EQ(managed_identity_token_requests(entries, "mi"), 2u);
  EXPECT_EQ(managed_identity_token_requests(nlohmann::json::array(), "mi"), 0u);
}

nlohmann::json identity_world() {
  return {{"users", {{{"name", "alice"}, {"oid", "u-1"}}}},
          {"identities",
           {{{"name", "project-alpha"}, {"kind", "system-assigned"}, {"object_id", "mi-1"}},
            {{"name", "agent-one"}, {"kind", "agent-identity"}, {"object_id", "ag-1"}}}}};
}

// user-token-as-agent, and a platform presenting its project identity instead.
TEST(AgentServiceChecksTest, OnlyAnAppOnlyAgentIdentityPasses) {
  const auto world = identity_world();
  EXPECT_EQ(agent_identity_problem(world, "ag-1", "app"), "");
  EXPECT_EQ(agent_identity_problem(world, "u-1", "user"), "the oid of user alice");
  EXPECT_EQ(agent_identity_problem(world, "mi-1", "app"),
            "the oid of system-assigned project-alpha");
  EXPECT_EQ(agent_identity_problem(world, "ag-1", "user"), "idtyp user, not app");
  EXPECT_EQ(agent_identity_problem(world, "zz", "app"), "an oid of no agent identity of the world");
  EXPECT_EQ(agent_identity_problem(world, "", "app"), "no oid");
}

// obo-wrong-scope: the token lacks the connection's scope.
TEST(AgentServiceChecksTest, MissingScopesAreNamed) {
  const std::vector<std::string> wanted = {"api://app/Tools.Invoke"};
  EXPECT_TRUE(
      missing_scopes(nlohmann::json::array({"Tools.Read", "Tools.Invoke"}), wanted).empty());
  EXPECT_EQ(missing_scopes(nlohmann::json::array({"Tools.Read"}), wanted),
            (std::vector<std::string>{"Tools.Invoke"}));
  EXPECT_EQ(missing_scopes(nullptr, wanted), (std::vector<std::string>{"Tools.Invoke"}));
}

}  // namespace
}  // namespace toolauth::conformance
