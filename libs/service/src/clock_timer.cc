#include "toolauth/service/clock_timer.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <mutex>
#include <optional>

namespace toolauth::service {
namespace {

namespace net = boost::asio;

// A real-time wait never lasts longer than this before the clock is read again, which also
// keeps far-away deadlines from overflowing steady_clock arithmetic.
constexpr auto kMaxSlice = std::chrono::hours(24);

// Shared with the clock's jump callback, which may run on another thread at any time, also
// just after the wait finished: it may post only while the waiter is alive.
struct JumpLink {
  std::mutex mutex;
  std::optional<net::any_io_executor> executor;
  std::function<void()> on_jump;  // runs on the executor
};

}  // namespace

net::awaitable<bool> wait_until(const core::Clock& clock, core::Clock::time_point deadline) {
  const auto executor = co_await net::this_coro::executor;
  net::steady_timer timer(executor);
  bool jumped = false;

  auto link = std::make_shared<JumpLink>();
  link->executor = executor;
  link->on_jump = [&timer, &jumped] {
    jumped = true;
    timer.cancel();
  };
  // Detaches the link when the wait ends, however it ends (including frame destruction when
  // the io_context goes away), so no callback touches `timer` or `jumped` afterwards.
  struct Detach {
    std::shared_ptr<JumpLink> link;
    ~Detach() {
      std::lock_guard lock(link->mutex);
      link->executor.reset();
    }
  } detach{link};

  // Subscribe before reading the clock: a jump between the read and the wait is then
  // delivered as a cancellation of the wait, never lost. subscribe() is not const only
  // because it registers a callback; the clock's time is untouched.
  auto& subscribable = const_cast<core::Clock&>(clock);
  const auto subscription = subscribable.subscribe([weak = std::weak_ptr(link)] {
    const auto shared = weak.lock();
    if (!shared) return;
    std::lock_guard lock(shared->mutex);
    if (!shared->executor) return;
    net::post(*shared->executor, [weak] {
      const auto alive = weak.lock();
      if (!alive) return;
      bool attached = false;
      {
        std::lock_guard inner(alive->mutex);
        attached = alive->executor.has_value();
      }
      if (attached) alive->on_jump();
    });
  });

  for (;;) {
    const auto now = clock.now();
    if (now >= deadline) co_return true;
    // Once cancelled, the next co_await would throw; a cancellation that arrived together
    // with a jump is seen here.
    const auto state = co_await net::this_coro::cancellation_state;
    if (state.cancelled() != net::cancellation_type::none) co_return false;
    const auto left = std::min<core::Clock::duration>(deadline - now, kMaxSlice);
    timer.expires_after(std::chrono::duration_cast<net::steady_timer::duration>(left));
    jumped = false;
    const auto [error] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    if (!error || jumped) continue;
    co_return false;  // cancelled
  }
}

net::awaitable<bool> wait_for(const core::Clock& clock, core::Clock::duration delay) {
  const auto deadline = clock.now() + delay;
  co_return co_await wait_until(clock, deadline);
}

}  // namespace toolauth::service
