#include "toolauth/service/clock_timer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <future>
#include <thread>

namespace toolauth::service {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

// An io_context running on its own thread, with one wait_until spawned on it.
class WaitThread {
 public:
  WaitThread(const core::Clock& clock, core::Clock::time_point deadline)
      : work_(net::make_work_guard(io_)) {
    net::co_spawn(
        io_, wait_until(clock, deadline),
        net::bind_cancellation_slot(signal_.slot(), [this](std::exception_ptr e, bool fired) {
          completed_ = true;
          if (e) {
            result_.set_exception(e);
          } else {
            result_.set_value(fired);
          }
        }));
    // Runs once the coroutine has suspended in its first real-time wait.
    std::promise<void> waiting;
    net::post(io_, [&waiting] { waiting.set_value(); });
    thread_ = std::thread([this] { io_.run(); });
    waiting.get_future().wait();
  }
  ~WaitThread() {
    work_.reset();
    cancel();  // a wait still pending must not keep run() from returning
    thread_.join();
  }

  // The result, or nullopt when it has not come within `limit`.
  std::optional<bool> result_within(std::chrono::milliseconds limit) {
    if (future_.wait_for(limit) != std::future_status::ready) return std::nullopt;
    return future_.get();
  }
  void cancel() {
    net::post(io_, [this] {
      if (!completed_) signal_.emit(net::cancellation_type::terminal);
    });
  }

 private:
  net::io_context io_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  net::cancellation_signal signal_;
  bool completed_ = false;  // touched on the io thread only
  std::promise<bool> result_;
  std::future<bool> future_ = result_.get_future();
  std::thread thread_;
};

TEST(ClockTimerTest, ADeadlineAlreadyReachedCompletesAtOnce) {
  core::ManualClock clock;
  WaitThread wait(clock, clock.now());
  EXPECT_EQ(wait.result_within(5s), true);
}

TEST(ClockTimerTest, ManualClockAdvancedFromAnotherThreadFiresTheWait) {
  core::ManualClock clock;
  WaitThread wait(clock, clock.now() + 1h);
  clock.advance(30min);
  EXPECT_EQ(wait.result_within(100ms), std::nullopt);
  clock.advance(30min);
  EXPECT_EQ(wait.result_within(5s), true);
}

TEST(ClockTimerTest, SettingTheClockBackDoesNotFireTheWait) {
  core::ManualClock clock;
  const auto start = clock.now();
  WaitThread wait(clock, start + 10min);
  clock.set(start - 1h);
  EXPECT_EQ(wait.result_within(100ms), std::nullopt);
  clock.set(start + 10min);
  EXPECT_EQ(wait.result_within(5s), true);
}

TEST(ClockTimerTest, SystemClockFiresInRealTimeWithoutAJump) {
  core::SystemClock clock;
  const auto started = std::chrono::steady_clock::now();
  WaitThread wait(clock, clock.now() + 50ms);
  EXPECT_EQ(wait.result_within(5s), true);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 50ms);
}

TEST(ClockTimerTest, SystemClockAdvanceFiresALongWaitAtOnce) {
  core::SystemClock clock;
  WaitThread wait(clock, clock.now() + 1h);
  clock.advance(1h);
  EXPECT_EQ(wait.result_within(5s), true);
}

TEST(ClockTimerTest, CancellationCompletesWithFalse) {
  core::ManualClock clock;
  WaitThread wait(clock, clock.now() + 1h);
  wait.cancel();
  EXPECT_EQ(wait.result_within(5s), false);
}

TEST(ClockTimerTest, ClockAdvancedByACoroutineOnTheSameThread) {
  core::ManualClock clock;
  net::io_context io;
  std::vector<std::string> events;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        const bool fired = co_await wait_for(clock, 5min);
        events.push_back(fired ? "fired" : "cancelled");
      },
      net::detached);
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        events.push_back("advance");
        clock.advance(5min);
        co_return;
      },
      net::detached);
  io.run_for(5s);
  EXPECT_EQ(events, (std::vector<std::string>{"advance", "fired"}));
}

TEST(ClockTimerTest, TheLosingSideOfAnOrIsCancelledCleanly) {
  using namespace net::experimental::awaitable_operators;
  core::ManualClock clock;
  net::io_context io;
  std::optional<std::size_t> winner;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        net::steady_timer short_timer(co_await net::this_coro::executor, 10ms);
        auto race =
            wait_until(clock, clock.now() + 1h) || short_timer.async_wait(net::use_awaitable);
        const auto outcome = co_await std::move(race);
        winner = outcome.index();
      },
      net::detached);
  io.run_for(5s);
  EXPECT_EQ(winner, 1u);
  // Nothing is subscribed any more: a jump now touches no freed frame.
  clock.advance(2h);
}

TEST(ClockTimerTest, EachOfManyWaitsFiresWhenItsDeadlineIsReached) {
  core::ManualClock clock;
  const auto start = clock.now();
  net::io_context io;
  std::vector<int> fired;
  for (int i : {3, 1, 2}) {
    net::co_spawn(
        io,
        [&, i]() -> net::awaitable<void> {
          if (co_await wait_until(clock, start + i * 1min)) fired.push_back(i);
        },
        net::detached);
  }
  io.poll();
  clock.advance(1min);
  io.poll();
  EXPECT_EQ(fired, std::vector<int>{1});
  clock.advance(2min);
  io.poll();
  std::sort(fired.begin(), fired.end());
  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3}));
}

TEST(ClockTimerTest, DestroyingTheIoContextWhileWaitingUnsubscribes) {
  core::ManualClock clock;
  {
    net::io_context io;
    net::co_spawn(io, wait_until(clock, clock.now() + 1h), net::detached);
    io.poll();
  }
  // The frame went away with the io_context; a jump must not post to it.
  clock.advance(2h);
}

}  // namespace
}  // namespace toolauth::service
