#include "toolauth/http/server.h"

#include <boost/asio/post.hpp>
#include <chrono>
#include <list>
#include <string_view>
#include <tuple>

#include "beast.h"
#include "toolauth/core/heap.h"
#include "toolauth/core/random.h"
#include "toolauth/http/error.h"
#include "toolauth/http/sse.h"

namespace toolauth::http {
namespace {

// A live connection as stop() sees it.
struct Connection {
  std::function<void()> close;
  bool idle = false;  // waiting for the first byte of a request
};

// Why a request's framing cannot be trusted, or "" when it is fine. Front ends and back ends
// that disagree on where a body ends are how requests get smuggled (RFC 9112 §6.3, §11.2),
// so every ambiguous shape is refused rather than interpreted.
std::string framing_problem(const bhttp::request_parser<bhttp::string_body>& parser) {
  const auto& header = parser.get();
  const auto content_lengths = header.count(bhttp::field::content_length);
  const auto transfer_encodings = header.count(bhttp::field::transfer_encoding);
  if (content_lengths > 1) return "repeated Content-Length";
  if (content_lengths == 1) {
    // Beast accepts "4, 4" and surrounding whitespace; only 1*DIGIT is unambiguous.
    const auto value = std::string_view(header[bhttp::field::content_length]);
    if (value.empty() || value.find_first_not_of("0123456789") != std::string_view::npos) {
      return "Content-Length is not a plain number";
    }
  }
  if (transfer_encodings > 1) return "repeated Transfer-Encoding";
  if (transfer_encodings == 1) {
    if (content_lengths == 1) return "both Content-Length and Transfer-Encoding";
    if (header.version() < 11) return "Transfer-Encoding in an HTTP/1.0 request";
    auto coding = std::string_view(header[bhttp::field::transfer_encoding]);
    while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t'))
      coding.remove_prefix(1);
    while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t'))
      coding.remove_suffix(1);
    if (!iequals(coding, "chunked")) return "unsupported Transfer-Encoding";
  }
  if (header.version() >= 11 && header.count(bhttp::field::host) != 1) {
    return "Host missing or repeated";
  }
  const auto target = header.target();
  if (target.empty() ||
      (target.front() != '/' && !(target == "*" && header.method() == bhttp::verb::options))) {
    return "request-target must be an absolute path";
  }
  return {};
}

// Whether a request head folds a field value over several lines (obs-fold). RFC 9112 §5.2
// lets a server unfold it, as Beast does, but an intermediary that does not reads another
// header: "Transfer-Encoding:\r\n chunked" is no Transfer-Encoding to it and chunked to us,
// which is a request smuggled past it. So folding is refused like other ambiguous framing.
bool has_obs_fold(std::string_view head) {
  for (auto at = head.find("\r\n"); at != std::string_view::npos; at = head.find("\r\n", at + 2)) {
    if (at + 2 < head.size() && (head[at + 2] == ' ' || head[at + 2] == '\t')) return true;
  }
  return false;
}

// bhttp::async_read_header that also tells whether the head used obs-fold. The parser takes
// a head only whole (and, not being eager, stops there), so the bytes one put() consumes are
// the head exactly as the client sent it.
template <class Stream>
net::awaitable<std::tuple<beast::error_code, bool>> read_header(
    Stream& stream, beast::flat_buffer& buffer, bhttp::request_parser<bhttp::string_body>& parser) {
  bool folded = false;
  while (!parser.is_header_done()) {
    if (buffer.size() > 0) {
      beast::error_code ec;
      const auto data = buffer.data();
      const auto used = parser.put(data, ec);
      if (ec && ec != bhttp::error::need_more) co_return std::tuple{ec, folded};
      folded = folded || has_obs_fold({static_cast<const char*>(data.data()), used});
      buffer.consume(used);
      if (!ec && used > 0) continue;
    }
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192), use_tuple);
    if (ec == net::error::eof) {
      const bool nothing = buffer.size() == 0 && !parser.got_some();
      co_return std::tuple{
          beast::error_code(nothing ? bhttp::error::end_of_stream : bhttp::error::partial_message),
          folded};
    }
    if (ec) co_return std::tuple{ec, folded};
    buffer.commit(n);
  }
  co_return std::tuple{beast::error_code(), folded};
}

void apply_limits(bhttp::request_parser<bhttp::string_body>& parser, const ServerLimits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
}

