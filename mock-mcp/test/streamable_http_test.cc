// The Streamable HTTP transport of a mount over real HTTPS: status codes and JSON-RPC errors as
// reference/mcp.md §1.3 lists them, sessions, batches, SSE, resumption and the MCP methods.
#include <gtest/gtest.h>

#include "test_support.h"
#include "toolauth/mcp/protocol.h"

namespace toolauth::mcp {
namespace {

using namespace std::chrono_literals;
using testing::McpReply;
using testing::McpServerThread;
using testing::McpTestClient;

class StreamableHttpTest : public ::testing::Test {
 protected:
  McpTestClient client(std::string_view mount) {
    return McpTestClient(server_.url(mount), server_.ca_file());
  }
  McpTestClient keyed(const char* key_id) {
    auto c = client("api-key");
    c.extra_headers.add("X-API-Key", key_value(key_id));
    return c;
  }
  std::string key_value(const char* id) {
    const auto fixtures = nlohmann::json::parse(default_mcp_fixtures());
    for (const auto& mount : fixtures["mounts"]) {
      if (mount["name"] != "api-key") continue;
      for (const auto& key : mount["auth"]["keys"]) {
        if (key["id"] == id) return key["value"];
      }
    }
    return {};
  }
  static void expect_rpc_error(const McpReply& reply, int status, int code) {
    EXPECT_EQ(reply.status, status) << reply.body;
    auto message = nlohmann::json::parse(reply.body);
    EXPECT_TRUE(message["id"].is_null()) << reply.body;
    EXPECT_EQ(message["error"]["code"], code) << reply.body;
  }

  core::SystemClock clock_;
  McpServerThread server_{clock_};
};

TEST_F(StreamableHttpTest, InitializeNegotiatesTheVersionAndIssuesASession) {
  auto c = client("open");
  auto reply = c.initialize("2025-06-18");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.message()["result"]["protocolVersion"], "2025-06-18");
  EXPECT_EQ(c.session_id.size(), 32u);
  auto newest = client("open").initialize("1999-01-01");
  EXPECT_EQ(newest.message()["result"]["protocolVersion"], "2025-11-25");
  EXPECT_TRUE(newest.message()["result"]["capabilities"].contains("tools"));
}

TEST_F(StreamableHttpTest, NotificationsGet202AndPingAnswers) {
  auto c = client("open");
  c.initialize();
  EXPECT_EQ(c.post({{"jsonrpc", "2.0"}, {"method", "notifications/roots/list_changed"}}).status,
            202);
  auto pong = c.post({{"jsonrpc", "2.0"}, {"id", "p"}, {"method", "ping"}});
  EXPECT_EQ(
      pong.message(),
      (nlohmann::json{{"jsonrpc", "2.0"}, {"id", "p"}, {"result", nlohmann::json::object()}}));
}

TEST_F(StreamableHttpTest, RejectsClientThatCannotAcceptBothTypesWith406) {
  http::Headers headers;
  headers.add("Accept", "application/json");
  expect_rpc_error(
      client("open").post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}, headers), 406,
      kServerError);
}

TEST_F(StreamableHttpTest, RejectsWrongContentTypeWith415) {
  http::Headers headers;
  headers.add("Content-Type", "text/plain");
  expect_rpc_error(
      client("open").post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}, headers), 415,
      kServerError);
}

TEST_F(StreamableHttpTest, RejectsUnparseableBodyWith400ParseError) {
  expect_rpc_error(client("open").send(http::Method::post, "{\"jsonrpc\": \"2.0\", "), 400, -32700);
}

TEST_F(StreamableHttpTest, RejectsRequestWithoutSessionWith400) {
  expect_rpc_error(client("open").post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}}),
                   400, kServerError);
}

TEST_F(StreamableHttpTest, RejectsUnknownSessionWith404) {
  auto c = client("open");
  c.session_id = "0123456789abcdef0123456789abcdef";
  expect_rpc_error(c.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}}), 404,
                   kSessionNotFound);
}

TEST_F(StreamableHttpTest, RejectsSessionHijackByAnotherPrincipalWith404) {
  auto owner = keyed("primary");
  ASSERT_EQ(owner.initialize().status, 200);
  auto thief = keyed("secondary");
  thief.session_id = owner.session_id;
  thief.protocol_version = owner.protocol_version;
  expect_rpc_error(thief.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}}), 404,
                   kSessionNotFound);
  EXPECT_EQ(owner.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}}).status, 200);
}

TEST_F(StreamableHttpTest, RejectsUnsupportedProtocolVersionWith400) {
  auto c = client("open");
  c.initialize("2025-06-18");
  c.protocol_version = "2024-01-01";
  expect_rpc_error(c.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}), 400, kServerError);
  c.protocol_version = "2025-11-25";  // supported, though not the negotiated one: accepted
  EXPECT_EQ(c.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}).status, 200);
  c.protocol_version.clear();  // a missing header is accepted
  EXPECT_EQ(c.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}).status, 200);
}

