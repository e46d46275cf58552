#include "toolauth/jsonrpc/dispatcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace toolauth::jsonrpc {
namespace {

namespace asio = boost::asio;
using nlohmann::json;

// Runs `task` to completion on a fresh io_context and returns its value.
template <class T>
T run(asio::awaitable<T> task) {
  asio::io_context io;
  std::optional<T> out;
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) out = std::move(value);
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

std::optional<json> dispatch(const Dispatcher& d, std::string_view body,
                             const ParseOptions& options = {}, Dispatcher::ContextInit init = {}) {
  return run(d.dispatch(parse_message(body, options), std::move(init)));
}

HandlerResult echo_params(const json& params, CallContext&) { return params; }

struct Session {
  std::string name;
  std::vector<Response> responses;
};

// --- requests -------------------------------------------------------------------------

TEST(DispatcherTest, AnswersRequestWithSyncHandlerResult) {
  Dispatcher d;
  d.add_sync("echo", echo_params);
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"echo","params":{"a":1},"id":1})");
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(*reply, R"({"jsonrpc":"2.0","id":1,"result":{"a":1}})"_json);
}

TEST(DispatcherTest, AsyncHandlerMaySuspendBeforeAnswering) {
  Dispatcher d;
  d.add("slow", [](const json& params, CallContext&) -> asio::awaitable<HandlerResult> {
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(5));
    co_await timer.async_wait(asio::use_awaitable);
    co_return json{{"waited", true}, {"params", params}};
  });
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"slow","params":[1],"id":"s"})");
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(*reply, R"({"jsonrpc":"2.0","id":"s","result":{"waited":true,"params":[1]}})"_json);
}

TEST(DispatcherTest, HandlerSeesNullParamsWhenAbsent) {
  Dispatcher d;
  d.add_sync("echo", echo_params);
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"echo","id":1})");
  EXPECT_EQ(*reply, R"({"jsonrpc":"2.0","id":1,"result":null})"_json);
}

TEST(DispatcherTest, KeepsStringIdThatLooksNumeric) {
  Dispatcher d;
  d.add_sync("echo", echo_params);
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"echo","id":"1"})");
  EXPECT_EQ(serialize(*reply), R"({"id":"1","jsonrpc":"2.0","result":null})");
}

TEST(DispatcherTest, HandlerErrorIsAnsweredAsIs) {
  Dispatcher d;
  d.add_sync("tools/call", [](const json&, CallContext&) -> HandlerResult {
    return invalid_params("Unknown tool: nope");
  });
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"tools/call","params":{},"id":2})");
  EXPECT_EQ(*reply, R"({"jsonrpc":"2.0","id":2,"error":{"code":-32602,
                        "message":"Invalid params: Unknown tool: nope"}})"_json);
}

TEST(DispatcherTest, RejectsUnknownMethodWithMethodNotFound) {
  Dispatcher d;
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"tools/cal","id":3})");
  EXPECT_EQ(*reply, R"({"jsonrpc":"2.0","id":3,"error":{"code":-32601,
                        "message":"Method not found: tools/cal"}})"_json);
}

TEST(DispatcherTest, RejectsRequestForNotificationOnlyMethod) {
  Dispatcher d;
  d.on_notification("notifications/initialized", [](const json&, CallContext&) {});
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"notifications/initialized","id":1})");
  EXPECT_EQ((*reply)["error"]["code"], kMethodNotFound);
}

TEST(DispatcherTest, ThrowingHandlerYieldsInternalErrorWithoutItsText) {
  Dispatcher d;
  d.add_sync("boom", [](const json&, CallContext&) -> HandlerResult {
    throw std::runtime_error("db password=hunter2 unreachable");
  });
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"boom","id":4})");
  EXPECT_EQ(*reply,
            R"({"jsonrpc":"2.0","id":4,"error":{"code":-32603,"message":"Internal error"}})"_json);
  EXPECT_EQ(serialize(*reply).find("hunter2"), std::string::npos);
}

