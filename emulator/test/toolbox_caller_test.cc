#include "toolauth/emulator/toolbox_caller.h"

#include <gtest/gtest.h>

#include "test_world.h"

namespace toolauth::emulator {
namespace {

constexpr const char* kAgentOne = "79923b20-1db0-4de5-bfdc-3b1dd2742ee7";  // the project's
constexpr const char* kAgentTwo = "f3e9b455-903c-4f11-b998-756565e1a396";  // agent-identity-agent

class ToolboxCallerTest : public ::testing::Test {
 protected:
  ToolboxCallerTest() : world_(testing::default_world()), project_(*world_.project("alpha")) {}

  static Caller agent(std::string client_id) {
    Caller c;
    c.tid = "9fb93534-081c-4253-b1e2-73a87984a8ab";
    c.oid = "agent-object-id";
    c.app_id = std::move(client_id);
    c.app_only = true;
    return c;
  }
  static http::Request with_call(std::string id) {
    http::Request r;
    if (!id.empty()) r.headers.set("x-agent-foundry-call-id", std::move(id));
    return r;
  }
  std::string begin(std::string agent, std::string project = "alpha") {
    return calls_.begin(HostedCall{std::move(project), std::move(agent), "3",
                                   CallerIdentity{"tid", "alice-oid", "alice-token"}, "resp_1"});
  }
  void expect_refused(const core::Result<ToolboxCaller, ApiError>& result, int status,
                      const std::string& inner) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().status, status);
    EXPECT_EQ(result.error().inner_code, inner);
  }

  EmulatorWorld world_;
  const ProjectConfig& project_;
  HostedCallRegistry calls_;
};

TEST_F(ToolboxCallerTest, CallIdGivesTheCallsUser) {
  const auto id = begin("oauth-invoke-agent");
  auto caller = resolve_toolbox_caller(project_, agent(kAgentOne), with_call(id), calls_);
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(caller->agent, "oauth-invoke-agent");
  EXPECT_EQ(caller->agent_version, "3");
  ASSERT_TRUE(caller->user.has_value());
  EXPECT_EQ(caller->user->oid, "alice-oid");
  EXPECT_EQ(caller->response_id, "resp_1");
  EXPECT_EQ(caller->agent_identity_client_id, kAgentOne);
}

TEST_F(ToolboxCallerTest, WithoutACallIdTheAgentActsAlone) {
  auto shared = resolve_toolbox_caller(project_, agent(kAgentOne), with_call(""), calls_);
  ASSERT_TRUE(shared.ok());
  EXPECT_FALSE(shared->user.has_value());
  EXPECT_EQ(shared->agent, "");  // the project's identity is shared by many agents
  auto own = resolve_toolbox_caller(project_, agent(kAgentTwo), with_call(""), calls_);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->agent, "agent-identity-agent");
}

TEST_F(ToolboxCallerTest, UsersDelegatedTokenIsRefused) {
  auto user = agent(kAgentOne);
  user.app_only = false;
  expect_refused(resolve_toolbox_caller(project_, user, with_call(begin("a")), calls_), 403,
                 "AgentTokenRequired");
}

TEST_F(ToolboxCallerTest, DefectAgentTokenAsUserLetsAUsersTokenActAsItsUser) {
  EmulatorDefects defects;
  defects.add(Defect::agent_token_as_user);
  auto user = agent(kAgentOne);
  user.app_only = false;
  user.oid = "bob-oid";
  auto caller = resolve_toolbox_caller(project_, user, with_call(""), calls_, defects);
  ASSERT_TRUE(caller.ok());
  ASSERT_TRUE(caller->user.has_value());
  EXPECT_EQ(caller->user->oid, "bob-oid");
  EXPECT_EQ(caller->agent_identity_client_id, kAgentOne);
}

// A call an application made (app-only caller) has nobody behind it to act for.
TEST_F(ToolboxCallerTest, AnAppOnlyCallGivesNoUser) {
  const auto id =
      calls_.begin(HostedCall{"alpha", "oauth-invoke-agent", "1",
                              CallerIdentity{"tid", "app-oid", "app-token"}, "r", true});
  auto caller = resolve_toolbox_caller(project_, agent(kAgentOne), with_call(id), calls_);
  ASSERT_TRUE(caller.ok());
  EXPECT_FALSE(caller->user.has_value());
}

TEST_F(ToolboxCallerTest, ClientThatIsNoAgentIdentityOfTheProjectIsRefused) {
  expect_refused(resolve_toolbox_caller(project_, agent("1b0b5a92-ca9f-4dae-85e1-fb5bb643edf4"),
                                        with_call(""), calls_),
                 403, "NotAnAgentIdentity");
  expect_refused(resolve_toolbox_caller(project_, agent(""), with_call(""), calls_), 403,
                 "NotAnAgentIdentity");
}

TEST_F(ToolboxCallerTest, UnknownOrEndedCallIdIsRefused) {
  expect_refused(resolve_toolbox_caller(project_, agent(kAgentOne), with_call("nope"), calls_), 403,
                 "CallIdUnknown");
  const auto id = begin("oauth-invoke-agent");
  calls_.end(id);
  expect_refused(resolve_toolbox_caller(project_, agent(kAgentOne), with_call(id), calls_), 403,
                 "CallIdUnknown");
}

TEST_F(ToolboxCallerTest, AnotherAgentsOrProjectsCallIdIsRefused) {
  // agent-identity-agent acts as agent two, not as the project's agent one.
  expect_refused(resolve_toolbox_caller(project_, agent(kAgentOne),
                                        with_call(begin("agent-identity-agent")), calls_),
                 403, "CallIdNotYours");
  expect_refused(resolve_toolbox_caller(project_, agent(kAgentTwo),
                                        with_call(begin("oauth-invoke-agent")), calls_),
                 403, "CallIdNotYours");
  expect_refused(resolve_toolbox_caller(project_, agent(kAgentOne),
                                        with_call(begin("oauth-invoke-agent", "beta")), calls_),
                 403, "CallIdNotYours");
}

TEST_F(ToolboxCallerTest, RepeatedCallIdIsRefused) {
  auto request = with_call(begin("oauth-invoke-agent"));
  request.headers.add("x-agent-foundry-call-id", "other");
  expect_refused(resolve_toolbox_caller(project_, agent(kAgentOne), request, calls_), 400,
                 "InvalidCallId");
}

}  // namespace
}  // namespace toolauth::emulator
