// Hosted agents end to end: a hosted agent created through the agents API, its container (the
// test container, a real process) started by the emulator, Responses proxied to it over real
// loopback with the platform's headers, its identity endpoint giving agent-identity tokens
// from mock-idp.
#include "toolauth/emulator/hosted_agent_host.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>

#include "stack.h"

namespace toolauth::emulator {
namespace {

using testing::HttpReply;
using testing::Stack;

class HostedAgentHostTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // A variable of the emulator's process, which no container may see.
    ::setenv("TOOLAUTH_HOSTED_TEST_PROBE", "emulator-only", 1);
    stack_ = new Stack();
    alice_ = new std::string(stack_->user_token("alice"));
    bob_ = new std::string(stack_->user_token("bob"));
  }
  static void TearDownTestSuite() {
    delete stack_;
    delete alice_;
    delete bob_;
  }

  static http::Headers preview() {
    http::Headers h;
    h.set("Foundry-Features", "HostedAgents=V1Preview");
    return h;
  }
  static nlohmann::json definition(nlohmann::json env = nlohmann::json::object()) {
    env["TEST_DEFINED"] = "yes";
    return {{"kind", "hosted"},
            {"container_protocol_versions", {{{"protocol", "responses"}, {"version", "2.0.0"}}}},
            {"container_configuration", {{"command", TOOLAUTH_HOSTED_TEST_CONTAINER}}},
            {"environment_variables", env}};
  }
  HttpReply create_agent(const std::string& name, nlohmann::json def = definition()) {
    return stack_->call(http::Method::post, stack_->project_url("alpha") + "/agents?api-version=v1",
                        *alice_, {{"name", name}, {"definition", def}}, preview());
  }
  HttpReply respond(const std::string& agent, nlohmann::json body = {{"input", "hi"}},
                    http::Headers headers = {}, const std::string& token = {}) {
    body["agent"] = {{"type", "agent_reference"}, {"name", agent}};
    return stack_->call(http::Method::post, stack_->project_url("alpha") + "/openai/v1/responses",
                        token.empty() ? *alice_ : token, body, std::move(headers));
  }
  static bool process_gone(int pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

  static Stack* stack_;
  static std::string* alice_;
  static std::string* bob_;
};
Stack* HostedAgentHostTest::stack_ = nullptr;
std::string* HostedAgentHostTest::alice_ = nullptr;
std::string* HostedAgentHostTest::bob_ = nullptr;

TEST_F(HostedAgentHostTest, CreatingAHostedAgentNeedsThePreviewHeader) {
  auto reply =
      stack_->call(http::Method::post, stack_->project_url("alpha") + "/agents?api-version=v1",
                   *alice_, {{"name", "no-preview"}, {"definition", definition()}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error_code(), "preview_feature_required");
  EXPECT_EQ(reply.inner_code(), "PreviewFeatureRequired");
}

TEST_F(HostedAgentHostTest, InvalidHostedDefinitionIsA400NamingThePath) {
  auto def = definition();
  def["container_protocol_versions"][0]["version"] = "1.0.0";
  auto reply = create_agent("bad-hosted", def);
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.text.find("container_protocol_versions/0/version"), std::string::npos)
      << reply.text;
  def = definition();
  def["environment_variables"]["IDENTITY_ENDPOINT"] = "http://evil";
  reply = create_agent("bad-hosted", def);
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.text.find("is set by the platform"), std::string::npos) << reply.text;
}