TEST(DispatcherTest, AsyncHandlerThrowingAfterSuspensionYieldsInternalError) {
  Dispatcher d;
  d.add("boom", [](const json&, CallContext&) -> asio::awaitable<HandlerResult> {
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
    co_await timer.async_wait(asio::use_awaitable);
    throw std::logic_error("secret stack detail");
  });
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"boom","id":"b"})");
  EXPECT_EQ(
      *reply,
      R"({"jsonrpc":"2.0","id":"b","error":{"code":-32603,"message":"Internal error"}})"_json);
}

TEST(DispatcherTest, HandlerThrowingNonStandardExceptionYieldsInternalError) {
  Dispatcher d;
  d.add_sync("boom", [](const json&, CallContext&) -> HandlerResult { throw 42; });
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"boom","id":1})");
  EXPECT_EQ((*reply)["error"]["code"], kInternalError);
}

TEST(DispatcherTest, AnswersNullIdRequestWithNullIdWhenAllowed) {
  Dispatcher d;
  d.add_sync("echo", echo_params);
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"echo","params":[1],"id":null})",
                        {.allow_null_id = true});
  EXPECT_EQ(*reply, R"({"jsonrpc":"2.0","id":null,"result":[1]})"_json);
}

// --- context --------------------------------------------------------------------------

TEST(DispatcherTest, ContextCarriesIdMethodAndUserData) {
  Dispatcher d;
  d.add_sync("whoami", [](const json&, CallContext& ctx) -> HandlerResult {
    return json{{"id", id_to_json(*ctx.id)},
                {"method", ctx.method},
                {"session", ctx.user_as<Session>().name}};
  });
  Session session{.name = "s-1", .responses = {}};
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"whoami","id":9})", {},
                        [&](CallContext& ctx) { ctx.user = &session; });
  EXPECT_EQ((*reply)["result"], R"({"id":9,"method":"whoami","session":"s-1"})"_json);
}

TEST(DispatcherTest, UserDataOfAnotherTypeYieldsInternalError) {
  Dispatcher d;
  d.add_sync("whoami", [](const json&, CallContext& ctx) -> HandlerResult {
    return ctx.user_as<Session>().name;
  });
  int not_a_session = 0;
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"whoami","id":1})", {},
                        [&](CallContext& ctx) { ctx.user = &not_a_session; });
  EXPECT_EQ((*reply)["error"]["code"], kInternalError);
}

TEST(DispatcherTest, MissingUserDataYieldsInternalError) {
  Dispatcher d;
  d.add_sync("whoami", [](const json&, CallContext& ctx) -> HandlerResult {
    return ctx.user_as<Session>().name;
  });
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"whoami","id":1})");
  EXPECT_EQ((*reply)["error"]["code"], kInternalError);
  Session* none = nullptr;
  reply = dispatch(d, R"({"jsonrpc":"2.0","method":"whoami","id":1})", {},
                   [&](CallContext& ctx) { ctx.user = none; });
  EXPECT_EQ((*reply)["error"]["code"], kInternalError);
}

TEST(DispatcherTest, ThrowingContextInitYieldsInternalError) {
  Dispatcher d;
  d.add_sync("echo", echo_params);
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"echo","id":1})", {},
                        [](CallContext&) { throw std::runtime_error("no session"); });
  EXPECT_EQ((*reply)["error"]["code"], kInternalError);
}

// --- notifications --------------------------------------------------------------------

TEST(DispatcherTest, NotificationRunsItsHandlerAndGetsNoAnswer) {
  Dispatcher d;
  json seen;
  std::optional<Id> seen_id = Id{std::int64_t{-1}};
  d.on_notification("notifications/cancelled", [&](const json& params, CallContext& ctx) {
    seen = params;
    seen_id = ctx.id;
  });
  auto reply = dispatch(
      d, R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5}})");
  EXPECT_FALSE(reply.has_value());
  EXPECT_EQ(seen, R"({"requestId":5})"_json);
  EXPECT_FALSE(seen_id.has_value());
}