// The answer to a read error: 431, 413 or 400; nullopt for a timeout or a peer that went away
// (there is no one to answer, or no reason to).
std::optional<RequestRejection> rejection_for(beast::error_code ec) {
  if (ec == bhttp::error::header_limit)
    return RequestRejection{431, "request header fields too large"};
  if (ec == bhttp::error::body_limit) return RequestRejection{413, "request body too large"};
  if (ec.category() == beast::error_code(bhttp::error::end_of_stream).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
      ec != bhttp::error::need_more) {
    return RequestRejection{400, "malformed HTTP request: " + ec.message()};
  }
  return std::nullopt;
}

Request to_request(bhttp::request<bhttp::string_body>&& message, const ConnectionInfo& info) {
  Request request;
  request.method_name = std::string(message.method_string());
  request.method = parse_method(request.method_name);
  request.target = std::string(message.target());
  const auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) request.query = request.target.substr(question + 1);
  for (const auto& field : message) {
    request.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.request_id = core::uuid_v4();
  request.remote_address = info.remote_address;
  request.local_port = info.local_port;
  request.tls = info.tls;
  return request;
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Impl> {
  Impl(net::any_io_executor executor, RequestHandler handler, ServerLimits limits,
       core::Logger logger)
      : executor(executor),
        handler(std::move(handler)),
        limits(limits),
        logger(std::move(logger)) {}

  struct Listener {
    explicit Listener(net::any_io_executor executor) : acceptor(executor) {}
    tcp::acceptor acceptor;
    std::shared_ptr<net::ssl::context> tls;
  };

  net::any_io_executor executor;
  RequestHandler handler;
  ServerLimits limits;
  core::Logger logger;
  std::vector<std::unique_ptr<Listener>> listeners;
  std::list<Connection> connections;
  std::unique_ptr<net::steady_timer> grace_timer;
  bool stopping = false;
  ServerStats stats;

  net::awaitable<void> accept_loop(Listener& listener);
  net::awaitable<void> serve_plain(tcp::socket socket);
  net::awaitable<void> serve_tls(tcp::socket socket, std::shared_ptr<net::ssl::context> tls);
  template <class Stream>
  net::awaitable<void> serve_requests(Stream& stream, const ConnectionInfo& info,
                                      Connection& connection);
  template <class Stream>
  net::awaitable<void> answer_read_error(Stream& stream, beast::error_code ec);
  template <class Stream>
  net::awaitable<void> write_error(Stream& stream, int status, std::string description);
  net::awaitable<Response> run_handler(Request& request);
  // `buffer` is the connection's read buffer: bytes read while a stream is written (a
  // pipelined request) go there.
  template <class Stream>
  net::awaitable<bool> write_response(Stream& stream, beast::flat_buffer& buffer,
                                      const Request& request, Response& response, unsigned version,
                                      bool keep_alive);
  template <class Stream>
  net::awaitable<bool> write_event_stream(Stream& stream, beast::flat_buffer& buffer,
                                          Response& response, unsigned version, bool keep_alive);
  void close_all();
  // No connection is left: a stopping server needs its grace timer no longer, and the memory
  // the connections' buffers took can go back to the system (posted: the last connection's
  // stream is destroyed after its guard).
  void on_idle() {
    if (grace_timer) grace_timer->cancel();
    net::post(executor,
              [] { core::HeapReleaser::process().release(std::chrono::steady_clock::now()); });
  }
  void log_exception(std::exception_ptr e, std::string_view where);
};

namespace {

// Registers a connection for the lifetime of its session.
class ConnectionGuard {
 public:
  ConnectionGuard(std::list<Connection>& list, std::function<void()> close,
                  std::function<void()> on_last_closed)
      : list_(list),
        it_(list.insert(list.end(), Connection{std::move(close), true})),
        on_last_closed_(std::move(on_last_closed)) {}
  ~ConnectionGuard() {
    list_.erase(it_);
    if (list_.empty()) on_last_closed_();
  }
  Connection& connection() { return *it_; }

 private:
  std::list<Connection>& list_;
  std::list<Connection>::iterator it_;
  std::function<void()> on_last_closed_;
};

ConnectionInfo info_of(const tcp::socket& socket, bool tls) {
  ConnectionInfo info;
  info.tls = tls;
  beast::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  if (!ec) info.remote_address = remote.address().to_string();
  auto local = socket.local_endpoint(ec);
  if (!ec) info.local_port = local.port();
  return info;
}

// The SSE writer handed to Response::stream functions.
template <class Stream>
class SessionEventStream final : public EventStream {
 public:
  SessionEventStream(Stream& stream, const bool& stopping, std::chrono::milliseconds write_timeout)
      : stream_(stream), stopping_(stopping), write_timeout_(write_timeout) {}

  net::awaitable<bool> send(const SseEvent& event) override {
    co_return co_await write_chunk(format_sse_event(event));
  }
  net::awaitable<bool> comment(std::string_view text) override {
    co_return co_await write_chunk(": " + std::string(text) + "\n\n");
  }
  bool open() const override { return open_ && !stopping_; }

 private:
  net::awaitable<bool> write_chunk(std::string text) {
    if (!open()) co_return false;
    auto& lowest = beast::get_lowest_layer(stream_);
    lowest.expires_after(write_timeout_);
    auto [ec, n] =
        co_await net::async_write(stream_, bhttp::make_chunk(net::buffer(text)), use_tuple);
    lowest.expires_never();
    if (ec) open_ = false;
    co_return open_;
  }

  Stream& stream_;
  const bool& stopping_;
  std::chrono::milliseconds write_timeout_;
  bool open_ = true;
};

}  // namespace

void Server::Impl::log_exception(std::exception_ptr e, std::string_view where) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    logger.error("unexpected exception", {{"where", where}, {"what", ex.what()}});
  } catch (...) {
    logger.error("unexpected exception", {{"where", where}});
  }
}