TEST_F(HostedAgentHostTest, ContainerGetsTheContractEnvironment) {
  ASSERT_EQ(create_agent("env-agent", definition({{"TOOLBOX_NAME", "tools"}})).status, 200);
  auto reply = respond("env-agent");
  ASSERT_EQ(reply.status, 200) << reply.text;
  const auto env = reply.body["seen"]["env"];
  const auto project = stack_->project_url("alpha");
  EXPECT_EQ(env["FOUNDRY_PROJECT_ENDPOINT"], project);
  EXPECT_EQ(env["FOUNDRY_AGENT_NAME"], "env-agent");
  EXPECT_EQ(env["FOUNDRY_AGENT_VERSION"], "1");
  EXPECT_EQ(env["FOUNDRY_AGENT_ID"].get<std::string>().size(), 36u);
  EXPECT_EQ(env["FOUNDRY_AGENT_SESSION_ID"], reply.headers.get("x-agent-session-id").value_or(""));
  EXPECT_TRUE(env["FOUNDRY_PROJECT_ARM_ID"].get<std::string>().ends_with("/projects/alpha"));
  EXPECT_EQ(env["TOOLBOX_ENDPOINT"], project + "/toolboxes/tools/mcp?api-version=v1");
  EXPECT_EQ(env["TEST_DEFINED"], "yes");
  EXPECT_TRUE(env["IDENTITY_ENDPOINT"].get<std::string>().starts_with("http://127.0.0.1:"));
  EXPECT_TRUE(env["has_identity_header"].get<bool>());
  EXPECT_EQ(reply.headers.get("x-platform-server").value_or(""), "toolauth-emulator");
  EXPECT_EQ(env["NODE_EXTRA_CA_CERTS"], stack_->ca_file());
  EXPECT_FALSE(env.contains("TOOLAUTH_HOSTED_TEST_PROBE")) << env.dump();
}

