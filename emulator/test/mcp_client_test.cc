// The emulator's MCP client against mock-mcp in-process (real HTTPS on loopback).

#include "toolauth/emulator/mcp_client.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <future>
#include <thread>

#include "toolauth/mcp/mcp_server.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::emulator {
namespace {

namespace net = boost::asio;

class McpClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    io_ = new net::io_context();
    work_ = new net::executor_work_guard<net::io_context::executor_type>(io_->get_executor());
    mcp::McpServerOptions o;
    o.port = 0;
    o.templates = {{"idp_url", "https://127.0.0.1:9"}};
    auto started = mcp::McpServer::start(io_->get_executor(), clock_, o);
    if (!started.ok()) throw std::runtime_error(started.error().message());
    server_ = started->release();
    thread_ = new std::thread([] { io_->run(); });
    for (const char* mount :
         {R"({"name": "paged", "auth": {"kind": "none"}, "page_size": 2})",
          R"({"name": "sse", "auth": {"kind": "none"}, "response_mode": "sse"})"}) {
      auto reply = send_admin(mount);
      if (reply != 201) throw std::runtime_error("mount refused");
    }
  }
  static void TearDownTestSuite() {
    std::promise<void> stopped;
    net::post(*io_, [&] {
      server_->stop();
      stopped.set_value();
    });
    stopped.get_future().wait();
    work_->reset();
    thread_->join();
    delete server_;
    delete thread_;
    delete work_;
    delete io_;
  }
  static int send_admin(const std::string& mount) {
    return toolauth::testing::run_sync<int>([&]() -> net::awaitable<int> {
      http::Client client(co_await net::this_coro::executor,
                          {.ca_file = server_->ca_file().string()});
      http::ClientRequest request{
          .method = http::Method::post, .url = server_->url() + "/_admin/mounts", .body = mount};
      request.headers.set("Content-Type", "application/json");
      auto response = co_await client.send(request);
      co_return response.ok() ? response->status : -1;
    });
  }
  // Runs `body` with a client for `mount` (with `headers`).
  template <class T>
  T with_client(const std::string& mount, http::Headers headers,
                std::function<net::awaitable<T>(McpClient&)> body) {
    return toolauth::testing::run_sync<T>([&]() -> net::awaitable<T> {
      http::Client client(co_await net::this_coro::executor,
                          {.ca_file = server_->ca_file().string()});
      McpClient mcp(client, server_->url() + "/mcp/" + mount, headers);
      T result = co_await body(mcp);
      co_await mcp.close();
      co_return result;
    });
  }
  static inline core::SystemClock clock_;
  static inline net::io_context* io_ = nullptr;
  static inline net::executor_work_guard<net::io_context::executor_type>* work_ = nullptr;
  static inline mcp::McpServer* server_ = nullptr;
  static inline std::thread* thread_ = nullptr;
};

TEST_F(McpClientTest, InitializesWithTheNewestVersionAndASession) {
  auto state = with_client<std::pair<std::string, std::string>>(
      "open", {}, [](McpClient& mcp) -> net::awaitable<std::pair<std::string, std::string>> {
        auto ready = co_await mcp.initialize();
        EXPECT_TRUE(ready.ok()) << (ready.ok() ? "" : ready.error().describe());
        co_return std::make_pair(mcp.protocol_version(), mcp.session_id());
      });
  EXPECT_EQ(state.first, "2025-11-25");
  EXPECT_FALSE(state.second.empty());
}

TEST_F(McpClientTest, ListsEveryPage) {
  auto names = with_client<std::vector<std::string>>(
      "paged", {}, [](McpClient& mcp) -> net::awaitable<std::vector<std::string>> {
        EXPECT_TRUE((co_await mcp.initialize()).ok());
        auto tools = co_await mcp.list_tools();
        std::vector<std::string> out;
        if (tools.ok()) {
          for (const auto& t : *tools) out.push_back(t.name);
        }
        co_return out;
      });
  EXPECT_EQ(names, (std::vector<std::string>{"whoami", "echo", "notes_add", "notes_list", "fail",
                                             "slow"}));
}

TEST_F(McpClientTest, CallsAToolOverJsonAndSse) {
  for (const char* mount : {"open", "sse"}) {
    auto text =
        with_client<std::string>(mount, {}, [](McpClient& mcp) -> net::awaitable<std::string> {
          EXPECT_TRUE((co_await mcp.initialize()).ok());
          auto result = co_await mcp.call_tool("echo", {{"message", "hi there"}});
          co_return result.ok() ? result->text() : result.error().describe();
        });
    EXPECT_EQ(text, "hi there") << mount;
  }
}

TEST_F(McpClientTest, AToolErrorIsAResultWithIsError) {
  auto result = with_client<McpResult<McpCallResult>>(
      "open", {}, [](McpClient& mcp) -> net::awaitable<McpResult<McpCallResult>> {
        EXPECT_TRUE((co_await mcp.initialize()).ok());
        co_return co_await mcp.call_tool("fail", {{"mode", "tool"}, {"message", "nope"}});
      });
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->is_error);
  EXPECT_EQ(result->text(), "nope");
}

TEST_F(McpClientTest, AJsonRpcErrorIsTyped) {
  auto result = with_client<McpResult<McpCallResult>>(
      "open", {}, [](McpClient& mcp) -> net::awaitable<McpResult<McpCallResult>> {
        EXPECT_TRUE((co_await mcp.initialize()).ok());
        co_return co_await mcp.call_tool(
            "fail", {{"mode", "protocol"}, {"code", -32042}, {"message", "bad"}});
      });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, McpError::Kind::rpc);
  EXPECT_EQ(result.error().code, -32042);
  EXPECT_EQ(result.error().describe(), "MCP error -32042: bad");
}

TEST_F(McpClientTest, AMissingKeyIsUnauthorizedWithTheChallenge) {
  auto result = with_client<McpResult<void>>("api-key", {},
                                             [](McpClient& mcp) -> net::awaitable<McpResult<void>> {
                                               co_return co_await mcp.initialize();
                                             });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, McpError::Kind::unauthorized);
  EXPECT_EQ(result.error().status, 401);
  EXPECT_EQ(result.error().www_authenticate, "ApiKey header=\"X-API-Key\"");
}

TEST_F(McpClientTest, ExtraHeadersCarryTheKey) {
  http::Headers headers;
  headers.set("X-API-Key", "tak-secondary-9e41a7d3b2c6f058");
  auto text = with_client<std::string>(
      "api-key", headers, [](McpClient& mcp) -> net::awaitable<std::string> {
        EXPECT_TRUE((co_await mcp.initialize()).ok());
        auto result = co_await mcp.call_tool("whoami", nlohmann::json::object());
        co_return result.ok() ? result->text() : result.error().describe();
      });
  EXPECT_EQ(nlohmann::json::parse(text)["key_id"], "secondary");
}

TEST_F(McpClientTest, AnUnreachableServerIsATransportError) {
  auto result =
      toolauth::testing::run_sync<McpResult<void>>([]() -> net::awaitable<McpResult<void>> {
        http::Client client(co_await net::this_coro::executor,
                            {.timeout = std::chrono::milliseconds(2000)});
        McpClient mcp(client, "https://127.0.0.1:9/mcp/x");
        co_return co_await mcp.initialize();
      });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, McpError::Kind::transport);
}

}  // namespace
}  // namespace toolauth::emulator
