#include "toolauth/jsonrpc/dispatcher.h"

#include <stdexcept>
#include <utility>
#include <variant>

namespace toolauth::jsonrpc {
namespace {

// What a handler sees as params when the request had none.
const nlohmann::json kNoParams;

void require_handler(bool present, std::string_view method) {
  if (!present) throw std::invalid_argument("jsonrpc: empty handler for " + std::string(method));
}

}  // namespace

void Dispatcher::add(std::string method, Handler handler) {
  require_handler(static_cast<bool>(handler), method);
  add_method(std::move(method), Method{.async = std::move(handler), .sync = {}});
}

void Dispatcher::add_sync(std::string method, SyncHandler handler) {
  require_handler(static_cast<bool>(handler), method);
  add_method(std::move(method), Method{.async = {}, .sync = std::move(handler)});
}

void Dispatcher::add_method(std::string method, Method entry) {
  if (methods_.contains(method)) {
    throw std::invalid_argument("jsonrpc: a handler for " + method + " is already registered");
  }
  methods_.emplace(std::move(method), std::move(entry));
}

void Dispatcher::on_notification(std::string method, NotificationHandler handler) {
  require_handler(static_cast<bool>(handler), method);
  if (notifications_.contains(method)) {
    throw std::invalid_argument("jsonrpc: a handler for notification " + method +
                                " is already registered");
  }
  notifications_.emplace(std::move(method), std::move(handler));
}

void Dispatcher::on_response(ResponseHandler handler) { on_response_ = std::move(handler); }

bool Dispatcher::has_method(std::string_view method) const {
  return methods_.find(method) != methods_.end();
}

bool Dispatcher::has_notification(std::string_view method) const {
  return notifications_.find(method) != notifications_.end();
}

boost::asio::awaitable<std::optional<nlohmann::json>> Dispatcher::dispatch(Parsed parsed,
                                                                           ContextInit init) const {
  // Responses first: a request handler in the same batch may be waiting for one of them.
  for (auto& message : parsed.messages) {
    if (auto* response = std::get_if<Response>(&message)) deliver(std::move(*response), init);
  }
  try {
    nlohmann::json replies = nlohmann::json::array();
    for (auto& message : parsed.messages) {
      if (std::holds_alternative<Response>(message)) continue;
      auto reply = co_await handle(std::move(message), init);
      if (reply) replies.push_back(to_json(*reply));
    }
    if (replies.empty()) co_return std::nullopt;
    if (!parsed.batch) co_return std::move(replies[0]);
    co_return replies;
  } catch (...) {
    // Only allocation can fail here (handle() does not throw); there is nothing sensible
    // left to answer with.
  }
  co_return nlohmann::json(to_json(Response{.id = std::nullopt, .outcome = internal_error()}));
}

boost::asio::awaitable<std::optional<Response>> Dispatcher::handle(Incoming message,
                                                                   ContextInit init) const {
  if (auto* invalid = std::get_if<Invalid>(&message)) co_return error_response(*invalid);
  if (auto* response = std::get_if<Response>(&message)) {
    deliver(std::move(*response), init);
    co_return std::nullopt;
  }
  auto& request = std::get<Request>(message);
  if (request.is_notification()) {
    notify(request, init);
    co_return std::nullopt;
  }
  // A null-id request is answered with a null id: Response::id nullopt is exactly that.
  std::optional<Id> id = request.id;
  Outcome outcome = co_await call(request, init);
  co_return Response{.id = std::move(id), .outcome = std::move(outcome)};
}

boost::asio::awaitable<Outcome> Dispatcher::call(Request& request, const ContextInit& init) const {
  const auto entry = methods_.find(request.method);
  if (entry == methods_.end()) co_return method_not_found(request.method);
  try {
    CallContext ctx{.id = request.id, .method = request.method, .user = {}};
    if (init) init(ctx);
    const nlohmann::json& params = request.params ? *request.params : kNoParams;
    if (entry->second.sync) co_return entry->second.sync(params, ctx);
    co_return co_await entry->second.async(params, ctx);
  } catch (...) {
    // Deliberately nothing of the exception: its text may hold internals or secrets.
  }
  co_return internal_error();
}

void Dispatcher::notify(Request& request, const ContextInit& init) const noexcept {
  const auto entry = notifications_.find(request.method);
  if (entry == notifications_.end()) return;
  try {
    CallContext ctx{.id = std::nullopt, .method = request.method, .user = {}};
    if (init) init(ctx);
    entry->second(request.params ? *request.params : kNoParams, ctx);
  } catch (...) {
    // A notification has no answer to carry a failure.
  }
}

void Dispatcher::deliver(Response response, const ContextInit& init) const noexcept {
  if (!on_response_) return;
  try {
    CallContext ctx{.id = response.id, .method = {}, .user = {}};
    if (init) init(ctx);
    on_response_(std::move(response), ctx);
  } catch (...) {
    // Nothing to answer a response with.
  }
}

}  // namespace toolauth::jsonrpc