TEST(DispatcherTest, IgnoresUnknownNotification) {
  Dispatcher d;
  EXPECT_FALSE(dispatch(d, R"({"jsonrpc":"2.0","method":"notifications/whatever"})").has_value());
}

TEST(DispatcherTest, IgnoresThrowingNotificationHandler) {
  Dispatcher d;
  d.on_notification("n", [](const json&, CallContext&) { throw std::runtime_error("x"); });
  EXPECT_FALSE(dispatch(d, R"({"jsonrpc":"2.0","method":"n"})").has_value());
}

TEST(DispatcherTest, NotificationNeverRunsARequestHandler) {
  Dispatcher d;
  int calls = 0;
  d.add_sync("tools/call", [&](const json&, CallContext&) -> HandlerResult {
    ++calls;
    return json::object();
  });
  EXPECT_FALSE(dispatch(d, R"({"jsonrpc":"2.0","method":"tools/call","params":{}})").has_value());
  EXPECT_EQ(calls, 0);
}

// --- responses --------------------------------------------------------------------------

TEST(DispatcherTest, ResponsesGoToTheResponseHandlerWithUserData) {
  Dispatcher d;
  d.on_response([](Response response, CallContext& ctx) {
    ctx.user_as<Session>().responses.push_back(std::move(response));
  });
  Session session;
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","id":"elicit-1","result":{"action":"accept"}})", {},
                        [&](CallContext& ctx) { ctx.user = &session; });
  EXPECT_FALSE(reply.has_value());
  ASSERT_EQ(session.responses.size(), 1u);
  EXPECT_EQ(session.responses[0].id, Id{std::string("elicit-1")});
  EXPECT_EQ(session.responses[0].result(), R"({"action":"accept"})"_json);
}

TEST(DispatcherTest, DropsResponsesWithoutAResponseHandler) {
  Dispatcher d;
  EXPECT_FALSE(dispatch(d, R"({"jsonrpc":"2.0","id":1,"result":{}})").has_value());
}

TEST(DispatcherTest, IgnoresThrowingResponseHandler) {
  Dispatcher d;
  d.on_response([](Response, CallContext&) { throw std::runtime_error("x"); });
  EXPECT_FALSE(dispatch(d, R"({"jsonrpc":"2.0","id":1,"result":{}})").has_value());
}

// --- invalid input ----------------------------------------------------------------------

TEST(DispatcherTest, AnswersInvalidJsonWithParseError) {
  Dispatcher d;
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":)");
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(*reply,
            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})"_json);
}

TEST(DispatcherTest, AnswersInvalidRequestWithItsId) {
  Dispatcher d;
  auto reply = dispatch(d, R"({"jsonrpc":"2.0","method":"m","id":7,"extra":1})");
  EXPECT_EQ((*reply)["id"], 7);
  EXPECT_EQ((*reply)["error"]["code"], kInvalidRequest);
}

TEST(DispatcherTest, AnswersBatchWithInvalidRequestWhenBatchesDisabled) {
  Dispatcher d;
  d.add_sync("echo", echo_params);
  auto reply = dispatch(d, R"([{"jsonrpc":"2.0","method":"echo","id":1}])");
  ASSERT_TRUE(reply.has_value());
  ASSERT_TRUE(reply->is_object());
  EXPECT_EQ((*reply)["error"]["code"], kInvalidRequest);
  EXPECT_TRUE((*reply)["id"].is_null());
}

// --- batches ----------------------------------------------------------------------------

