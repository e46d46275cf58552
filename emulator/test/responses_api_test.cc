// The Responses API end to end: caller token from mock-idp, emulator, MCP calls to mock-mcp.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <thread>

#include "stack.h"

namespace toolauth::emulator {
namespace {

using testing::HttpReply;
using testing::Stack;

constexpr const char* kApiKey = "tak-primary-5b9d2e71c0a84f36";
constexpr const char* kFunctionsKey = "fk-mcp-extension-3c7a19e2d4b8f605";

class ResponsesApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new Stack();
    token_ = new std::string(stack_->user_token("alice"));
  }
  static void TearDownTestSuite() {
    delete stack_;
    delete token_;
  }
  void SetUp() override {
    stack_->send({.method = http::Method::delete_, .url = stack_->mcp().url() + "/_admin/journal"});
  }

  HttpReply create(nlohmann::json body, const std::string& token = {}) {
    return stack_->call(http::Method::post, stack_->project_url("alpha") + "/openai/v1/responses",
                        token.empty() ? *token_ : token, body);
  }
  static nlohmann::json agent(const std::string& name) {
    return {{"type", "agent_reference"}, {"name", name}};
  }
  static nlohmann::json choose(const std::string& label, const std::string& tool) {
    return {{"type", "mcp"}, {"server_label", label}, {"name", tool}};
  }
  // The output item of `type` (the first one).
  static nlohmann::json item(const HttpReply& reply, std::string_view type) {
    for (const auto& i : reply.body["output"]) {
      if (i["type"] == type) return i;
    }
    ADD_FAILURE() << "no " << type << " item in " << reply.text;
    return nlohmann::json::object();
  }
  static Stack* stack_;
  static std::string* token_;
};
Stack* ResponsesApiTest::stack_ = nullptr;
std::string* ResponsesApiTest::token_ = nullptr;