net::awaitable<void> Server::Impl::accept_loop(Listener& listener) {
  auto self = shared_from_this();
  while (true) {
    auto [ec, socket] = co_await listener.acceptor.async_accept(use_tuple);
    if (stopping || !listener.acceptor.is_open()) co_return;
    if (ec) {
      logger.warn("accept failed", {{"error", ec.message()}});
      // Out of descriptors: back off briefly instead of spinning on the failing accept.
      net::steady_timer pause(executor, std::chrono::milliseconds(50));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    if (connections.size() >= limits.max_connections) {
      ++stats.connections_refused;
      beast::error_code ignored;
      socket.close(ignored);
      continue;
    }
    ++stats.connections_accepted;
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto session =
        listener.tls ? serve_tls(std::move(socket), listener.tls) : serve_plain(std::move(socket));
    net::co_spawn(executor, std::move(session),
                  [self](std::exception_ptr e) { self->log_exception(e, "session"); });
  }
}

net::awaitable<void> Server::Impl::serve_plain(tcp::socket socket) {
  auto self = shared_from_this();
  const auto info = info_of(socket, false);
  beast::tcp_stream stream(std::move(socket));
  ConnectionGuard guard(
      connections, [&stream] { stream.close(); }, [this] { on_idle(); });
  co_await serve_requests(stream, info, guard.connection());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> Server::Impl::serve_tls(tcp::socket socket,
                                             std::shared_ptr<net::ssl::context> tls) {
  auto self = shared_from_this();
  const auto info = info_of(socket, true);
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
  ConnectionGuard guard(
      connections, [&stream] { beast::get_lowest_layer(stream).close(); }, [this] { on_idle(); });
  beast::get_lowest_layer(stream).expires_after(limits.read_timeout);
  auto [ec] = co_await stream.async_handshake(net::ssl::stream_base::server, use_tuple);
  if (ec) {
    ++stats.tls_handshake_failures;
    logger.debug("TLS handshake failed",
                 {{"remote", info.remote_address}, {"error", ec.message()}});
    co_return;
  }
  co_await serve_requests(stream, info, guard.connection());
}

template <class Stream>
net::awaitable<void> Server::Impl::serve_requests(Stream& stream, const ConnectionInfo& info,
                                                  Connection& connection) {
  auto& lowest = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer;
  bool first = true;
  while (!stopping) {
    // Idle phase: wait for the first byte under the keep-alive timeout. The request itself
    // must then arrive whole within the read timeout, so dribbling bytes buys no time.
    if (buffer.size() == 0) {
      lowest.expires_after(first ? limits.read_timeout : limits.keep_alive_timeout);
      connection.idle = true;
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
      connection.idle = false;
      if (ec) {
        if (ec == beast::error::timeout && first) ++stats.read_timeouts;
        co_return;
      }
      buffer.commit(n);
    }
    lowest.expires_after(limits.read_timeout);
    bhttp::request_parser<bhttp::string_body> parser;
    apply_limits(parser, limits);
    auto [read_error, folded] = co_await read_header(stream, buffer, parser);
    if (read_error) {
      co_await answer_read_error(stream, read_error);
      co_return;
    }
    if (auto problem = folded ? "obsolete line folding in the header" : framing_problem(parser);
        !problem.empty()) {
      ++stats.rejected_bad_request;
      co_await write_error(stream, 400, std::move(problem));
      co_return;
    }
    if (!parser.is_done()) {
      if (iequals(parser.get()[bhttp::field::expect], "100-continue")) {
        bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, parser.get().version()};
        if (auto [ec, n] = co_await bhttp::async_write(stream, go_on, use_tuple); ec) co_return;
      }
      if (auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, use_tuple); ec) {
        co_await answer_read_error(stream, ec);
        co_return;
      }
    }
    lowest.expires_never();
    first = false;
    const unsigned version = parser.get().version();
    const bool client_keep_alive = parser.get().keep_alive();
    Request request = to_request(parser.release(), info);
    const auto started = std::chrono::steady_clock::now();
    ++stats.requests;
    Response response = co_await run_handler(request);
    const int status = response.status;
    const bool keep_alive = client_keep_alive && !response.close && !stopping;
    const bool written =
        co_await write_response(stream, buffer, request, response, version, keep_alive);
    if (logger.enabled(core::LogLevel::info)) {
      const auto elapsed =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
      logger.info("request", {{"method", request.method_name},
                              {"target", request.target},
                              {"status", status},
                              {"ms", std::round(elapsed.count() * 100) / 100},
                              {"request_id", request.request_id},
                              {"remote", request.remote_address}});
    }
    if (!written || !keep_alive) co_return;
  }
}