TEST(DispatcherTest, AnswersBatchInRequestOrder) {
  // After JSON-RPC 2.0 section 7, "rpc call Batch".
  Dispatcher d;
  d.add_sync("sum", [](const json& params, CallContext&) -> HandlerResult {
    std::int64_t total = 0;
    for (const auto& n : params) total += n.get<std::int64_t>();
    return total;
  });
  d.add("subtract", [](const json& params, CallContext&) -> asio::awaitable<HandlerResult> {
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(2));
    co_await timer.async_wait(asio::use_awaitable);
    co_return params[0].get<std::int64_t>() - params[1].get<std::int64_t>();
  });
  d.on_notification("notify_hello", [](const json&, CallContext&) {});
  auto reply = dispatch(d, R"([
    {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
    {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
    {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
    {"foo": "boo"},
    {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
    {"jsonrpc": "2.0", "method": "sum", "params": [1,2], "id": 9}
  ])",
                        {.allow_batch = true});
  ASSERT_TRUE(reply.has_value());
  ASSERT_TRUE(reply->is_array());
  ASSERT_EQ(reply->size(), 5u);
  EXPECT_EQ((*reply)[0], R"({"jsonrpc":"2.0","id":"1","result":7})"_json);
  EXPECT_EQ((*reply)[1], R"({"jsonrpc":"2.0","id":"2","result":19})"_json);
  EXPECT_TRUE((*reply)[2]["id"].is_null());
  EXPECT_EQ((*reply)[2]["error"]["code"], kInvalidRequest);
  EXPECT_EQ((*reply)[3]["id"], "5");
  EXPECT_EQ((*reply)[3]["error"]["code"], kMethodNotFound);
  EXPECT_EQ((*reply)[4], R"({"jsonrpc":"2.0","id":9,"result":3})"_json);
}

TEST(DispatcherTest, AnswersNothingForBatchOfNotifications) {
  // Section 7, "rpc call Batch (all notifications)".
  Dispatcher d;
  int calls = 0;
  d.on_notification("notify_sum", [&](const json&, CallContext&) { ++calls; });
  auto reply = dispatch(d, R"([
    {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
    {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
  ])",
                        {.allow_batch = true});
  EXPECT_FALSE(reply.has_value());
  EXPECT_EQ(calls, 1);
}

TEST(DispatcherTest, AnswersBatchOfInvalidElementsWithAnArray) {
  Dispatcher d;
  auto reply = dispatch(d, "[1,2,3]", {.allow_batch = true});
  ASSERT_TRUE(reply.has_value());
  ASSERT_TRUE(reply->is_array());
  ASSERT_EQ(reply->size(), 3u);
  for (const auto& r : *reply) {
    EXPECT_EQ(r, json::parse(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,
                 "message":"Invalid Request: message is not a JSON object: got number"}})"));
  }
}

TEST(DispatcherTest, SingleElementBatchIsAnsweredWithAnArray) {
  Dispatcher d;
  d.add_sync("echo", echo_params);
  auto reply = dispatch(d, R"([{"jsonrpc":"2.0","method":"echo","id":1}])", {.allow_batch = true});
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(*reply, R"([{"jsonrpc":"2.0","id":1,"result":null}])"_json);
}

TEST(DispatcherTest, DeliversBatchResponsesBeforeRunningRequests) {
  Dispatcher d;
  Session session;
  d.on_response([](Response response, CallContext& ctx) {
    ctx.user_as<Session>().responses.push_back(std::move(response));
  });
  d.add_sync("count", [](const json&, CallContext& ctx) -> HandlerResult {
    return ctx.user_as<Session>().responses.size();
  });
  auto reply = dispatch(d, R"([
    {"jsonrpc":"2.0","method":"count","id":1},
    {"jsonrpc":"2.0","id":"sampling-1","result":{}}
  ])",
                        {.allow_batch = true}, [&](CallContext& ctx) { ctx.user = &session; });
  EXPECT_EQ(*reply, R"([{"jsonrpc":"2.0","id":1,"result":1}])"_json);
}

// --- concurrency and single messages ----------------------------------------------------

