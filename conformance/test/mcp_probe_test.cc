#include "toolauth/conformance/mcp_probe.h"

#include <gtest/gtest.h>

#include "world_fixture.h"

namespace toolauth::conformance {
namespace {

using boost::asio::awaitable;

TEST(McpProbeTest, FindsTheAnswerInAnEventStream) {
  const std::string body =
      "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n"
      "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"ok\":true}}\n\n";
  EXPECT_EQ(answer_in_event_stream(body, 7)["result"]["ok"], true);
  EXPECT_TRUE(answer_in_event_stream(body, 8).is_null());
  // A stream cut before its final blank line still yields its last event.
  EXPECT_EQ(answer_in_event_stream("data: {\"id\":1,\"result\":{}}\n", 1)["id"], 1);
}

TEST(McpProbeTest, InitializesListsAndCallsToolsOnAnOpenMount) {
  auto texts = testing::with_environment<std::vector<std::string>>(
      [](Environment& env) -> awaitable<std::vector<std::string>> {
        McpProbe probe(env.client(), env.mcp_url() + "/mcp/open");
        auto init = co_await probe.initialize();
        auto tools = co_await probe.list_tools();
        auto echo = co_await probe.call_tool("echo", {{"message", "hi"}});
        std::vector<std::string> out;
        out.push_back(std::to_string(init.ok() ? init->status : -1));
        out.push_back(probe.session_id().empty() ? "no session" : "session");
        out.push_back(tools.ok() ? tools->message.dump() : "");
        out.push_back(echo.ok() ? echo->message.dump() : "");
        co_return out;
      });
  EXPECT_EQ(texts[0], "200");
  EXPECT_EQ(texts[1], "session");
  EXPECT_NE(texts[2].find("whoami"), std::string::npos);
  EXPECT_NE(texts[3].find("hi"), std::string::npos);
}

TEST(McpProbeTest, SeesA401AsTheServerSentIt) {
  auto status = testing::with_environment<int>([](Environment& env) -> awaitable<int> {
    McpProbe probe(env.client(), env.mcp_url() + "/mcp/bearer");
    auto init = co_await probe.initialize();
    co_return init.ok() && !init->header("www-authenticate").empty() ? init->status : -1;
  });
  EXPECT_EQ(status, 401);
}

}  // namespace
}  // namespace toolauth::conformance