template <class Stream>
net::awaitable<void> Server::Impl::answer_read_error(Stream& stream, beast::error_code ec) {
  if (ec == beast::error::timeout) ++stats.read_timeouts;  // slowloris: cut off without a word
  auto rejection = rejection_for(ec);
  // Anything else is the peer going away; there is no one to answer.
  if (!rejection) co_return;
  if (rejection->status == 431) {
    ++stats.rejected_header_too_large;
  } else if (rejection->status == 413) {
    ++stats.rejected_body_too_large;
  } else {
    ++stats.rejected_bad_request;
  }
  co_await write_error(stream, rejection->status, std::move(rejection->description));
}

template <class Stream>
net::awaitable<void> Server::Impl::write_error(Stream& stream, int status,
                                               std::string description) {
  bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(status), 11};
  response.set(bhttp::field::content_type, "application/json; charset=utf-8");
  response.set(bhttp::field::connection, "close");
  response.body() =
      nlohmann::json{{"error", "invalid_request"}, {"error_description", description}}.dump();
  response.prepare_payload();
  beast::get_lowest_layer(stream).expires_after(limits.write_timeout);
  co_await bhttp::async_write(stream, response, use_tuple);
}

net::awaitable<Response> Server::Impl::run_handler(Request& request) {
  std::exception_ptr failure;
  try {
    co_return co_await handler(request);
  } catch (...) {
    failure = std::current_exception();
  }
  ++stats.handler_exceptions;
  log_exception(failure, request.path);
  co_return Response::json(500, {{"error", "server_error"},
                                 {"error_description", "internal error"},
                                 {"request_id", request.request_id}});
}

template <class Stream>
net::awaitable<bool> Server::Impl::write_response(Stream& stream, beast::flat_buffer& buffer,
                                                  const Request& request, Response& response,
                                                  unsigned version, bool keep_alive) {
  if (response.abort) co_return false;
  response.headers.set("x-request-id", request.request_id);
  if (response.stream)
    co_return co_await write_event_stream(stream, buffer, response, version, keep_alive);
  bhttp::response<bhttp::string_body> message;
  message.version(version);
  message.result(static_cast<unsigned>(response.status));
  for (const auto& [name, value] : response.headers.fields()) message.insert(name, value);
  message.keep_alive(keep_alive);
  message.body() = std::move(response.body);
  message.prepare_payload();
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_after(limits.write_timeout);
  beast::error_code ec;
  if (request.method == Method::head) {
    bhttp::response_serializer<bhttp::string_body> serializer(message);
    std::tie(ec, std::ignore) = co_await bhttp::async_write_header(stream, serializer, use_tuple);
  } else {
    std::tie(ec, std::ignore) = co_await bhttp::async_write(stream, message, use_tuple);
  }
  lowest.expires_never();
  co_return !ec;
}