TEST(DispatcherTest, SuspendedHandlerDoesNotBlockOtherDispatches) {
  // "wait" suspends until "release", dispatched afterwards on the same io_context, wakes it:
  // what an MCP tool call awaiting a client's answer looks like.
  Dispatcher d;
  asio::io_context io;
  asio::steady_timer gate(io, asio::steady_timer::time_point::max());
  d.add("wait", [&](const json&, CallContext&) -> asio::awaitable<HandlerResult> {
    boost::system::error_code ec;
    co_await gate.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return json("released");
  });
  d.add_sync("release", [&](const json&, CallContext&) -> HandlerResult {
    gate.cancel();
    return json("ok");
  });
  std::vector<json> replies;
  auto collect = [&](std::exception_ptr e, std::optional<json> reply) {
    ASSERT_FALSE(e);
    ASSERT_TRUE(reply.has_value());
    replies.push_back(std::move(*reply));
  };
  asio::co_spawn(io, d.dispatch(parse_message(R"({"jsonrpc":"2.0","method":"wait","id":1})")),
                 collect);
  asio::co_spawn(io, d.dispatch(parse_message(R"({"jsonrpc":"2.0","method":"release","id":2})")),
                 collect);
  io.run();
  // The completion order is the scheduler's business; both must have completed.
  ASSERT_EQ(replies.size(), 2u);
  std::sort(replies.begin(), replies.end(),
            [](const json& a, const json& b) { return a["id"] < b["id"]; });
  EXPECT_EQ(replies[0], R"({"jsonrpc":"2.0","id":1,"result":"released"})"_json);
  EXPECT_EQ(replies[1], R"({"jsonrpc":"2.0","id":2,"result":"ok"})"_json);
}

TEST(DispatcherTest, HandleAnswersOneIncomingMessage) {
  Dispatcher d;
  d.add_sync("echo", echo_params);
  auto reply = run(d.handle(Request{.method = "echo", .params = json::array({1}), .id = Id{"x"}}));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(*reply, (Response{.id = Id{"x"}, .outcome = json::array({1})}));
  EXPECT_FALSE(run(d.handle(Request{.method = "echo"})).has_value());
  auto invalid = run(d.handle(parse_incoming(json(1))));
  ASSERT_TRUE(invalid.has_value());
  EXPECT_EQ(invalid->error().code, kInvalidRequest);
}

TEST(DispatcherTest, DispatchOfNothingAnswersNothing) {
  Dispatcher d;
  EXPECT_FALSE(run(d.dispatch(Parsed{})).has_value());
}

// --- registration -----------------------------------------------------------------------

TEST(DispatcherTest, RejectsDuplicateRegistration) {
  Dispatcher d;
  d.add_sync("ping", echo_params);
  EXPECT_THROW(d.add_sync("ping", echo_params), std::invalid_argument);
  EXPECT_THROW(
      d.add("ping",
            [](const json&, CallContext&) -> asio::awaitable<HandlerResult> { co_return json(); }),
      std::invalid_argument);
  d.on_notification("n", [](const json&, CallContext&) {});
  EXPECT_THROW(d.on_notification("n", [](const json&, CallContext&) {}), std::invalid_argument);
  // A notification and a method may share a name: they are separate name spaces.
  EXPECT_NO_THROW(d.on_notification("ping", [](const json&, CallContext&) {}));
  EXPECT_TRUE(d.has_method("ping"));
  EXPECT_TRUE(d.has_notification("ping"));
  EXPECT_FALSE(d.has_method("n"));
}

TEST(DispatcherTest, RejectsEmptyHandler) {
  Dispatcher d;
  EXPECT_THROW(d.add("a", Dispatcher::Handler{}), std::invalid_argument);
  EXPECT_THROW(d.add_sync("b", Dispatcher::SyncHandler{}), std::invalid_argument);
  EXPECT_THROW(d.on_notification("c", Dispatcher::NotificationHandler{}), std::invalid_argument);
  EXPECT_FALSE(d.has_method("a"));
}

}  // namespace
}  // namespace toolauth::jsonrpc