TEST_F(ResponsesApiTest, CustomKeysReachTheirMountAndNothingElse) {
  auto reply = create({{"agent", agent("api-key-agent")},
                       {"input", "who am I?"},
                       {"tool_choice", choose("api-key", "whoami")}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["status"], "completed");
  auto call = item(reply, "mcp_call");
  ASSERT_EQ(call["status"], "completed") << call.dump();
  auto who = nlohmann::json::parse(call["output"].get<std::string>());
  EXPECT_EQ(who["auth"], "api-key");
  EXPECT_EQ(who["key_id"], "primary");
  EXPECT_EQ(item(reply, "mcp_list_tools")["error"], nullptr);
  EXPECT_EQ(reply.text.find(kApiKey), std::string::npos);

  // mock-mcp saw the key at the api-key mount only, on every request of the session.
  auto entries = stack_->mcp_journal();
  ASSERT_FALSE(entries.empty());
  for (const auto& e : entries) {
    EXPECT_EQ(e["mount"], "api-key") << e.dump();
    EXPECT_EQ(e["outcome"], "allowed") << e.dump();
    EXPECT_TRUE(e["headers"].contains("X-API-Key")) << e.dump();
    EXPECT_FALSE(e["headers"].contains("Authorization")) << e.dump();
  }
  for (const auto& e : stack_->emulator_journal("tool_auth"))
    EXPECT_EQ(e.dump().find(kApiKey), std::string::npos);
}

TEST_F(ResponsesApiTest, FunctionsKeyGoesAsXFunctionsKey) {
  auto reply = create(
      {{"agent", agent("functions-key-agent")}, {"input", "whoami"}, {"tool_choice", "required"}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  auto who = nlohmann::json::parse(item(reply, "mcp_call")["output"].get<std::string>());
  EXPECT_EQ(who["key_id"], "mcp_extension");
  EXPECT_EQ(reply.text.find(kFunctionsKey), std::string::npos);
  for (const auto& e : stack_->mcp_journal()) {
    EXPECT_EQ(e["mount"], "functions");
    EXPECT_TRUE(e["headers"].contains("x-functions-key"));
    EXPECT_FALSE(e["headers"].contains("X-API-Key"));
  }
}

TEST_F(ResponsesApiTest, NoneSendsNoCredentials) {
  auto reply = create({{"agent_reference", agent("open-agent")},
                       {"input", "whoami please"},
                       {"tool_choice", "auto"}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  auto who = nlohmann::json::parse(item(reply, "mcp_call")["output"].get<std::string>());
  EXPECT_EQ(who["auth"], "none");
  for (const auto& e : stack_->mcp_journal()) {
    EXPECT_EQ(e["mount"], "open");
    EXPECT_FALSE(e["headers"].contains("Authorization"));
    EXPECT_FALSE(e["headers"].contains("X-API-Key"));
  }
  auto message = item(reply, "message");
  EXPECT_TRUE(
      message["content"][0]["text"].get<std::string>().starts_with("whoami on open returned: "));
}

TEST_F(ResponsesApiTest, TheConnectionsEndpointWinsOverServerUrlAndAgentHeaders) {
  auto created =
      stack_->call(http::Method::post,
                   stack_->project_url("alpha") + "/agents/sneaky/versions?api-version=v1", *token_,
                   {{"definition",
                     {{"kind", "prompt"},
                      {"tools",
                       {{{"type", "mcp"},
                         {"server_label", "keys"},
                         {"server_url", stack_->mcp().url() + "/mcp/open"},
                         {"project_connection_id", "api-key"},
                         {"headers", {{"X-API-Key", "agent-chosen"}, {"X-Trace", "t1"}}},
                         {"require_approval", "never"}}}}}}});
  ASSERT_EQ(created.status, 200) << created.text;
  auto reply = create(
      {{"agent", agent("sneaky")}, {"input", "x"}, {"tool_choice", choose("keys", "whoami")}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  auto who = nlohmann::json::parse(item(reply, "mcp_call")["output"].get<std::string>());
  EXPECT_EQ(who["key_id"], "primary");
  for (const auto& e : stack_->mcp_journal()) {
    EXPECT_EQ(e["mount"], "api-key");
    EXPECT_EQ(e["headers"]["X-Trace"], "t1");
  }
}

TEST_F(ResponsesApiTest, ArgumentsComeFromTheInput) {
  auto reply = create({{"agent", agent("open-agent")}, {"input", "echo {\"message\": \"hello\"}"}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  auto call = item(reply, "mcp_call");
  EXPECT_EQ(call["name"], "echo");
  EXPECT_EQ(call["arguments"], "{\"message\":\"hello\"}");
  EXPECT_EQ(call["output"], "hello");
}

TEST_F(ResponsesApiTest, AFailedCallsErrorIsAStringByDefault) {
  auto tool = create(
      {{"agent", agent("open-agent")}, {"input", R"(fail {"mode": "tool", "message": "nope"})"}});
  ASSERT_EQ(tool.status, 200) << tool.text;
  auto call = item(tool, "mcp_call");
  EXPECT_EQ(call["status"], "failed");
  EXPECT_EQ(call["error"], "nope");
  EXPECT_EQ(call["output"], nullptr);
  auto rpc = create({{"agent", agent("open-agent")},
                     {"input", R"(fail {"mode": "protocol", "code": -32042, "message": "bad"})"}});
  EXPECT_EQ(item(rpc, "mcp_call")["error"], "MCP error -32042: bad");
}

// `--mcp-call-errors structured`: the objects of openai-node >= 7.5 (reference §2.4).
TEST(ResponsesApiStructuredErrorsTest, FailuresAreTheStructuredObjects) {
  Stack stack({}, McpCallErrorFormat::structured);
  const auto token = stack.user_token("alice");
  auto create = [&](const std::string& input) {
    return stack.call(
        http::Method::post, stack.project_url("alpha") + "/openai/v1/responses", token,
        {{"agent", {{"type", "agent_reference"}, {"name", "open-agent"}}}, {"input", input}});
  };
  auto error_of = [](const HttpReply& reply) {
    for (const auto& i : reply.body["output"]) {
      if (i["type"] == "mcp_call") return i["error"];
    }
    ADD_FAILURE() << "no mcp_call in " << reply.text;
    return nlohmann::json();
  };
  EXPECT_EQ(error_of(create(R"(fail {"mode": "tool", "message": "nope"})")),
            nlohmann::json({{"type", "mcp_tool_execution_error"},
                            {"content", {{{"type", "text"}, {"text", "nope"}}}}}));
  EXPECT_EQ(error_of(create(R"(fail {"mode": "protocol", "code": -32042, "message": "bad"})")),
            nlohmann::json({{"type", "mcp_protocol_error"},
                            {"code", -32042},
                            {"message", "MCP error -32042: bad"}}));
  // A completed call has no error at all, in either format.
  auto fine = create("whoami");
  EXPECT_EQ(error_of(fine), nullptr);
  // The answer's text is the same words as the string form.
  auto failed = create(R"(fail {"mode": "tool", "message": "nope"})");
  EXPECT_NE(failed.text.find("fail on open failed: nope"), std::string::npos) << failed.text;
}

TEST_F(ResponsesApiTest, ApprovalRequestThenApprovedCall) {
  auto asked = create({{"agent", agent("approval-agent")}, {"input", "whoami"}});
  ASSERT_EQ(asked.status, 200) << asked.text;
  auto request = item(asked, "mcp_approval_request");
  EXPECT_EQ(request["name"], "whoami");
  EXPECT_EQ(asked.body["output"].back()["type"], "mcp_approval_request");
  auto approved = create({{"agent", agent("approval-agent")},
                          {"previous_response_id", asked.body["id"]},
                          {"input",
                           {{{"type", "mcp_approval_response"},
                             {"approval_request_id", request["id"]},
                             {"approve", true}}}}});
  ASSERT_EQ(approved.status, 200) << approved.text;
  auto call = item(approved, "mcp_call");
  EXPECT_EQ(call["status"], "completed");
  EXPECT_EQ(call["approval_request_id"], request["id"]);
  EXPECT_EQ(approved.body["previous_response_id"], asked.body["id"]);
}

TEST_F(ResponsesApiTest, DeclinedApprovalCallsNothing) {
  auto asked = create({{"agent", agent("approval-agent")}, {"input", "whoami"}});
  auto request = item(asked, "mcp_approval_request");
  stack_->send({.method = http::Method::delete_, .url = stack_->mcp().url() + "/_admin/journal"});
  auto declined = create({{"agent", agent("approval-agent")},
                          {"previous_response_id", asked.body["id"]},
                          {"input",
                           {{{"type", "mcp_approval_response"},
                             {"approval_request_id", request["id"]},
                             {"approve", false}}}}});
  ASSERT_EQ(declined.status, 200) << declined.text;
  EXPECT_EQ(item(declined, "message")["content"][0]["text"],
            "The call to whoami on open was not approved.");
  EXPECT_TRUE(stack_->mcp_journal().empty());
}

TEST_F(ResponsesApiTest, StreamsTheOpenAiEventSequence) {
  auto reply = create({{"agent", agent("open-agent")}, {"input", "whoami"}, {"stream", true}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  std::vector<std::string> types;
  std::int64_t expected_sequence = 0;
  for (const auto& event : reply.events) {
    auto data = nlohmann::json::parse(event.data);
    EXPECT_EQ(data["type"], event.event);
    EXPECT_EQ(data["sequence_number"], expected_sequence++);
    types.push_back(event.event);
  }
  const std::vector<std::string> expected = {"response.created",
                                             "response.in_progress",
                                             "response.output_item.added",
                                             "response.mcp_list_tools.in_progress",
                                             "response.mcp_list_tools.completed",
                                             "response.output_item.done",
                                             "response.output_item.added",
                                             "response.mcp_call_arguments.delta",
                                             "response.mcp_call_arguments.done",
                                             "response.mcp_call.in_progress",
                                             "response.mcp_call.completed",
                                             "response.output_item.done",
                                             "response.output_item.added",
                                             "response.content_part.added",
                                             "response.output_text.delta",
                                             "response.output_text.done",
                                             "response.content_part.done",
                                             "response.output_item.done",
                                             "response.completed"};
  EXPECT_EQ(types, expected);
  auto last = nlohmann::json::parse(reply.events.back().data);
  EXPECT_EQ(last["response"]["status"], "completed");
  // The streamed response is stored like any other.
  auto stored = stack_->call(http::Method::get,
                             stack_->project_url("alpha") + "/openai/v1/responses/" +
                                 last["response"]["id"].get<std::string>(),
                             *token_);
  EXPECT_EQ(stored.status, 200);
}

TEST_F(ResponsesApiTest, AResponseBelongsToItsUser) {
  auto reply = create({{"agent", agent("open-agent")}, {"input", "hi"}});
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(item(reply, "message")["content"][0]["text"], "No tool was called. You said: hi");
  const auto url =
      stack_->project_url("alpha") + "/openai/v1/responses/" + reply.body["id"].get<std::string>();
  EXPECT_EQ(stack_->call(http::Method::get, url, *token_).status, 200);
  auto bob = stack_->call(http::Method::get, url, stack_->user_token("bob"));
  EXPECT_EQ(bob.status, 404);
  EXPECT_EQ(bob.inner_code(), "ResponseNotFound");
  auto via_bob =
      create({{"agent", agent("open-agent")}, {"previous_response_id", reply.body["id"]}},
             stack_->user_token("bob"));
  EXPECT_EQ(via_bob.status, 404);
  EXPECT_EQ(via_bob.body["error"]["param"], "previous_response_id");
}

TEST_F(ResponsesApiTest, UnknownAgentIs404) {
  auto reply = create({{"agent", agent("nobody")}, {"input", "x"}});
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.inner_code(), "AgentNotFound");
}

TEST_F(ResponsesApiTest, MalformedBodiesAre400) {
  auto reply = stack_->call_raw(
      http::Method::post, stack_->project_url("alpha") + "/openai/v1/responses", *token_, "[1");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error_code(), "invalid_request");
  EXPECT_EQ(create({{"input", "x"}}).body["error"]["param"], "agent");
  EXPECT_EQ(
      create({{"agent", agent("open-agent")}, {"tool_choice", "sometimes"}}).body["error"]["param"],
      "tool_choice");
  EXPECT_EQ(
      create({{"agent", agent("open-agent")}, {"tool_choice", choose("elsewhere", "x")}}).status,
      400);
  EXPECT_EQ(create({{"agent", agent("open-agent")}, {"input", 42}}).body["error"]["param"],
            "input");
  auto approval = create({{"agent", agent("open-agent")},
                          {"input",
                           {{{"type", "mcp_approval_response"},
                             {"approval_request_id", "mcpr_x"},
                             {"approve", true}}}}});
  EXPECT_EQ(approval.status, 400);
  EXPECT_EQ(approval.body["error"]["param"], "input[0]");
}

TEST_F(ResponsesApiTest, ConversationsKeepTheirItems) {
  auto conversation =
      stack_->call(http::Method::post, stack_->project_url("alpha") + "/openai/v1/conversations",
                   *token_, nlohmann::json::object());
  ASSERT_EQ(conversation.status, 200) << conversation.text;
  const auto id = conversation.body["id"].get<std::string>();
  auto reply = create({{"agent", agent("open-agent")}, {"input", "whoami"}, {"conversation", id}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["conversation"]["id"], id);
  auto items = stack_->call(
      http::Method::get, stack_->project_url("alpha") + "/openai/v1/conversations/" + id + "/items",
      *token_);
  EXPECT_EQ(items.body["data"].size(), 1 + reply.body["output"].size());
  auto other =
      create({{"agent", agent("open-agent")}, {"input", "x"}, {"conversation", "conv_nope"}});
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.inner_code(), "ConversationNotFound");
}

}  // namespace
}  // namespace toolauth::emulator

namespace toolauth::emulator {
namespace {

// A streaming client that goes away while the MCP call is in flight, over real loopback HTTP:
// the emulator tells the MCP server (notifications/cancelled), stores the response as
// cancelled with the call incomplete, and keeps serving.
TEST(ResponsesStreamDisconnectTest, AClientThatGoesAwayCancelsTheCallAndTheResponse) {
  Stack stack;
  const auto token = stack.user_token("alice");
  const auto http_url = stack.emulator().http_url();
  const auto port =
      static_cast<unsigned short>(std::stoi(http_url.substr(http_url.rfind(':') + 1)));
  // `slow` waits 60 s on the shared clock, which nobody advances until the end.
  const nlohmann::json body = {{"agent", {{"type", "agent_reference"}, {"name", "open-agent"}}},
                               {"input", R"(slow {"seconds": 60, "steps": 1})"},
                               {"stream", true}};
  const std::string request =
      "POST /api/projects/alpha/openai/v1/responses HTTP/1.1\r\n"
      "Host: localhost\r\nAuthorization: Bearer " +
      token + "\r\nContent-Type: application/json\r\nContent-Length: " +
      std::to_string(body.dump().size()) + "\r\n\r\n" + body.dump();
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(socket, boost::asio::buffer(request));
  std::string seen;
  char chunk[4096];
  while (seen.find("response.mcp_call.in_progress") == std::string::npos)
    seen.append(chunk, socket.read_some(boost::asio::buffer(chunk)));
  const auto at = seen.find("\"id\":\"resp_");
  ASSERT_NE(at, std::string::npos) << seen;
  const auto id = seen.substr(at + 6, seen.find('"', at + 6) - (at + 6));
  socket.close();  // gone, mid-call

  // The response is stored once the cancellation is done.
  const auto url = stack.project_url("alpha") + "/openai/v1/responses/" + id;
  HttpReply stored;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stored = stack.call(http::Method::get, url, token);
  } while (stored.status == 404 && std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(stored.status, 200) << stored.text;
  EXPECT_EQ(stored.body["status"], "cancelled");
  nlohmann::json call;
  for (const auto& i : stored.body["output"]) {
    if (i["type"] == "mcp_call") call = i;
  }
  ASSERT_FALSE(call.is_null()) << stored.text;
  EXPECT_EQ(call["name"], "slow");
  EXPECT_EQ(call["status"], "incomplete");
  EXPECT_EQ(call["output"], nullptr);
  EXPECT_EQ(call["error"], nullptr);

  // The MCP server was told, in the call's session, which request to stop.
  std::vector<std::string> methods;
  for (const auto& entry : stack.mcp_journal()) {
    for (const auto& method : entry.value("rpc", nlohmann::json::array()))
      methods.push_back(method);
  }
  EXPECT_NE(std::find(methods.begin(), methods.end(), "notifications/cancelled"), methods.end());
  auto cancels = stack.emulator_journal("mcp_cancel");
  ASSERT_EQ(cancels.size(), 1u) << cancels;
  EXPECT_EQ(cancels[0]["response"], id);

  // Still serving; then the slow tool's wait ends (it sees the cancellation and stops).
  auto next = stack.call(
      http::Method::post, stack.project_url("alpha") + "/openai/v1/responses", token,
      {{"agent", {{"type", "agent_reference"}, {"name", "open-agent"}}}, {"input", "whoami"}});
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body["status"], "completed") << next.text;
  http::ClientRequest advance{.method = http::Method::post,
                              .url = stack.emulator().url() + "/_admin/clock",
                              .body = R"({"advance_seconds": 61})"};
  advance.headers.set("Content-Type", "application/json");
  EXPECT_EQ(stack.send(std::move(advance)).status, 200);
}

}  // namespace
}  // namespace toolauth::emulator
