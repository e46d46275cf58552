// Mount: the Streamable HTTP side (reference/mcp.md §1). The MCP methods are in mount.cc.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/url/parse.hpp>

#include "request_scope.h"
#include "toolauth/core/random.h"
#include "toolauth/jose/hash.h"
#include "toolauth/mcp/protocol.h"

namespace toolauth::mcp {

namespace net = boost::asio;
using net::awaitable;

namespace {

// Interval of SSE comment lines on an idle GET stream: they detect a vanished client.
constexpr std::chrono::seconds kKeepAlive{15};

// Whether the Accept header lists `type` (or a wildcard covering it).
bool accepts(const http::Request& request, std::string_view type) {
  const auto slash = type.find('/');
  const std::string family = std::string(type.substr(0, slash)) + "/*";
  for (const auto& header : request.headers.get_all("accept")) {
    std::size_t start = 0;
    while (start <= header.size()) {
      auto end = header.find(',', start);
      if (end == std::string_view::npos) end = header.size();
      auto item = header.substr(start, end - start);
      item = item.substr(0, item.find(';'));
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (http::iequals(item, type) || item == "*/*" || http::iequals(item, family)) return true;
      start = end + 1;
    }
  }
  return false;
}

const jsonrpc::Request* find_request(const jsonrpc::Parsed& parsed, std::string_view method) {
  for (const auto& message : parsed.messages) {
    if (const auto* request = std::get_if<jsonrpc::Request>(&message);
        request && request->method == method)
      return request;
  }
  return nullptr;
}

bool has_requests(const jsonrpc::Parsed& parsed) {
  return std::any_of(parsed.messages.begin(), parsed.messages.end(),
                     [](const jsonrpc::Incoming& m) {
                       const auto* request = std::get_if<jsonrpc::Request>(&m);
                       return request != nullptr && !request->is_notification();
                     });
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::vector<std::string> rpc_methods(const jsonrpc::Parsed& parsed, std::string* tool) {
  std::vector<std::string> methods;
  for (const auto& message : parsed.messages) {
    if (const auto* request = std::get_if<jsonrpc::Request>(&message)) {
      methods.push_back(request->method);
      if (request->method == "tools/call" && request->params && request->params->is_object()) {
        auto name = request->params->find("name");
        if (name != request->params->end() && name->is_string()) *tool = name->get<std::string>();
      }
    } else if (std::holds_alternative<jsonrpc::Response>(message)) {
      methods.emplace_back("(response)");
    }
  }
  return methods;
}

}  // namespace

http::Response rpc_error_response(int status, int code, std::string message) {
  return http::Response::json(status,
                              {{"jsonrpc", "2.0"},
                               {"id", nullptr},
                               {"error", {{"code", code}, {"message", std::move(message)}}}});
}

std::optional<http::Response> Mount::check_host_and_origin(const http::Request& request) const {
  auto allowed = [this](std::string_view host) {
    return std::any_of(context_->allowed_hosts.begin(), context_->allowed_hosts.end(),
                       [&](const std::string& h) { return http::iequals(h, host); });
  };
  if (!allowed(request.headers.get("host").value_or(""))) {
    return rpc_error_response(403, kServerError,
                              "Forbidden: the Host header does not name this server");
  }
  if (auto origin = request.headers.get("origin")) {
    auto url = boost::urls::parse_absolute_uri(*origin);
    const bool ok = url && (url->scheme() == "http" || url->scheme() == "https") &&
                    allowed(url->encoded_host_and_port());
    if (!ok) return rpc_error_response(403, kServerError, "Forbidden: Origin not allowed");
  }
  return std::nullopt;
}

http::Response Mount::challenge(const AuthDecision& decision) const {
  nlohmann::json body = {{"error", decision.error.empty() ? "unauthorized" : decision.error},
                         {"error_description", decision.description}};
  auto response = http::Response::json(decision.status, body);
  if (context_->defects.no_challenge && decision.status == 401) return response;  // mutant
  if (config_.auth.kind == AuthKind::bearer) {
    const auto& bearer = config_.auth.bearer;
    // The scopes a client should request from the authorization server: those the metadata
    // advertises (qualified, e.g. api://<app>/Tools.Invoke), not the bare names tokens carry.
    const auto& scopes = bearer.scopes_supported;
    std::string value = "Bearer resource_metadata=" + quote(metadata_url());
    if (!scopes.empty()) {
      std::string joined;
      for (const auto& s : scopes) joined += (joined.empty() ? "" : " ") + s;
      value += ", scope=" + quote(joined);
    }
    // RFC 6750 §3.1: no error code when the request carried no credentials at all.
    if (!decision.error.empty())
      value +=
          ", error=" + quote(decision.error) + ", error_description=" + quote(decision.description);
    else if (context_->defects.error_without_credentials && decision.status == 401)
      value += ", error=\"invalid_token\"";  // mutant
    response.headers.set("WWW-Authenticate", value);
  } else if (config_.auth.kind == AuthKind::api_key && !config_.auth.api_key.headers.empty()) {
    response.headers.set("WWW-Authenticate",
                         "ApiKey header=" + quote(config_.auth.api_key.headers.front()));
  }
  return response;
}

std::variant<std::shared_ptr<Session>, http::Response> Mount::find_session(
    const http::Request& request, const Principal& principal) {
  auto id = request.headers.get(kSessionHeader);
  if (!id)
    return rpc_error_response(400, kServerError, "Bad Request: Mcp-Session-Id header is required");
  auto it = sessions_.find(*id);
  if (it != sessions_.end() && idle(*it->second, context_->clock->now())) {
    it->second->terminate();
    sessions_.erase(it);
    it = sessions_.end();
  }
  // Another principal's session looks exactly like an unknown one: a stolen id is useless.
  if (it == sessions_.end() || it->second->owner() != principal.partition() ||
      it->second->terminated()) {
    return rpc_error_response(404, kSessionNotFound, "Session not found");
  }
  return it->second;
}

// Only an invalid or unsupported version is refused (400, as the spec says); a supported one
// other than the negotiated version is accepted, as the reference SDK server does.
std::optional<http::Response> Mount::check_protocol_header(const http::Request& request,
                                                           const Session*) const {
  auto version = request.headers.get(kProtocolVersionHeader);
  if (!version) return std::nullopt;  // the negotiated version (or 2025-03-26) is assumed
  if (!is_supported_version(*version)) {
    return rpc_error_response(400, kServerError,
                              "Bad Request: Unsupported protocol version " + std::string(*version) +
                                  " (supported: 2025-11-25, 2025-06-18, 2025-03-26)");
  }
  return std::nullopt;
}

bool Mount::idle(const Session& session, core::Clock::time_point now) const {
  return now - session.last_used >= config_.session_idle_timeout;
}

void Mount::purge_idle_sessions(bool now_or_never) {
  const auto now = context_->clock->now();
  // The shared clock may also have been set back: then the sweep runs, and restarts the wait.
  if (!now_or_never && now >= last_sweep_ && now - last_sweep_ < kSweepInterval) return;
  last_sweep_ = now;
  std::erase_if(sessions_, [&](auto& item) {
    if (!idle(*item.second, now)) return false;
    item.second->terminate();
    return true;
  });
}

void Mount::journal(const http::Request& request, const AuthDecision& auth, int status,
                    std::unique_ptr<RequestRecord> record) {
  record->mount = config_.name;
  record->http_method = request.method_name;
  record->status = status;
  record->auth = config_.auth.kind;
  record->allowed = auth.allowed;
  record->reason = auth.reason;
  record->principal = auth.principal;
  record->headers = RequestRecord::kept_headers(request.headers, kSessionHeader);
  if (auto session = request.headers.get(kSessionHeader); session && !record->session)
    record->session = jose::short_hash(*session);
  context_->journal->record_deferred("mcp", std::move(record));
}

awaitable<http::Response> Mount::handle(http::Request& request) {
  purge_idle_sessions();
  AuthDecision decision;
  if (auto refused = check_host_and_origin(request)) {
    decision.reason = "host_or_origin";
    journal(request, decision, refused->status, std::make_unique<RequestRecord>());
    co_return std::move(*refused);
  }
  decision = co_await authenticator_.authenticate(request);
  if (!decision.allowed) {
    auto response = challenge(decision);
    journal(request, decision, response.status, std::make_unique<RequestRecord>());
    co_return response;
  }

  auto record = std::make_unique<RequestRecord>();
  if (!context_->faults->idle()) {
    std::string tool;
    if (request.method == http::Method::post) {
      auto peek = jsonrpc::parse_message(request.body, {.allow_batch = true});
      record->rpc = rpc_methods(peek, &tool);
      // A faulted request's journal entry names its tool too, as a served one does.
      record->tool = tool;
    }
    std::map<std::string, std::string> fault_context = {
        {"endpoint", "mcp"},
        {"mount", config_.name},
        {"http_method", request.method_name},
        {"principal", decision.principal->partition()},
        {"oid", decision.principal->oid},
        {"user", decision.principal->preferred_username},
        // Lets a test refuse one token (e.g. an expired one within the clock leeway).
        {"jti_hash", decision.principal->jti_hash},
        {"tool", tool}};
    if (auto fault = context_->faults->take(fault_context)) {
      if (fault->latency.count() > 0) {
        net::steady_timer delay(co_await net::this_coro::executor, fault->latency);
        co_await delay.async_wait(net::use_awaitable);
      }
      std::optional<http::Response> response;
      if (fault->drop_connection) {
        response.emplace();
        response->abort = true;
      } else if (fault->status == 401 || fault->status == 403) {
        AuthDecision injected;
        injected.status = fault->status;
        injected.error = fault->error.empty()
                             ? (fault->status == 401 ? "invalid_token" : "insufficient_scope")
                             : fault->error;
        injected.description =
            fault->error_description.empty() ? "injected fault" : fault->error_description;
        response = challenge(injected);
      } else if (fault->status != 0) {
        response = rpc_error_response(
            fault->status, kServerError,
            fault->error_description.empty() ? "injected fault" : fault->error_description);
        if (fault->retry_after_seconds)
          response->headers.set("Retry-After", std::to_string(*fault->retry_after_seconds));
      }
      if (response) {
        record->fault = true;
        journal(request, decision, response->status, std::move(record));
        co_return std::move(*response);
      }
    }
  }

  http::Response response;
  switch (request.method) {
    case http::Method::post:
      response = co_await handle_post(request, decision.principal, *record);
      break;
    case http::Method::get:
      response = co_await handle_get(request, *decision.principal);
      break;
    case http::Method::delete_:
      response = handle_delete(request, *decision.principal);
      break;
    default:
      response = rpc_error_response(405, kServerError, "Method not allowed");
      response.headers.set("Allow", "GET, POST, DELETE");
  }
  journal(request, decision, response.status, std::move(record));
  co_return response;
}

awaitable<http::Response> Mount::handle_post(http::Request& request,
                                             std::shared_ptr<const Principal> principal,
                                             RequestRecord& record) {
  if (!accepts(request, "application/json") || !accepts(request, "text/event-stream")) {
    co_return rpc_error_response(
        406, kServerError,
        "Not Acceptable: Client must accept both application/json and text/event-stream");
  }
  if (request.media_type() != "application/json") {
    co_return rpc_error_response(415, kServerError,
                                 "Unsupported Media Type: Content-Type must be application/json");
  }
  jsonrpc::ParseOptions options;
  options.allow_batch = true;
  options.params_must_be_object = true;
  auto parsed = jsonrpc::parse_message(request.body, options);
  std::string tool;
  record.rpc = rpc_methods(parsed, &tool);
  if (!tool.empty()) record.tool = tool;
  if (!parsed.batch && parsed.messages.size() == 1) {
    if (const auto* invalid = std::get_if<jsonrpc::Invalid>(&parsed.messages.front())) {
      co_return http::Response::json(400, jsonrpc::to_json(jsonrpc::error_response(*invalid)));
    }
  }

  std::shared_ptr<Session> session;
  const bool initializing = find_request(parsed, "initialize") != nullptr;
  if (initializing) {
    if (parsed.batch && parsed.messages.size() > 1) {
      co_return rpc_error_response(400, jsonrpc::kInvalidRequest,
                                   "Invalid Request: initialize must be sent alone");
    }
    if (request.headers.has(kSessionHeader)) {
      co_return rpc_error_response(400, jsonrpc::kInvalidRequest,
                                   "Invalid Request: Server already initialized");
    }
    if (auto bad = check_protocol_header(request, nullptr)) co_return std::move(*bad);
    if (sessions_.size() >= MountConfig::kMaxSessions) purge_idle_sessions(true);
    if (sessions_.size() >= MountConfig::kMaxSessions) {
      co_return rpc_error_response(503, kServerError, "Too many sessions; end some with DELETE");
    }
    const auto& params = find_request(parsed, "initialize")->params;
    std::string requested;
    if (params && params->contains("protocolVersion") && (*params)["protocolVersion"].is_string()) {
      requested = (*params)["protocolVersion"].get<std::string>();
    }
    const std::string id = core::random_hex(16);
    session = std::make_shared<Session>(executor_, id, negotiate_version(requested),
                                        principal->partition(), context_->clock->now());
    sessions_[id] = session;
  } else {
    auto found = find_session(request, *principal);
    if (auto* error = std::get_if<http::Response>(&found)) co_return std::move(*error);
    session = std::get<std::shared_ptr<Session>>(found);
    record.session = session->id_hash();  // the header names it exactly: no hashing again
    if (auto bad = check_protocol_header(request, session.get())) co_return std::move(*bad);
  }
  if (parsed.batch && !allows_batches(session->protocol_version())) {
    co_return rpc_error_response(400, jsonrpc::kInvalidRequest,
                                 "Invalid Request: batches are not allowed in protocol version " +
                                     session->protocol_version());
  }
  session->last_used = context_->clock->now();

  auto scope = std::make_shared<RequestScope>();
  scope->session = session;
  scope->principal = std::move(principal);
  if (!has_requests(parsed)) {
    co_await dispatcher_.dispatch(std::move(parsed),
                                  [scope](jsonrpc::CallContext& c) { c.user = scope.get(); });
    co_return http::Response::empty(202);
  }

  bool stream = config_.response_mode == ResponseMode::sse;
  if (config_.response_mode == ResponseMode::automatic) {
    for (const auto& message : parsed.messages) {
      const auto* r = std::get_if<jsonrpc::Request>(&message);
      if (r == nullptr || r->method != "tools/call" || !r->params) continue;
      const auto name = r->params->contains("name") && (*r->params)["name"].is_string()
                            ? (*r->params)["name"].get<std::string>()
                            : "";
      const Tool* tool = catalog_.tool(name);
      const bool wants_progress = r->params->contains("_meta") &&
                                  (*r->params)["_meta"].is_object() &&
                                  (*r->params)["_meta"].contains("progressToken");
      if ((tool != nullptr && tool->streams) || wants_progress) stream = true;
    }
  }

  if (!stream) {
    auto reply = co_await dispatcher_.dispatch(
        std::move(parsed), [scope](jsonrpc::CallContext& c) { c.user = scope.get(); });
    auto response = http::Response::text(
        200, reply ? jsonrpc::serialize(*reply) : std::string("{}"), "application/json");
    if (initializing) {
      if (reply && reply->is_object() && reply->contains("error")) {
        sessions_.erase(session->id());
      } else {
        response.headers.set(std::string(kSessionHeader), session->id());
      }
    }
    co_return response;
  }

  // SSE: the dispatch runs on its own, so the stream can deliver what it emits before the
  // result. Events are recorded in the session as they are emitted, so a client whose
  // connection drops can resume with Last-Event-ID even though nothing reads them now.
  const int stream_id = session->open_stream();
  auto queue = std::make_shared<AsyncQueue<http::SseEvent>>(executor_);
  scope->emit = [session, stream_id, queue](nlohmann::json message) {
    queue->push(session->record_event(stream_id, message));
  };
  auto run = [this, scope, session, stream_id, queue, initializing,
              parsed = std::move(parsed)]() mutable -> awaitable<void> {
    auto reply = co_await dispatcher_.dispatch(
        std::move(parsed), [scope](jsonrpc::CallContext& c) { c.user = scope.get(); });
    if (reply) {
      std::vector<nlohmann::json> responses;
      if (reply->is_array()) {
        for (auto& item : *reply) responses.push_back(std::move(item));
      } else {
        responses.push_back(std::move(*reply));
      }
      for (auto& response : responses) {
        // A cancelled request gets no response (the client stopped waiting for it).
        const bool cancelled = response.contains("id") && !response["id"].is_null() &&
                               session->take_cancelled(response["id"].dump());
        if (!cancelled) queue->push(session->record_event(stream_id, response));
        if (initializing && response.contains("error")) sessions_.erase(session->id());
      }
    }
    session->finish_stream(stream_id);
    queue->close();
  };
  const bool priming = wants_priming_event(session->protocol_version());
  auto response =
      http::Response::event_stream([this, run = std::move(run), session, stream_id, queue,
                                    priming](http::EventStream& events) mutable -> awaitable<void> {
        net::co_spawn(executor_, std::move(run), net::detached);
        if (priming && !co_await events.send(session->priming_event(stream_id))) co_return;
        while (auto event = co_await queue->pop()) {
          if (!co_await events.send(*event)) co_return;
        }
      });
  if (initializing) response.headers.set(std::string(kSessionHeader), session->id());
  co_return response;
}

awaitable<http::Response> Mount::handle_get(http::Request& request, const Principal& principal) {
  using namespace net::experimental::awaitable_operators;
  if (!accepts(request, "text/event-stream")) {
    co_return rpc_error_response(406, kServerError,
                                 "Not Acceptable: Client must accept text/event-stream");
  }
  auto found = find_session(request, principal);
  if (auto* error = std::get_if<http::Response>(&found)) co_return std::move(*error);
  auto session = std::get<std::shared_ptr<Session>>(found);
  if (auto bad = check_protocol_header(request, session.get())) co_return std::move(*bad);
  session->last_used = context_->clock->now();

  int stream_id = -1;
  std::vector<http::SseEvent> replay;
  if (auto last = request.headers.get(kLastEventIdHeader)) {
    auto resumed = session->replay_after(*last);
    if (!resumed)
      co_return rpc_error_response(400, kServerError, "Bad Request: unknown Last-Event-ID");
    replay = std::move(resumed->second);
    if (resumed->first != session->get_stream_id()) {
      // A request's stream: hand over what it recorded since; it has no live tail to follow.
      co_return http::Response::event_stream(
          [replay = std::move(replay)](http::EventStream& events) -> awaitable<void> {
            for (const auto& event : replay) {
              if (!co_await events.send(event)) co_return;
            }
          });
    }
    stream_id = resumed->first;  // the GET stream itself: replay, then carry on live
  } else if (session->get_stream_open()) {
    co_return rpc_error_response(409, kServerError,
                                 "Conflict: Only one SSE stream is allowed per session");
  } else {
    stream_id = session->open_stream();
  }
  auto queue = session->open_get_stream(executor_, stream_id);
  const bool priming = wants_priming_event(session->protocol_version()) && replay.empty();
  co_return http::Response::event_stream(
      [session, stream_id, queue, priming,
       replay = std::move(replay)](http::EventStream& events) -> awaitable<void> {
        auto executor = co_await net::this_coro::executor;
        bool open = !priming || co_await events.send(session->priming_event(stream_id));
        for (const auto& event : replay) open = open && co_await events.send(event);
        while (open && !queue->closed()) {
          net::steady_timer keep_alive(executor, kKeepAlive);
          auto next =
              co_await (queue->pop() || keep_alive.async_wait(net::as_tuple(net::use_awaitable)));
          if (next.index() == 0) {
            auto& event = std::get<0>(next);
            if (!event) break;  // closed
            open = co_await events.send(*event);
          } else {
            open = co_await events.comment("keep-alive");
          }
        }
        if (session->get_stream_id() == stream_id) session->close_get_stream();
      });
}

http::Response Mount::handle_delete(http::Request& request, const Principal& principal) {
  auto found = find_session(request, principal);
  if (auto* error = std::get_if<http::Response>(&found)) return std::move(*error);
  auto session = std::get<std::shared_ptr<Session>>(found);
  session->terminate();
  sessions_.erase(session->id());
  return http::Response::empty(200);
}

}  // namespace toolauth::mcp