TEST_F(StreamableHttpTest, BatchesOnlyIn20250326) {
  const nlohmann::json batch = {{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}},
                                {{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/list"}}};
  auto old = client("open");
  old.initialize("2025-03-26");
  auto reply = old.post(batch);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto answers = nlohmann::json::parse(reply.body);
  ASSERT_TRUE(answers.is_array());
  EXPECT_EQ(answers.size(), 2u);
  auto current = client("open");
  current.initialize("2025-06-18");
  expect_rpc_error(current.post(batch), 400, -32600);
}

TEST_F(StreamableHttpTest, DnsRebindingIsRefusedWith403) {
  auto c = client("open");
  http::Headers evil_origin;
  evil_origin.add("Origin", "http://evil.example");
  expect_rpc_error(c.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}, evil_origin), 403,
                   kServerError);
  http::Headers local_origin;
  local_origin.add("Origin", "https://localhost:" +
                                 server_.url("open").substr(server_.url("open").rfind(':') + 1, 5));
  // A loopback Origin is fine (the request still needs a session, hence 400, not 403).
  EXPECT_NE(c.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}, local_origin).status, 403);
}

TEST_F(StreamableHttpTest, OtherMethodsGet405WithAllow) {
  auto reply = client("open").send(http::Method::put, "{}");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.headers.get("allow"), "GET, POST, DELETE");
}

TEST_F(StreamableHttpTest, DeleteEndsTheSession) {
  auto c = client("open");
  c.initialize();
  EXPECT_EQ(c.send(http::Method::delete_, "").status, 200);
  expect_rpc_error(c.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}), 404,
                   kSessionNotFound);
}