template <class Stream>
net::awaitable<bool> Server::Impl::write_event_stream(Stream& stream, beast::flat_buffer& buffer,
                                                      Response& response, unsigned version,
                                                      bool keep_alive) {
  bhttp::response<bhttp::empty_body> head;
  head.version(version);
  head.result(static_cast<unsigned>(response.status));
  for (const auto& [name, value] : response.headers.fields()) head.insert(name, value);
  head.keep_alive(keep_alive);
  head.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> serializer(head);
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_after(limits.write_timeout);
  auto [ec, n] = co_await bhttp::async_write_header(stream, serializer, use_tuple);
  lowest.expires_never();
  if (ec) co_return false;
  SessionEventStream<Stream> events(stream, stopping, limits.write_timeout);
  std::exception_ptr failure;
  auto write = [&]() -> net::awaitable<void> {
    try {
      co_await response.stream(events);
    } catch (...) {
      failure = std::current_exception();
    }
  };
  bool client_gone = false;
  if (response.cancel_on_disconnect) {
    // The client sends nothing while it reads a stream, so a read that ends is the client
    // going away (EOF, reset). The read ends first: the writer is cancelled; the writer ends
    // first: the read is cancelled.
    auto watch = [&]() -> net::awaitable<void> {
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
      if (ec) {
        client_gone = ec != net::error::operation_aborted;
        co_return;
      }
      // A pipelined request: keep it for later and wait for the writer to end.
      buffer.commit(n);
      net::steady_timer forever(co_await net::this_coro::executor,
                                net::steady_timer::time_point::max());
      co_await forever.async_wait(use_tuple);
    };
    using namespace net::experimental::awaitable_operators;
    co_await (write() || watch());
  } else {
    co_await write();
  }
  if (client_gone) {
    // The writer was cancelled because of it: not a failure of the handler.
    ++stats.streams_cancelled;
    co_return false;
  }
  if (failure) {
    ++stats.handler_exceptions;
    log_exception(failure, "event stream");
    co_return false;  // the stream is cut short; closing tells the client it ended badly
  }
  if (!events.open()) co_return false;
  lowest.expires_after(limits.write_timeout);
  std::tie(ec, n) = co_await net::async_write(stream, bhttp::make_chunk_last(), use_tuple);
  lowest.expires_never();
  co_return !ec;
}

void Server::Impl::close_all() {
  for (auto& connection : connections) connection.close();
}

Server::Server(net::any_io_executor executor, RequestHandler handler, ServerLimits limits,
               core::Logger logger)
    : impl_(std::make_shared<Impl>(executor, std::move(handler), limits, std::move(logger))) {}

Server::~Server() {
  stop();
  impl_->close_all();
}

core::Result<std::uint16_t> Server::listen(const ListenerSpec& spec) {
  std::shared_ptr<net::ssl::context> tls;
  if (spec.tls) {
    try {
      tls = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
      tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1);
      tls->use_certificate_chain(net::buffer(spec.tls->certificate_chain_pem));
      tls->use_private_key(net::buffer(spec.tls->private_key_pem), net::ssl::context::pem);
    } catch (const boost::system::system_error& e) {
      return core::Error{Errc::tls_failed, std::string("loading certificate: ") + e.what()};
    }
  }
  std::vector<net::ip::address> addresses;
  if (spec.host == "localhost") {
    addresses = {net::ip::address_v4::loopback(), net::ip::address_v6::loopback()};
  } else {
    beast::error_code ec;
    addresses.push_back(net::ip::make_address(spec.host, ec));
    if (ec) return core::Error{Errc::bind_failed, "not an IP address: " + spec.host};
  }
  // With port 0 the second address may find the first's port taken: start over a few times.
  constexpr int kAttempts = 8;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::vector<std::unique_ptr<Impl::Listener>> bound;
    std::uint16_t port = spec.port;
    std::string failure;
    for (const auto& address : addresses) {
      auto listener = std::make_unique<Impl::Listener>(impl_->executor);
      listener->tls = tls;
      auto& acceptor = listener->acceptor;
      const tcp::endpoint endpoint(address, port);
      beast::error_code ec;
      acceptor.open(endpoint.protocol(), ec);
      if (!ec && address.is_v6()) acceptor.set_option(net::ip::v6_only(true), ec);
      if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec) acceptor.bind(endpoint, ec);
      if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
      if (ec) {
        // A machine without IPv6 still serves "localhost" on 127.0.0.1.
        if (spec.host == "localhost" && address.is_v6() &&
            (ec == net::error::address_family_not_supported ||
             ec == boost::system::errc::address_not_available)) {
          impl_->logger.warn("IPv6 loopback unavailable; serving 127.0.0.1 only");
          continue;
        }
        failure = address.to_string() + ":" + std::to_string(port) + ": " + ec.message();
        break;
      }
      if (port == 0) port = acceptor.local_endpoint().port();
      bound.push_back(std::move(listener));
    }
    if (failure.empty()) {
      for (auto& listener : bound) {
        net::co_spawn(impl_->executor, impl_->accept_loop(*listener),
                      [impl = impl_](std::exception_ptr e) { impl->log_exception(e, "accept"); });
        impl_->listeners.push_back(std::move(listener));
      }
      return port;
    }
    if (spec.port != 0) return core::Error{Errc::bind_failed, failure};
  }
  return core::Error{Errc::bind_failed, "no free port on every loopback address"};
}

