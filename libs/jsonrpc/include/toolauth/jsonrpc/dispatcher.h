#pragma once
// Server-side dispatch of parsed messages to handlers, independent of the transport: the
// MCP server feeds it what its HTTP or stdio transport received and sends back what it
// returns.
//
// Handlers are coroutines, because an MCP tool call may await other I/O (a downstream API,
// a request to the client) and emit notifications while it runs; add_sync() takes plain
// functions. A handler returns a result value or an RpcError; one that throws is answered
// with -32603 "Internal error" and nothing of the exception reaches the peer (the library
// does not log either: a handler that wants its failure logged logs it itself).
//
//   Dispatcher d;
//   d.add_sync("ping", [](const nlohmann::json&, CallContext&) -> HandlerResult {
//     return nlohmann::json::object();
//   });
//   d.add("tools/call", [](const nlohmann::json& params, CallContext& ctx)
//                           -> boost::asio::awaitable<HandlerResult> {
//     Session& session = ctx.user_as<Session>();
//     co_return co_await session.call_tool(params);
//   });
//   auto reply = co_await d.dispatch(parse_message(body), [&](CallContext& ctx) {
//     ctx.user = &session;
//   });
//   if (reply) send(serialize(*reply)); else send_202();
//
// Rules:
// - a request for a method without a handler: -32601 naming the method;
// - notifications go to on_notification() handlers only; an unknown one is ignored, and
//   no notification is ever answered (a request handler never runs for a message without
//   an id: MCP requests always have one, and a tool call must not run unanswerable);
// - responses (to requests the server sent) go to the on_response() handler, or are
//   dropped when there is none;
// - an Invalid message is answered with its error (see error_response());
// - a batch is answered with an array holding the responses in the order of the requests
//   they answer, or nothing when it held only notifications and responses. Responses in a
//   batch are delivered first, then requests and notifications run one after another, in
//   order: a handler that awaits a response the same batch carries does not deadlock.
//
// Thread safety: register handlers before the first dispatch. dispatch() and handle() are
// const and may run concurrently; each handler looks after its own shared state. The
// Dispatcher must outlive every dispatch: handlers are called in place, so a capturing
// coroutine lambda's captures stay valid while it is suspended.

#include <any>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "toolauth/jsonrpc/error_codes.h"
#include "toolauth/jsonrpc/message.h"
#include "toolauth/jsonrpc/parse.h"

namespace toolauth::jsonrpc {

// What a handler returns: the `result` value, or an RpcError to answer with.
using HandlerResult = Outcome;

// What a handler knows about the message it serves.
struct CallContext {
  // The request id; nullopt for a notification, a response without an id, or a request with
  // a null id (ParseOptions::allow_null_id).
  std::optional<Id> id{};
  // The method called; empty for a response.
  std::string method{};
  // Set by the caller of dispatch() through its ContextInit, typically to a pointer to the
  // session the message arrived on; read with user_as().
  std::any user{};

  // The object `user` points to, when `user` holds a T*. Throws std::bad_any_cast when it
  // holds something else (a const T* is not a T*) or a null pointer: inside a handler, that
  // becomes an Internal error answer.
  template <class T>
  T& user_as() const {
    T* pointer = std::any_cast<T*>(user);
    if (pointer == nullptr) throw std::bad_any_cast();
    return *pointer;
  }
};

class Dispatcher {
 public:
  // `params` is the request's params, or null when it had none.
  using Handler = std::function<boost::asio::awaitable<HandlerResult>(const nlohmann::json& params,
                                                                      CallContext& ctx)>;
  using SyncHandler = std::function<HandlerResult(const nlohmann::json& params, CallContext& ctx)>;
  using NotificationHandler = std::function<void(const nlohmann::json& params, CallContext& ctx)>;
  // `ctx.id` is the response's id (nullopt when null).
  using ResponseHandler = std::function<void(Response response, CallContext& ctx)>;
  // Completes a CallContext the dispatcher filled in with id and method; runs once per
  // message handed to a handler (not for unknown methods or ignored messages).
  using ContextInit = std::function<void(CallContext& ctx)>;

  // Registration throws std::invalid_argument for an empty handler or a method that already
  // has one: both are wiring mistakes to find at startup. Methods and notifications are
  // separate name spaces.
  void add(std::string method, Handler handler);
  void add_sync(std::string method, SyncHandler handler);
  void on_notification(std::string method, NotificationHandler handler);
  // Replaces any earlier response handler.
  void on_response(ResponseHandler handler);

  bool has_method(std::string_view method) const;
  bool has_notification(std::string_view method) const;

  // Handles every message of `parsed` (see the rules above) and returns what to send back:
  // one response object, an array for a batch, or nullopt when nothing is to be sent (for
  // MCP over HTTP: 202 Accepted). Never throws.
  boost::asio::awaitable<std::optional<nlohmann::json>> dispatch(Parsed parsed,
                                                                 ContextInit init = {}) const;

  // One message: the response to send for it, if any. Never throws.
  boost::asio::awaitable<std::optional<Response>> handle(Incoming message,
                                                         ContextInit init = {}) const;

 private:
  struct Method {
    Handler async;
    SyncHandler sync;
  };

  boost::asio::awaitable<Outcome> call(Request& request, const ContextInit& init) const;
  void notify(Request& request, const ContextInit& init) const noexcept;
  void deliver(Response response, const ContextInit& init) const noexcept;
  void add_method(std::string method, Method entry);

  std::map<std::string, Method, std::less<>> methods_;
  std::map<std::string, NotificationHandler, std::less<>> notifications_;
  ResponseHandler on_response_;
};

}  // namespace toolauth::jsonrpc