// The attack: a caller's credentials and spoofed platform headers reaching the container.
TEST_F(HostedAgentHostTest, CallerAuthorizationAndCookieNeverReachTheContainer) {
  ASSERT_EQ(create_agent("strip-agent").status, 200);
  http::Headers headers;
  headers.set("Cookie", "session=secret-cookie");
  headers.set("X-Forwarded-For", "10.1.2.3");
  headers.set("x-agent-foundry-call-id", "caller-chosen-call-id");
  headers.set("x-agent-user-id", "caller-chosen-user");
  headers.set("x-client-request-tag", "kept");
  headers.set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  auto reply = respond("strip-agent", {{"input", "hi"}}, headers);
  ASSERT_EQ(reply.status, 200) << reply.text;
  const auto seen = reply.body["seen"]["headers"];
  EXPECT_FALSE(seen.contains("authorization")) << seen.dump();
  EXPECT_FALSE(seen.contains("cookie"));
  EXPECT_FALSE(seen.contains("x-forwarded-for"));
  EXPECT_EQ(seen.dump().find(*alice_), std::string::npos);
  EXPECT_NE(seen["x-agent-foundry-call-id"], "caller-chosen-call-id");
  EXPECT_EQ(seen["x-agent-foundry-call-id"].get<std::string>().size(), 32u);
  EXPECT_NE(seen["x-agent-user-id"], "caller-chosen-user");
  EXPECT_EQ(seen["x-client-request-tag"], "kept");
  EXPECT_EQ(seen["traceparent"], "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  EXPECT_EQ(reply.body["seen"]["body"]["input"], "hi");
}

TEST_F(HostedAgentHostTest, UserIdIsStablePerUserAndNotTheObjectId) {
  ASSERT_EQ(create_agent("user-agent").status, 200);
  auto first = respond("user-agent");
  auto second = respond("user-agent");
  auto other = respond("user-agent", {{"input", "hi"}}, {}, *bob_);
  ASSERT_EQ(first.status, 200);
  const auto id = first.body["seen"]["headers"]["x-agent-user-id"].get<std::string>();
  EXPECT_EQ(second.body["seen"]["headers"]["x-agent-user-id"], id);
  EXPECT_NE(other.body["seen"]["headers"]["x-agent-user-id"], id);
  EXPECT_EQ(id.find(stack_->user_oid("alice")), std::string::npos);
}

TEST_F(HostedAgentHostTest, CallIdIsLiveOnlyWhileTheResponseRuns) {
  ASSERT_EQ(create_agent("call-agent").status, 200);
  auto reply = respond("call-agent");
  ASSERT_EQ(reply.status, 200);
  const auto call_id = reply.body["seen"]["headers"]["x-agent-foundry-call-id"].get<std::string>();
  EXPECT_TRUE(stack_->on_server_thread([&] {
    return stack_->emulator().hosted_calls().find(call_id) == nullptr &&
           stack_->emulator().hosted_calls().live() == 0;
  }));
  // Each request gets its own call id.
  auto next = respond("call-agent");
  EXPECT_NE(next.body["seen"]["headers"]["x-agent-foundry-call-id"], call_id);
}

TEST_F(HostedAgentHostTest, ContainerGetsItsAgentIdentityTokenFromTheIdentityEndpoint) {
  ASSERT_EQ(create_agent("identity-agent").status, 200);
  auto reply = respond("identity-agent", {{"input", "whoami"}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  const auto identity = reply.body["seen"]["identity"];
  ASSERT_TRUE(identity.contains("claims")) << identity.dump();
  EXPECT_EQ(identity["claims"]["oid"], stack_->identity_oid("agent-one"));
  EXPECT_EQ(identity["claims"]["aud"], "https://ai.azure.com");
  EXPECT_EQ(identity["client_id"], stack_->identity_client_id("agent-one"));
  EXPECT_FALSE(identity["claims"].contains("scp"));  // app-only: never a user's token
}

// The attack: a stolen IDENTITY_ENDPOINT without (or with another agent's) secret header.
TEST_F(HostedAgentHostTest, IdentityEndpointRefusesAMissingOrWrongHeader) {
  ASSERT_EQ(create_agent("identity-refusal").status, 200);
  auto reply = respond("identity-refusal");
  ASSERT_EQ(reply.status, 200);
  const auto endpoint = reply.body["seen"]["env"]["IDENTITY_ENDPOINT"].get<std::string>() +
                        "?resource=https://ai.azure.com&api-version=2019-08-01";
  auto missing = stack_->send({.method = http::Method::get, .url = endpoint});
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.body["message"], "X-IDENTITY-HEADER is required.");
  http::ClientRequest wrong{.method = http::Method::get, .url = endpoint};
  wrong.headers.set("X-IDENTITY-HEADER", std::string(64, '0'));
  auto refused = stack_->send(wrong);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body["message"], "X-IDENTITY-HEADER does not match.");
  EXPECT_FALSE(refused.body.contains("access_token"));
}

TEST_F(HostedAgentHostTest, StreamedAnswerIsPassedThroughAsEvents) {
  ASSERT_EQ(create_agent("stream-agent").status, 200);
  auto reply = respond("stream-agent", {{"input", "hi"}, {"stream", true}});
  ASSERT_EQ(reply.status, 200);
  ASSERT_EQ(reply.events.size(), 2u) << reply.text;
  EXPECT_EQ(reply.events[0].event, "response.created");
  EXPECT_EQ(reply.events[1].event, "response.completed");
  EXPECT_TRUE(reply.headers.has("x-agent-session-id"));
}

TEST_F(HostedAgentHostTest, CrashedContainerIsA502AndIsRestarted) {
  ASSERT_EQ(create_agent("crash-agent").status, 200);
  auto before = respond("crash-agent");
  ASSERT_EQ(before.status, 200);
  auto crashed = respond("crash-agent", {{"input", "crash"}});
  EXPECT_EQ(crashed.status, 502);
  EXPECT_EQ(crashed.error_code(), "agent_container_unreachable");
  EXPECT_TRUE(
      stack_->on_server_thread([&] { return stack_->emulator().hosted_calls().live() == 0; }));
  auto after = respond("crash-agent");
  ASSERT_EQ(after.status, 200) << after.text;
  EXPECT_NE(after.body["seen"]["pid"], before.body["seen"]["pid"]);
  EXPECT_TRUE(process_gone(before.body["seen"]["pid"].get<int>()));
}

TEST_F(HostedAgentHostTest, ContainerThatNeverStartsIsA424) {
  auto def = definition();
  def["container_configuration"]["command"] = "/nonexistent/toolauth-agent";
  ASSERT_EQ(create_agent("missing-command", def).status, 200);
  auto reply = respond("missing-command");
  EXPECT_EQ(reply.status, 424);
  EXPECT_EQ(reply.error_code(), "agent_container_not_ready");
  EXPECT_NE(reply.text.find("cannot run"), std::string::npos) << reply.text;
}

TEST_F(HostedAgentHostTest, DedicatedEndpointReachesTheAgentsContainer) {
  ASSERT_EQ(create_agent("endpoint-agent").status, 200);
  const auto base = stack_->project_url("alpha") + "/agents/endpoint-agent";
  auto latest = stack_->call(http::Method::post, base + "/endpoint/protocols/openai/v1/responses",
                             *alice_, {{"input", "hi"}});
  ASSERT_EQ(latest.status, 200) << latest.text;
  EXPECT_EQ(latest.body["seen"]["env"]["FOUNDRY_AGENT_NAME"], "endpoint-agent");
  auto versioned =
      stack_->call(http::Method::post, base + "/versions/1/endpoint/protocols/openai/v1/responses",
                   *alice_, {{"input", "hi"}});
  EXPECT_EQ(versioned.status, 200);
  auto other = stack_->call(http::Method::post, base + "/endpoint/protocols/openai/v1/responses",
                            *alice_, {{"input", "hi"}, {"agent", {{"name", "crash-agent"}}}});
  EXPECT_EQ(other.status, 400);
  auto prompt = stack_->call(
      http::Method::post,
      stack_->project_url("alpha") + "/agents/no-such-agent/endpoint/protocols/openai/v1/responses",
      *alice_, {{"input", "hi"}});
  EXPECT_EQ(prompt.status, 404);
  auto anonymous = stack_->call(
      http::Method::post, base + "/endpoint/protocols/openai/v1/responses", "", {{"input", "hi"}});
  EXPECT_EQ(anonymous.status, 401);
}

TEST_F(HostedAgentHostTest, SessionBelongsToItsFirstUser) {
  ASSERT_EQ(create_agent("session-agent").status, 200);
  auto mine = respond("session-agent", {{"input", "hi"}, {"agent_session_id", "alice-session"}});
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.headers.get("x-agent-session-id").value_or(""), "alice-session");
  EXPECT_EQ(mine.body["seen"]["env"]["FOUNDRY_AGENT_SESSION_ID"], "alice-session");
  auto theirs =
      respond("session-agent", {{"input", "hi"}, {"agent_session_id", "alice-session"}}, {}, *bob_);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(theirs.inner_code(), "SessionNotFound");
  auto bad = respond("session-agent", {{"input", "hi"}, {"agent_session_id", "../x"}});
  EXPECT_EQ(bad.status, 400);
}