void Server::stop() {
  auto& impl = *impl_;
  if (impl.stopping) return;
  impl.stopping = true;
  for (auto& listener : impl.listeners) {
    beast::error_code ignored;
    listener->acceptor.close(ignored);
  }
  for (auto& connection : impl.connections) {
    if (connection.idle) connection.close();
  }
  if (impl.connections.empty()) return;
  impl.grace_timer = std::make_unique<net::steady_timer>(impl.executor, impl.limits.shutdown_grace);
  impl.grace_timer->async_wait([weak = std::weak_ptr<Impl>(impl_)](beast::error_code ec) {
    if (auto self = weak.lock(); self && !ec) self->close_all();
  });
}

std::size_t Server::open_connections() const { return impl_->connections.size(); }

ServerStats Server::stats() const { return impl_->stats; }

struct TerminationSignals::Impl {
  explicit Impl(net::any_io_executor executor) : signals(executor, SIGINT, SIGTERM) {}
  net::signal_set signals;
};

TerminationSignals::TerminationSignals(net::any_io_executor executor,
                                       std::function<void(int)> on_signal)
    : impl_(std::make_shared<Impl>(executor)) {
  impl_->signals.async_wait([impl = impl_, on_signal](beast::error_code ec, int signal) {
    if (!ec) on_signal(signal);
  });
}

TerminationSignals::~TerminationSignals() { cancel(); }

void TerminationSignals::cancel() {
  beast::error_code ignored;
  impl_->signals.cancel(ignored);
}

std::variant<ReadRequest, RequestRejection> read_request(std::string_view bytes,
                                                         const ServerLimits& limits,
                                                         const ConnectionInfo& info) {
  const RequestRejection incomplete{0, "the bytes end before the request does"};
  bhttp::request_parser<bhttp::string_body> parser;
  apply_limits(parser, limits);
  std::size_t consumed = 0;
  bool folded = false;
  // Header first and then the body, as a connection reads them: framing is judged before
  // any byte of the body is.
  const auto feed = [&]() -> std::optional<RequestRejection> {
    beast::error_code ec;
    const bool in_header = !parser.is_header_done();
    const auto n = parser.put(net::buffer(bytes.data() + consumed, bytes.size() - consumed), ec);
    if (in_header) folded = folded || has_obs_fold(bytes.substr(consumed, n));
    consumed += n;
    if (ec == bhttp::error::need_more && n > 0) return std::nullopt;
    if (ec) return rejection_for(ec).value_or(incomplete);
    if (n == 0) return incomplete;
    return std::nullopt;
  };
  while (!parser.is_header_done()) {
    if (auto rejected = feed()) return *rejected;
  }
  if (auto problem = folded ? "obsolete line folding in the header" : framing_problem(parser);
      !problem.empty()) {
    return RequestRejection{400, std::move(problem)};
  }
  while (!parser.is_done()) {
    if (consumed == bytes.size()) return incomplete;
    if (auto rejected = feed()) return *rejected;
  }
  ReadRequest read;
  read.version = parser.get().version();
  read.keep_alive = parser.get().keep_alive();
  read.request = to_request(parser.release(), info);
  read.consumed = consumed;
  return read;
}

}  // namespace toolauth::http
