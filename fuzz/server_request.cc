#include "server_request.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <list>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace toolauth::fuzz {
namespace net = boost::asio;

namespace {

// More requests than this in one input add nothing a shorter input does not reach.
constexpr int kMaxPipelined = 4;
// A stream gets this many events before the harness "goes away" (send() returns false).
constexpr int kMaxEvents = 64;
// A stream that has nothing to do for this long is waiting for something outside the request
// (a keep-alive timer, the next server-sent notification): the harness stops watching it.
constexpr auto kStreamIdle = std::chrono::milliseconds(1);

// The client end of an SSE answer, in memory.
class CollectingEventStream final : public http::EventStream {
 public:
  net::awaitable<bool> send(const http::SseEvent& event) override {
    events_ += event.data.size();
    co_return open();
  }
  net::awaitable<bool> comment(std::string_view) override { co_return open(); }
  bool open() const override { return !gone_ && ++sent_ <= kMaxEvents; }
  void go_away() { gone_ = true; }

 private:
  std::size_t events_ = 0;
  mutable int sent_ = 0;
  bool gone_ = false;
};

// A streamed answer while its writer runs; the Response owns the writer's captures.
struct RunningStream {
  http::Response response;
  CollectingEventStream events;
  net::cancellation_signal cancel;
  bool done = false;
};

[[noreturn]] void finding(const char* what) {
  std::fputs(what, stderr);
  std::fputc('\n', stderr);
  std::abort();
}

}  // namespace

// Streams left waiting when the harness stopped watching them; they end when a reset ends
// their session.
struct ServerRequestHarness::Streams {
  std::list<std::shared_ptr<RunningStream>> waiting;
};

boost::asio::io_context& fuzz_io() {
  static net::io_context io;
  return io;
}

core::SystemClock& fuzz_clock() {
  static core::SystemClock clock;
  return clock;
}

ServerRequestHarness::ServerRequestHarness(net::io_context& io, http::RequestHandler handler,
                                           bool tls, unsigned short local_port, bool resets)
    : io_(io),
      handler_(std::move(handler)),
      resets_(resets),
      info_{std::string(kFuzzPeer), local_port, tls},
      streams_(std::make_unique<Streams>()) {}

ServerRequestHarness::~ServerRequestHarness() = default;

http::Response ServerRequestHarness::serve(http::Request& request) {
  std::optional<http::Response> response;
  std::exception_ptr failure;
  bool done = false;
  net::co_spawn(
      io_, [&]() -> net::awaitable<void> { response.emplace(co_await handler_(request)); },
      [&](std::exception_ptr e) {
        failure = e;
        done = true;
      });
  while (!done) io_.run_one();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "handler threw: %s\n", e.what());
    } catch (...) {
    }
    finding("a handler threw: a connection would answer 500");
  }
  return std::move(*response);
}

void ServerRequestHarness::run(std::string_view input) {
  for (int served = 0; served < kMaxPipelined && !input.empty(); ++served) {
    auto read = http::read_request(input, http::ServerLimits{}, info_);
    if (const auto* rejected = std::get_if<http::RequestRejection>(&read)) {
      if (std::getenv("TOOLAUTH_FUZZ_VERBOSE") != nullptr)
        std::fprintf(stderr, "rejected: %d %s\n", rejected->status, rejected->description.c_str());
      if (rejected->status != 0 && rejected->status != 400 && rejected->status != 413 &&
          rejected->status != 431)
        finding("read_request rejected with an unexpected status");
      break;
    }
    auto& request = std::get<http::ReadRequest>(read);
    if (request.consumed == 0 || request.consumed > input.size())
      finding("read_request consumed nothing or more than it was given");
    input.remove_prefix(request.consumed);

    auto response = serve(request.request);
    // TOOLAUTH_FUZZ_VERBOSE=1: what each request got, for writing seeds that get somewhere.
    static const bool verbose = std::getenv("TOOLAUTH_FUZZ_VERBOSE") != nullptr;
    if (verbose) {
      std::fprintf(stderr, "%s %s -> %d%s\n", request.request.method_name.c_str(),
                   request.request.target.c_str(), response.status,
                   response.stream ? " (stream)" : "");
    }
    const bool closes = !request.keep_alive || response.close || response.abort;
    if (response.status == 500) finding("500 answer to a request");
    if (response.status < 100 || response.status > 599) finding("status outside 100-599");
    if (response.stream) {
      auto stream = std::make_shared<RunningStream>();
      stream->response = std::move(response);
      net::co_spawn(
          io_, stream->response.stream(stream->events),
          net::bind_cancellation_slot(stream->cancel.slot(),
                                      [stream](std::exception_ptr) { stream->done = true; }));
      while (!stream->done && io_.run_one_for(kStreamIdle) > 0) {
      }
      if (!stream->done) {
        // The client goes away; a server cancels only the streams that ask for it.
        stream->events.go_away();
        if (stream->response.cancel_on_disconnect) {
          stream->cancel.emit(net::cancellation_type::terminal);
          while (!stream->done) io_.run_one();
        } else {
          streams_->waiting.push_back(stream);
        }
      }
    }
    if (closes) break;
  }
  if (resets_) reset();
}

void ServerRequestHarness::reset() {
  http::Request request;
  request.method = http::Method::post;
  request.method_name = "POST";
  request.target = request.path = "/_admin/reset";
  request.headers.add("Host", "localhost");
  request.remote_address = "127.0.0.1";
  request.local_port = info_.local_port;
  request.tls = info_.tls;
  if (serve(request).status != 200) finding("the admin reset between inputs failed");
  io_.poll();
  streams_->waiting.remove_if([](const auto& stream) { return stream->done; });
}

}  // namespace toolauth::fuzz