TEST_F(StreamableHttpTest, ProgressTravelsOverSseBeforeTheResultAndCanBeResumed) {
  auto c = client("open");
  c.initialize();
  auto reply = c.call("slow", {{"seconds", 0}, {"steps", 3}}, {{"progressToken", "tok-1"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.headers.get("content-type"), "text/event-stream");
  ASSERT_GE(reply.events.size(), 5u);              // priming, 4 progress notifications, the result
  EXPECT_TRUE(reply.events.front().data.empty());  // 2025-11-25 priming event
  std::vector<double> progress;
  for (const auto& e : reply.events) {
    if (e.data.empty()) continue;
    auto m = nlohmann::json::parse(e.data);
    if (m.value("method", "") == "notifications/progress")
      progress.push_back(m["params"]["progress"]);
  }
  EXPECT_EQ(progress, (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(reply.message()["result"]["content"][0]["text"].get<std::string>().substr(0, 10),
            "done after");

  // Resumption after the first progress event replays the rest, result included.
  http::Headers resume;
  resume.add("Last-Event-ID", reply.events[1].id);
  auto replay = c.send(http::Method::get, "", resume);
  ASSERT_EQ(replay.status, 200) << replay.body;
  EXPECT_EQ(replay.events.size(), reply.events.size() - 2);
  EXPECT_EQ(replay.message(), reply.message());
}

TEST_F(StreamableHttpTest, SlowToolFinishesWhenTheSharedClockAdvances) {
  auto c = client("open");
  c.initialize();
  auto pending = std::async(std::launch::async, [&] {
    return c.call("slow", {{"seconds", 600}, {"steps", 2}});
  });
  // The tool reads the clock when it starts, so keep moving it until the call returns; each
  // step is far below the session's idle timeout. Real time only bounds the loop.
  for (int i = 0; i < 500 && pending.wait_for(10ms) != std::future_status::ready; ++i)
    clock_.advance(601s);
  auto reply = pending.get();
  EXPECT_EQ(reply.message()["result"]["content"][0]["text"].get<std::string>().substr(0, 10),
            "done after");
}

// Idle sessions are swept at most once per Mount::kSweepInterval, yet one idle for the idle
// timeout (an hour by default) is refused at once, even right after a sweep.
TEST_F(StreamableHttpTest, IdleSessionIsRefusedWithinTheSweepInterval) {
  auto early = client("open");
  early.initialize();
  clock_.advance(3599s + 500ms);
  auto late = client("open");
  late.initialize();  // a sweep ran here: nothing was idle for an hour yet
  clock_.advance(500ms);
  EXPECT_EQ(early.call("echo", {{"message", "late"}}).status, 404);
  EXPECT_EQ(late.call("echo", {{"message", "in time"}}).status, 200);
}

TEST_F(StreamableHttpTest, NotesBelongToTheirPrincipalOnly) {
  auto alice = keyed("primary");
  alice.initialize();
  alice.call("notes_add", {{"text", "for primary only"}});
  auto bob = keyed("secondary");
  bob.initialize();
  EXPECT_EQ(bob.call("notes_list").message()["result"]["structuredContent"]["notes"].size(), 0u);
  auto mine = alice.call("notes_list").message()["result"]["structuredContent"]["notes"];
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["text"], "for primary only");
}

TEST_F(StreamableHttpTest, WhoamiShowsTheKeyIdNeverTheKey) {
  auto c = keyed("primary");
  c.initialize();
  auto who = c.call("whoami");
  EXPECT_EQ(who.message()["result"]["structuredContent"],
            (nlohmann::json{{"auth", "api-key"}, {"key_id", "primary"}}));
  EXPECT_EQ(who.body.find(key_value("primary")), std::string::npos);
}

TEST_F(StreamableHttpTest, ProtocolErrorsOfTheMethods) {
  auto c = client("conformance");
  c.initialize();
  EXPECT_EQ(c.call("no_such_tool").message()["error"]["code"], -32602);
  EXPECT_EQ(c.post({{"jsonrpc", "2.0"},
                    {"id", 9},
                    {"method", "tools/list"},
                    {"params", {{"cursor", "bogus"}}}})
                .message()["error"]["code"],
            -32602);
  EXPECT_EQ(c.post({{"jsonrpc", "2.0"},
                    {"id", 9},
                    {"method", "resources/read"},
                    {"params", {{"uri", "test://none"}}}})
                .message()["error"]["code"],
            kResourceNotFound);
  EXPECT_EQ(c.post({{"jsonrpc", "2.0"}, {"id", 9}, {"method", "no/such/method"}})
                .message()["error"]["code"],
            -32601);
  auto failed = c.call("fail", {{"mode", "tool"}, {"message", "boom"}});
  EXPECT_EQ(failed.message()["result"]["isError"], true);
  auto protocol = c.call("fail", {{"mode", "protocol"}, {"code", -32050}});
  EXPECT_EQ(protocol.message()["error"]["code"], -32050);
}

TEST_F(StreamableHttpTest, ConformanceResourcesPromptsAndCompletion) {
  auto c = client("conformance");
  c.initialize();
  auto rpc = [&](const char* method, nlohmann::json params) {
    return c
        .post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}})
        .message();
  };
  EXPECT_EQ(
      rpc("resources/read", {{"uri", "test://static-text"}})["result"]["contents"][0]["mimeType"],
      "text/plain");
  auto templated = rpc("resources/read", {{"uri", "test://template/123/data"}});
  EXPECT_NE(templated["result"]["contents"][0]["text"].get<std::string>().find("123"),
            std::string::npos);
  EXPECT_EQ(rpc("resources/subscribe", {{"uri", "test://watched-resource"}})["result"],
            nlohmann::json::object());
  auto prompt = rpc("prompts/get", {{"name", "test_prompt_with_arguments"},
                                    {"arguments", {{"arg1", "a"}, {"arg2", "b"}}}});
  EXPECT_NE(prompt["result"]["messages"][0]["content"]["text"].get<std::string>().find("arg1='a'"),
            std::string::npos);
  EXPECT_EQ(rpc("prompts/get", {{"name", "test_prompt_with_arguments"}})["error"]["code"], -32602);
  auto completion = rpc("completion/complete",
                        {{"ref", {{"type", "ref/prompt"}, {"name", "test_prompt_with_arguments"}}},
                         {"argument", {{"name", "arg1"}, {"value", "pa"}}}});
  EXPECT_EQ(completion["result"]["completion"]["values"],
            (nlohmann::json{"paris", "park", "party"}));
}

TEST_F(StreamableHttpTest, ProtectedResourceMetadataOnlyForBearerMounts) {
  auto metadata = [&](const std::string& mount) {
    return McpTestClient(
               server_.server().url() + "/.well-known/oauth-protected-resource/mcp/" + mount,
               server_.ca_file())
        .send(http::Method::get, "");
  };
  auto prm = metadata("bearer");
  ASSERT_EQ(prm.status, 200);
  const auto doc = nlohmann::json::parse(prm.body);
  EXPECT_EQ(doc["resource"], server_.url("bearer"));
  EXPECT_FALSE(doc["authorization_servers"].empty());
  EXPECT_EQ(metadata("api-key").status, 404);
}

TEST_F(StreamableHttpTest, BearerMountChallengesWithResourceMetadata) {
  auto reply = client("bearer").post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}});
  EXPECT_EQ(reply.status, 401);
  const auto challenge = std::string(reply.headers.get("www-authenticate").value_or(""));
  EXPECT_TRUE(challenge.starts_with("Bearer resource_metadata=\"" + server_.server().url() +
                                    "/.well-known/oauth-protected-resource/mcp/bearer\""))
      << challenge;
  EXPECT_EQ(challenge.find("error="), std::string::npos);  // nothing was presented: no error code
}

}  // namespace
}  // namespace toolauth::mcp
