// ToolSession against mock-mcp's api-key mount (in-process stack over loopback HTTPS), with a
// scripted ToolAuth standing in for a connection's auth type.

#include "toolauth/emulator/tool_session.h"

#include <gtest/gtest.h>

#include "stack.h"

namespace toolauth::emulator {
namespace {

using testing::Stack;

constexpr const char* kKey = "tak-primary-5b9d2e71c0a84f36";

// Answers authorize() with what the test scripted and counts what the session asked.
class ScriptedToolAuth final : public ToolAuth {
 public:
  explicit ScriptedToolAuth(ToolAuthOutcome outcome) : outcome_(std::move(outcome)) {}
  AuthType type() const override { return AuthType::custom_keys; }
  boost::asio::awaitable<ToolAuthOutcome> authorize(const ToolCallContext&) override {
    ++authorized;
    co_return outcome_;
  }
  boost::asio::awaitable<void> refused(const ToolCallContext&) override {
    ++refusals;
    co_return;
  }
  int authorized = 0;
  int refusals = 0;

 private:
  ToolAuthOutcome outcome_;
};

ToolCredentials key(std::string value) {
  ToolCredentials credentials;
  credentials.headers.set("X-API-Key", std::move(value));
  return credentials;
}

class ToolSessionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stack_ = new Stack(); }
  static void TearDownTestSuite() { delete stack_; }
  void SetUp() override {
    stack_->clear_mcp_faults();
    stack_->clear_journals();
  }

  struct Outcome {
    bool ready = false;
    std::optional<ConsentRequired> consent;
    std::optional<McpCallError> error;
    std::string failure_code;
    std::string called;  // whoami's text, or the call's error
    std::vector<std::string> journal;
  };
  // Opens a session to the api-key mount with `auth` and `headers`, calls whoami when ready.
  static Outcome run(ToolAuth* auth, http::Headers headers = {}) {
    const std::string ca = stack_->ca_file();
    const std::string url = stack_->mcp().url() + "/mcp/api-key";
    return toolauth::testing::run_sync<Outcome>([&]() -> boost::asio::awaitable<Outcome> {
      http::Client client(co_await boost::asio::this_coro::executor, {.ca_file = ca});
      Outcome out;
      ToolSession session(client, url, headers, auth, ToolCallContext{},
                          [&out](nlohmann::json fields) {
                            out.journal.push_back(fields["outcome"].get<std::string>());
                          });
      co_await session.open();
      out.ready = session.ready();
      out.consent = session.consent();
      out.error = session.error();
      out.failure_code = session.failure_code();
      if (out.ready) {
        auto result = co_await session.call_tool("whoami", nlohmann::json::object());
        out.called = result.ok() ? result->text() : result.error().text();
      }
      co_await session.close();
      co_return out;
    });
  }
  static void refuse_mcp(int count, const std::string& tool = {}) {
    nlohmann::json match = {{"endpoint", "mcp"}, {"mount", "api-key"}};
    if (!tool.empty()) match["tool"] = tool;
    stack_->mcp_fault({{"match", match}, {"action", {{"status", 401}}}, {"count", count}});
  }

  static Stack* stack_;
};
Stack* ToolSessionTest::stack_ = nullptr;

TEST_F(ToolSessionTest, CredentialsGoOnTopOfTheGivenHeaders) {
  ScriptedToolAuth auth(key(kKey));
  http::Headers given;
  given.set("X-API-Key", "an-agents-attempt-to-replace-the-key");
  auto out = run(&auth, given);
  ASSERT_TRUE(out.ready) << (out.error ? out.error->text() : "");
  EXPECT_NE(out.called.find("api-key"), std::string::npos) << out.called;
  EXPECT_EQ(out.journal, std::vector<std::string>{"credentials"});
}

TEST_F(ToolSessionTest, A401AtInitializeIsRefusedAndRetriedOnce) {
  ScriptedToolAuth auth(key(kKey));
  refuse_mcp(1);
  auto out = run(&auth);
  EXPECT_TRUE(out.ready);
  EXPECT_EQ(auth.authorized, 2);
  EXPECT_EQ(auth.refusals, 1);
  EXPECT_EQ(out.journal, (std::vector<std::string>{"credentials", "refused", "credentials"}));
}

TEST_F(ToolSessionTest, AServerThatKeepsRefusingFailsWithoutALoop) {
  ScriptedToolAuth auth(key(kKey));
  refuse_mcp(10);
  auto out = run(&auth);
  EXPECT_FALSE(out.ready);
  ASSERT_TRUE(out.error.has_value());
  EXPECT_EQ(out.error->to_json(McpCallErrorFormat::structured)["code"], 401);
  EXPECT_EQ(auth.authorized, 2);
}

TEST_F(ToolSessionTest, A401InMidSessionReopensAndCallsOnceMore) {
  ScriptedToolAuth auth(key(kKey));
  refuse_mcp(1, "whoami");
  auto out = run(&auth);
  EXPECT_NE(out.called.find("api-key"), std::string::npos) << out.called;
  EXPECT_EQ(auth.refusals, 1);
  EXPECT_EQ(auth.authorized, 2);
}

TEST_F(ToolSessionTest, ConsentAndFailureStopBeforeTheServer) {
  ScriptedToolAuth consent(ConsentRequired{"https://emulator/oauth/consent/x", "c1"});
  auto asked = run(&consent);
  EXPECT_FALSE(asked.ready);
  ASSERT_TRUE(asked.consent.has_value());
  EXPECT_EQ(asked.consent->consent_link, "https://emulator/oauth/consent/x");
  ScriptedToolAuth failing(ToolAuthFailure{"consent_declined", "consent_declined"});
  auto failed = run(&failing);
  EXPECT_FALSE(failed.ready);
  EXPECT_EQ(failed.failure_code, "consent_declined");
  ASSERT_TRUE(failed.error.has_value());
  EXPECT_EQ(failed.error->text(), "consent_declined");
  EXPECT_TRUE(stack_->mcp_journal().empty());
}

TEST_F(ToolSessionTest, WithoutAToolAuthNothingIsAddedAndA401IsFinal) {
  auto out = run(nullptr);  // the api-key mount wants its key
  EXPECT_FALSE(out.ready);
  ASSERT_TRUE(out.error.has_value());
  EXPECT_TRUE(out.journal.empty());
}

}  // namespace
}  // namespace toolauth::emulator