TEST_F(HostedAgentHostTest, DeletingTheAgentStopsItsContainer) {
  ASSERT_EQ(create_agent("delete-agent").status, 200);
  auto reply = respond("delete-agent");
  ASSERT_EQ(reply.status, 200);
  const int pid = reply.body["seen"]["pid"].get<int>();
  auto deleted =
      stack_->call(http::Method::delete_,
                   stack_->project_url("alpha") + "/agents/delete-agent?api-version=v1", *alice_);
  ASSERT_EQ(deleted.status, 200);
  // The container got SIGTERM; wait (bounded, real time: a process's exit) for it to be reaped.
  for (int i = 0; i < 200 && !process_gone(pid); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  EXPECT_TRUE(process_gone(pid));
}

TEST_F(HostedAgentHostTest, AdminResetStopsEveryContainer) {
  ASSERT_EQ(create_agent("reset-agent").status, 200);
  auto reply = respond("reset-agent");
  ASSERT_EQ(reply.status, 200);
  const int pid = reply.body["seen"]["pid"].get<int>();
  auto reset = stack_->send(
      {.method = http::Method::post, .url = stack_->emulator().url() + "/_admin/reset"});
  ASSERT_EQ(reset.status, 200) << reset.text;
  for (int i = 0; i < 200 && !process_gone(pid); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  EXPECT_TRUE(process_gone(pid));
}

}  // namespace
}  // namespace toolauth::emulator
