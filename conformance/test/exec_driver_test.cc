// The exec driver against conformance/test/exec/adapter.sh, one mode per branch of the
// protocol: answers, skips, and every way an adapter can break the run.
#include "toolauth/conformance/exec_driver.h"

#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <functional>

#include "toolauth/testing/run_sync.h"

namespace toolauth::conformance {
namespace {

using boost::asio::awaitable;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;

const std::string kAdapter = std::string(TOOLAUTH_EXEC_TEST_DIR) + "/adapter.sh";
const std::string kUserToken = "user-token-secret-0123456789";
const std::string kConnectionKey = "connection-key-secret-abcdef";

// Generous limits (a loaded machine must not fail a test), except for the modes that never
// answer, never read or never exit: their short limit is what the test waits for.
ExecDriverOptions adapter_options(const std::string& mode) {
  ExecDriverOptions options{
      .command = {"sh", kAdapter, mode}, .answer_timeout = 30s, .exit_grace = 10s};
  if (mode == "silent" || mode == "deaf") options.answer_timeout = 300ms;
  if (mode == "late") options.answer_timeout = 1s;
  if (mode == "ignore-bye") options.exit_grace = 300ms;
  return options;
}

// Runs `body` with a driver for the adapter in `mode`, then says bye.
template <class T>
T with_adapter(ExecDriverOptions options, std::function<awaitable<T>(ExecDriver&)> body) {
  return toolauth::testing::run_sync<T>([&]() -> awaitable<T> {
    auto driver = ExecDriver::start(co_await boost::asio::this_coro::executor, options);
    if (!driver.ok()) throw std::runtime_error(driver.error().message());
    auto out = co_await body(**driver);
    co_await (*driver)->bye();
    co_return out;
  });
}
template <class T>
T with_adapter(const std::string& mode, std::function<awaitable<T>(ExecDriver&)> body) {
  return with_adapter<T>(adapter_options(mode), std::move(body));
}

InvokeRequest whoami(std::string id) {
  return {.id = std::move(id),
          .user = {.name = "alice", .token = kUserToken},
          .project = "alpha",
          .connection = "oauth-invoke",
          .tool = "whoami"};
}

const nlohmann::json kConnections =
    nlohmann::json::array({{{"name", "api-key"},
                            {"project", "alpha"},
                            {"auth_type", "CustomKeys"},
                            {"credentials", {{"keys", {{"X-API-Key", kConnectionKey}}}}}}});

std::string dump_evidence(ExecDriver& driver) { return driver.evidence().dump(); }

TEST(ExecDriverTest, HelloReportsCapabilitiesAndImplementation) {
  auto hello = with_adapter<core::Result<DriverHello>>(
      "good",
      [](ExecDriver& d) -> awaitable<core::Result<DriverHello>> { co_return co_await d.hello(); });
  ASSERT_TRUE(hello.ok()) << hello.error().message();
  EXPECT_EQ(hello->capabilities, (std::set<std::string>{"restart", "clock"}));
  EXPECT_EQ(hello->implementation["name"], "adapter.sh");
}

TEST(ExecDriverTest, SetupKeepsTheRedirectUrisAndRedactsTheConnectionSecrets) {
  struct Seen {
    core::Result<SetupAnswer> setup;
    std::string evidence;
  };
  auto seen = with_adapter<Seen>("good", [](ExecDriver& d) -> awaitable<Seen> {
    auto setup = co_await d.setup(
        {{"world", {{"tenants", nlohmann::json::array()}}}, {"connections", kConnections}});
    co_await d.bye();  // the adapter's last stderr lines are in once it ended
    co_return Seen{setup, dump_evidence(d)};
  });
  ASSERT_TRUE(seen.setup.ok()) << seen.setup.error().message();
  EXPECT_EQ(seen.setup->redirect_uris, (std::vector<std::string>{"http://127.0.0.1:9/callback"}));
  EXPECT_NE(seen.evidence.find("setup request"), std::string::npos) << seen.evidence;
  EXPECT_EQ(seen.evidence.find(kConnectionKey), std::string::npos) << seen.evidence;
  EXPECT_NE(seen.evidence.find("[redacted]"), std::string::npos) << seen.evidence;
}

TEST(ExecDriverTest, ConsentThenResultOnContinueCarryingProjectAndContinue) {
  struct Seen {
    core::Result<DriverAnswer> first, second;
    std::string evidence;
  };
  auto seen = with_adapter<Seen>("good", [](ExecDriver& d) -> awaitable<Seen> {
    auto first = co_await d.invoke(whoami("1"));
    auto request = whoami("2");
    request.continues = "1";
    request.agent = "agent-one";
    auto second = co_await d.invoke(request);
    co_await d.bye();
    co_return Seen{first, second, dump_evidence(d)};
  });
  ASSERT_TRUE(seen.first.ok()) << seen.first.error().message();
  ASSERT_TRUE(std::holds_alternative<ConsentRequired>(*seen.first));
  EXPECT_EQ(std::get<ConsentRequired>(*seen.first).link, "https://iut.example/consent/1");
  ASSERT_TRUE(seen.second.ok()) << seen.second.error().message();
  ASSERT_TRUE(std::holds_alternative<ToolResult>(*seen.second));
  EXPECT_EQ(std::get<ToolResult>(*seen.second).output["continued"], true);
  // The adapter echoed the invoke lines to stderr: the protocol fields are there, the user's
  // token is not.
  EXPECT_NE(seen.evidence.find(R"(\"project\":\"alpha\")"), std::string::npos) << seen.evidence;
  EXPECT_NE(seen.evidence.find(R"(\"agent\":\"agent-one\")"), std::string::npos);
  EXPECT_NE(seen.evidence.find(R"(\"continue\":\"1\")"), std::string::npos);
  EXPECT_EQ(seen.evidence.find(kUserToken), std::string::npos) << seen.evidence;
}

TEST(ExecDriverTest, ErrorAnswerIsAToolErrorNotAFailure) {
  auto answer = with_adapter<core::Result<DriverAnswer>>(
      "good", [](ExecDriver& d) -> awaitable<core::Result<DriverAnswer>> {
        auto request = whoami("1");
        request.tool = "fail";
        co_return co_await d.invoke(request);
      });
  ASSERT_TRUE(answer.ok()) << answer.error().message();
  ASSERT_TRUE(std::holds_alternative<ToolError>(*answer));
  EXPECT_EQ(std::get<ToolError>(*answer).code, "tool_error");
  EXPECT_EQ(std::get<ToolError>(*answer).message, "it failed");
}

TEST(ExecDriverTest, AnswersKeepTheWholeLineAsRaw) {
  auto answer = with_adapter<core::Result<DriverAnswer>>(
      "good", [](ExecDriver& d) -> awaitable<core::Result<DriverAnswer>> {
        co_return co_await d.invoke(whoami("1"));
      });
  ASSERT_TRUE(answer.ok()) << answer.error().message();
  const auto& raw = std::get<ConsentRequired>(*answer).raw;
  EXPECT_EQ(
      raw, (nlohmann::json{{"id", "1"}, {"consent", {{"link", "https://iut.example/consent/1"}}}}));
}

TEST(ExecDriverTest, CallToolResultOfJsonTextIsJudgedAsJson) {
  auto answer = with_adapter<core::Result<DriverAnswer>>(
      "good", [](ExecDriver& d) -> awaitable<core::Result<DriverAnswer>> {
        auto request = whoami("1");
        request.tool = "mcp-json";
        co_return co_await d.invoke(request);
      });
  ASSERT_TRUE(answer.ok()) << answer.error().message();
  const auto& result = std::get<ToolResult>(*answer);
  EXPECT_EQ(result.output, (nlohmann::json{{"oid", "o-1"}}));
  EXPECT_TRUE(result.raw["result"].contains("content"));
}

TEST(ExecDriverTest, CallToolResultWithIsErrorIsAFailedToolCall) {
  auto answer = with_adapter<core::Result<DriverAnswer>>(
      "good", [](ExecDriver& d) -> awaitable<core::Result<DriverAnswer>> {
        auto request = whoami("1");
        request.tool = "mcp-error";
        co_return co_await d.invoke(request);
      });
  ASSERT_TRUE(answer.ok()) << answer.error().message();
  const auto& failure = std::get<ToolError>(*answer);
  EXPECT_EQ(failure.code, "tool_failed");
  EXPECT_EQ(failure.message, "no such thing");
  EXPECT_EQ(failure.status, 0);
}

TEST(ExecDriverTest, ErrorStatusIsTheToolErrorsStatus) {
  auto answer = with_adapter<core::Result<DriverAnswer>>(
      "good", [](ExecDriver& d) -> awaitable<core::Result<DriverAnswer>> {
        auto request = whoami("1");
        request.tool = "fail-500";
        co_return co_await d.invoke(request);
      });
  ASSERT_TRUE(answer.ok()) << answer.error().message();
  const auto& failure = std::get<ToolError>(*answer);
  EXPECT_EQ(failure.code, "server_error");
  EXPECT_EQ(failure.status, 500);
  EXPECT_EQ(failure.message, "");
}

TEST(ExecDriverTest, ErrorStatusThatIsNoNumberFailsTheInvoke) {
  auto answer = with_adapter<core::Result<DriverAnswer>>(
      "good", [](ExecDriver& d) -> awaitable<core::Result<DriverAnswer>> {
        auto request = whoami("1");
        request.tool = "bad-status";
        co_return co_await d.invoke(request);
      });
  EXPECT_EQ(answer.code(), core::Errc::parse_error);
  EXPECT_NE(answer.error().detail.find("not an HTTP status"), std::string::npos);
}

TEST(ExecDriverTest, ApprovalThenApproveOrDenyOnContinue) {
  struct Seen {
    core::Result<DriverAnswer> asked, approved, denied;
    std::string evidence;
  };
  auto seen = with_adapter<Seen>("good", [](ExecDriver& d) -> awaitable<Seen> {
    auto request = whoami("1");
    request.tool = "guarded";
    auto asked = co_await d.invoke(request);
    request.id = "2";
    request.continues = "1";
    request.approve = true;
    auto approved = co_await d.invoke(request);
    request.id = "3";
    request.approve = false;
    auto denied = co_await d.invoke(request);
    co_await d.bye();
    co_return Seen{asked, approved, denied, dump_evidence(d)};
  });
  ASSERT_TRUE(seen.asked.ok()) << seen.asked.error().message();
  ASSERT_TRUE(std::holds_alternative<ApprovalRequired>(*seen.asked));
  EXPECT_EQ(std::get<ApprovalRequired>(*seen.asked).request_id, "approval-1");
  ASSERT_TRUE(seen.approved.ok()) << seen.approved.error().message();
  EXPECT_EQ(std::get<ToolResult>(*seen.approved).output["approved"], true);
  ASSERT_TRUE(seen.denied.ok()) << seen.denied.error().message();
  EXPECT_EQ(std::get<ToolError>(*seen.denied).code, "approval_denied");
  EXPECT_EQ(std::get<ToolError>(*seen.denied).status, 403);
  EXPECT_NE(seen.evidence.find(R"(\"approve\":true)"), std::string::npos) << seen.evidence;
  EXPECT_NE(seen.evidence.find(R"(\"approve\":false)"), std::string::npos) << seen.evidence;
}

TEST(ExecDriverTest, InvokeWithoutApprovalSendsNoApproveField) {
  auto evidence = with_adapter<std::string>("good", [](ExecDriver& d) -> awaitable<std::string> {
    (void)co_await d.invoke(whoami("1"));
    co_await d.bye();
    co_return dump_evidence(d);
  });
  EXPECT_NE(evidence.find("invoke request"), std::string::npos) << evidence;
  EXPECT_EQ(evidence.find("approve"), std::string::npos) << evidence;
}

TEST(ExecDriverTest, ForgetSendsTheUsersTokenAndRedactsIt) {
  struct Seen {
    core::Result<void> forgotten;
    std::string evidence;
  };
  auto seen = with_adapter<Seen>("good", [](ExecDriver& d) -> awaitable<Seen> {
    auto forgotten = co_await d.forget_consents({.name = "alice", .token = kUserToken});
    co_await d.bye();
    co_return Seen{forgotten, dump_evidence(d)};
  });
  EXPECT_TRUE(seen.forgotten.ok()) << seen.forgotten.error().message();
  EXPECT_NE(seen.evidence.find(R"(\"op\":\"forget\")"), std::string::npos) << seen.evidence;
  EXPECT_NE(seen.evidence.find(R"(\"user\":{\"token\":\"[redacted]\"})"), std::string::npos)
      << seen.evidence;
  EXPECT_EQ(seen.evidence.find(kUserToken), std::string::npos) << seen.evidence;
}

TEST(ExecDriverTest, ForgetWithoutATokenIsRefusedBeforeTheAdapterSeesIt) {
  auto forgotten =
      with_adapter<core::Result<void>>("good", [](ExecDriver& d) -> awaitable<core::Result<void>> {
        co_return co_await d.forget_consents({.name = "alice", .token = ""});
      });
  EXPECT_EQ(forgotten.code(), core::Errc::invalid_argument);
}

TEST(ExecDriverTest, UnsupportedForgetIsASkip) {
  auto forgotten = with_adapter<core::Result<void>>(
      "malformed", [](ExecDriver& d) -> awaitable<core::Result<void>> {
        co_return co_await d.forget_consents({.name = "alice", .token = kUserToken});
      });
  EXPECT_EQ(forgotten.code(), core::Errc::not_found);
  EXPECT_EQ(forgotten.error().detail, "unsupported");
}

TEST(ExecDriverTest, ReconfigureSendsTheConnectionAndRedactsItsNewSecrets) {
  const std::string rotated = "rotated-key-secret-0987654321";
  struct Seen {
    core::Result<void> reconfigured;
    std::string evidence;
  };
  auto seen = with_adapter<Seen>("good", [&](ExecDriver& d) -> awaitable<Seen> {
    auto connection = kConnections[0];
    connection["credentials"]["keys"]["X-API-Key"] = rotated;
    auto reconfigured = co_await d.reconfigure(connection);
    co_await d.bye();
    co_return Seen{reconfigured, dump_evidence(d)};
  });
  EXPECT_TRUE(seen.reconfigured.ok()) << seen.reconfigured.error().message();
  EXPECT_NE(seen.evidence.find(R"(\"op\":\"reconfigure\")"), std::string::npos) << seen.evidence;
  EXPECT_NE(seen.evidence.find(R"(\"name\":\"api-key\")"), std::string::npos) << seen.evidence;
  EXPECT_EQ(seen.evidence.find(rotated), std::string::npos) << seen.evidence;
}

TEST(ExecDriverTest, UnsupportedReconfigureIsASkip) {
  auto reconfigured = with_adapter<core::Result<void>>(
      "malformed", [](ExecDriver& d) -> awaitable<core::Result<void>> {
        co_return co_await d.reconfigure(kConnections[0]);
      });
  EXPECT_EQ(reconfigured.code(), core::Errc::not_found);
  EXPECT_EQ(reconfigured.error().detail, "unsupported");
}

TEST(ExecDriverTest, UnsupportedRestartIsASkip) {
  auto restarted = with_adapter<core::Result<void>>(
      "malformed",
      [](ExecDriver& d) -> awaitable<core::Result<void>> { co_return co_await d.restart(); });
  EXPECT_EQ(restarted.code(), core::Errc::not_found);
  EXPECT_EQ(restarted.error().detail, "unsupported");
}

TEST(ExecDriverTest, UnsupportedInvokeIsASkip) {
  auto invoke = with_adapter<core::Result<DriverAnswer>>(
      "good", [](ExecDriver& d) -> awaitable<core::Result<DriverAnswer>> {
        auto request = whoami("1");
        request.tool = "not-a-tool";
        co_return co_await d.invoke(request);
      });
  EXPECT_EQ(invoke.code(), core::Errc::not_found);
  EXPECT_EQ(invoke.error().detail, "unsupported");
}

TEST(ExecDriverTest, RestartAnswersOk) {
  auto restarted = with_adapter<core::Result<void>>(
      "good",
      [](ExecDriver& d) -> awaitable<core::Result<void>> { co_return co_await d.restart(); });
  EXPECT_TRUE(restarted.ok());
}

TEST(ExecDriverTest, RefusedSetupFailsWithTheAdaptersReason) {
  auto setup = with_adapter<core::Result<SetupAnswer>>(
      "refuse", [](ExecDriver& d) -> awaitable<core::Result<SetupAnswer>> {
        co_return co_await d.setup(
            {{"world", nlohmann::json::object()}, {"connections", kConnections}});
      });
  EXPECT_EQ(setup.code(), core::Errc::invalid_argument);
  EXPECT_NE(setup.error().detail.find("no such mount"), std::string::npos);
}

TEST(ExecDriverTest, MalformedAnswerLineFailsTheInvokeWithTheLineAsEvidence) {
  struct Seen {
    core::Result<DriverAnswer> answer;
    nlohmann::json evidence;
  };
  auto seen = with_adapter<Seen>("malformed", [](ExecDriver& d) -> awaitable<Seen> {
    auto answer = co_await d.invoke(whoami("1"));
    co_return Seen{answer, d.evidence()};
  });
  EXPECT_EQ(seen.answer.code(), core::Errc::parse_error);
  EXPECT_NE(seen.evidence.dump().find("this is not json"), std::string::npos) << seen.evidence;
}

TEST(ExecDriverTest, AnswerForAnotherIdFailsTheInvoke) {
  auto answer = with_adapter<core::Result<DriverAnswer>>(
      "wrong-id", [](ExecDriver& d) -> awaitable<core::Result<DriverAnswer>> {
        co_return co_await d.invoke(whoami("1"));
      });
  EXPECT_EQ(answer.code(), core::Errc::parse_error);
  EXPECT_NE(answer.error().detail.find("someone-else"), std::string::npos);
}

TEST(ExecDriverTest, UnansweredInvokeTimesOutAndItsLateAnswerIsDropped) {
  struct Seen {
    core::Result<DriverAnswer> first, second;
    std::string evidence;
  };
  auto seen = with_adapter<Seen>("late", [](ExecDriver& d) -> awaitable<Seen> {
    auto first = co_await d.invoke(whoami("1"));
    auto second = co_await d.invoke(whoami("2"));
    co_return Seen{first, second, dump_evidence(d)};
  });
  EXPECT_EQ(seen.first.code(), std::errc::timed_out);
  ASSERT_TRUE(seen.second.ok()) << seen.second.error().message();
  EXPECT_EQ(std::get<ToolResult>(*seen.second).output["on_time"], true);
  EXPECT_NE(seen.evidence.find("dropped the late answer to invoke 1"), std::string::npos)
      << seen.evidence;
}

TEST(ExecDriverTest, ConcurrentInvokesAnsweredOutOfOrderEachGetTheirOwnAnswer) {
  using Answers = std::vector<core::Result<DriverAnswer>>;
  auto answers = with_adapter<Answers>("reverse", [](ExecDriver& d) -> awaitable<Answers> {
    auto [a, b, c] =
        co_await (d.invoke(whoami("1")) && d.invoke(whoami("2")) && d.invoke(whoami("3")));
    co_return Answers{a, b, c};
  });
  ASSERT_EQ(answers.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(answers[i].ok()) << answers[i].error().message();
    EXPECT_EQ(std::get<ToolResult>(*answers[i]).output["answering"], std::to_string(i + 1));
  }
}

TEST(ExecDriverTest, UnansweredHelloTimesOutAndStopsTheCommand) {
  auto results = with_adapter<std::pair<core::Result<DriverHello>, core::Result<DriverAnswer>>>(
      "silent",
      [](ExecDriver& d)
          -> awaitable<std::pair<core::Result<DriverHello>, core::Result<DriverAnswer>>> {
        auto hello = co_await d.hello();
        auto invoke = co_await d.invoke(whoami("1"));
        co_return std::pair{hello, invoke};
      });
  EXPECT_EQ(results.first.code(), std::errc::timed_out);
  EXPECT_EQ(results.second.code(), std::errc::timed_out);
  EXPECT_NE(results.second.error().detail.find("stopped"), std::string::npos);
}

TEST(ExecDriverTest, CommandNotReadingItsStdinTimesOutAndIsStopped) {
  auto setup = with_adapter<core::Result<SetupAnswer>>(
      "deaf", [](ExecDriver& d) -> awaitable<core::Result<SetupAnswer>> {
        // More than a pipe holds, so the write itself blocks.
        const nlohmann::json world = {{"padding", std::string(1024 * 1024, 'x')}};
        co_return co_await d.setup({{"world", world}, {"connections", kConnections}});
      });
  EXPECT_EQ(setup.code(), std::errc::timed_out);
  EXPECT_NE(setup.error().detail.find("did not read setup"), std::string::npos);
}

TEST(ExecDriverTest, CrashMidRunFailsWithExitStatusAndStderrThenEveryLaterCall) {
  struct Seen {
    core::Result<DriverHello> hello;
    core::Result<DriverAnswer> crashed, after;
  };
  auto seen = with_adapter<Seen>("crash", [](ExecDriver& d) -> awaitable<Seen> {
    auto hello = co_await d.hello();
    auto crashed = co_await d.invoke(whoami("1"));
    auto after = co_await d.invoke(whoami("2"));
    co_return Seen{hello, crashed, after};
  });
  ASSERT_TRUE(seen.hello.ok());
  EXPECT_EQ(seen.crashed.code(), core::Errc::io_error);
  EXPECT_NE(seen.crashed.error().detail.find("status 3"), std::string::npos)
      << seen.crashed.error().detail;
  EXPECT_NE(seen.crashed.error().detail.find("boom: the adapter crashed"), std::string::npos);
  EXPECT_EQ(seen.crashed.error().detail.find(kUserToken), std::string::npos);
  EXPECT_EQ(seen.after.code(), core::Errc::io_error);
}

TEST(ExecDriverTest, CommandIgnoringByeIsTerminated) {
  auto evidence =
      with_adapter<std::string>("ignore-bye", [](ExecDriver& d) -> awaitable<std::string> {
        co_await d.bye();
        co_return dump_evidence(d);
      });
  EXPECT_NE(evidence.find("did not exit after bye; terminated"), std::string::npos) << evidence;
}

TEST(ExecDriverTest, MissingCommandIsNotFound) {
  auto missing = toolauth::testing::run_sync<core::Error>([]() -> awaitable<core::Error> {
    auto driver = ExecDriver::start(co_await boost::asio::this_coro::executor,
                                    {.command = {"toolauth-no-such-adapter"}});
    co_return driver.ok() ? core::Error{} : driver.error();
  });
  EXPECT_EQ(missing.code, core::Errc::not_found);
}

TEST(ExecDriverTest, CommandLineIsSplitLikeAShellWithoutExpansion) {
  using Words = std::vector<std::string>;
  EXPECT_EQ(*split_command_line("node examples/adapter.mjs"),
            (Words{"node", "examples/adapter.mjs"}));
  EXPECT_EQ(*split_command_line("  sh -c 'echo $HOME; x'  "), (Words{"sh", "-c", "echo $HOME; x"}));
  EXPECT_EQ(*split_command_line(R"(a "b c" d\ e "x\"y" '')"),
            (Words{"a", "b c", "d e", "x\"y", ""}));
  EXPECT_EQ(*split_command_line(R"("\n")"), (Words{"\\n"}));
  EXPECT_EQ(split_command_line("").code(), core::Errc::invalid_argument);
  EXPECT_EQ(split_command_line("a 'b").code(), core::Errc::invalid_argument);
  EXPECT_EQ(split_command_line("a \\").code(), core::Errc::invalid_argument);
}

TEST(ExecDriverTest, CertifyOptionsCarryTheLocalCa) {
  auto options = exec_driver_options("node adapter.mjs", "/state/tls/ca.pem");
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->command, (std::vector<std::string>{"node", "adapter.mjs"}));
  EXPECT_EQ(options->environment.at("NODE_EXTRA_CA_CERTS"), "/state/tls/ca.pem");
  EXPECT_EQ(options->environment.at("TOOLAUTH_CA_FILE"), "/state/tls/ca.pem");
}

}  // namespace
}  // namespace toolauth::conformance
