#include "toolauth/service/single_flight.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <stdexcept>

namespace toolauth::service {
namespace {

namespace net = boost::asio;

// Work that counts its runs and blocks until the test opens the gate.
class GatedWork {
 public:
  explicit GatedWork(net::io_context& io)
      : gate_(std::make_shared<net::steady_timer>(io, net::steady_timer::time_point::max())) {}

  SingleFlight<int>::Work make(int value, bool fail = false) {
    return [this, value, fail]() -> net::awaitable<int> {
      ++runs;
      if (!opened_) co_await gate_->async_wait(net::as_tuple(net::use_awaitable));
      if (fail) throw std::runtime_error("fetch failed");
      co_return value;
    };
  }
  void open() {
    opened_ = true;
    gate_->cancel();
  }
  int runs = 0;

 private:
  std::shared_ptr<net::steady_timer> gate_;
  bool opened_ = false;
};

struct Outcome {
  std::optional<int> value;
  std::string failure;
};

void spawn(net::io_context& io, SingleFlight<int>& flights, const std::string& key,
           SingleFlight<int>::Work work, Outcome& out) {
  net::co_spawn(
      io,
      [&flights, key, work = std::move(work), &out]() -> net::awaitable<void> {
        try {
          out.value = co_await flights.run(key, work);
        } catch (const std::exception& e) {
          out.failure = e.what();
        }
      },
      net::detached);
}

TEST(SingleFlightTest, ConcurrentCallsForOneKeyRunTheWorkOnce) {
  net::io_context io;
  SingleFlight<int> flights;
  GatedWork work(io);
  std::vector<Outcome> outcomes(8);
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    spawn(io, flights, "k", work.make(static_cast<int>(i) + 100), outcomes[i]);
  }
  io.poll();
  EXPECT_EQ(work.runs, 1);
  EXPECT_TRUE(flights.in_flight("k"));
  EXPECT_EQ(flights.joined(), 7u);
  work.open();
  io.run();
  for (const auto& outcome : outcomes) EXPECT_EQ(outcome.value, 100);  // the first caller's work
  EXPECT_EQ(flights.in_flight(), 0u);
}

TEST(SingleFlightTest, AFailureReachesEveryWaiter) {
  net::io_context io;
  SingleFlight<int> flights;
  GatedWork work(io);
  std::vector<Outcome> outcomes(4);
  for (auto& outcome : outcomes) spawn(io, flights, "k", work.make(1, /*fail=*/true), outcome);
  io.poll();
  work.open();
  io.run();
  EXPECT_EQ(work.runs, 1);
  for (const auto& outcome : outcomes) {
    EXPECT_FALSE(outcome.value);
    EXPECT_EQ(outcome.failure, "fetch failed");
  }
}

TEST(SingleFlightTest, DifferentKeysDoNotWaitForEachOther) {
  net::io_context io;
  SingleFlight<int> flights;
  GatedWork work(io);
  Outcome a, b;
  spawn(io, flights, "a", work.make(1), a);
  spawn(io, flights, "b", work.make(2), b);
  io.poll();
  EXPECT_EQ(work.runs, 2);
  work.open();
  io.run();
  EXPECT_EQ(a.value, 1);
  EXPECT_EQ(b.value, 2);
}

TEST(SingleFlightTest, ACallAfterTheFlightLandedRunsAgain) {
  net::io_context io;
  SingleFlight<int> flights;
  GatedWork work(io);
  work.open();
  Outcome first, second;
  spawn(io, flights, "k", work.make(1), first);
  io.run();
  io.restart();
  spawn(io, flights, "k", work.make(2), second);
  io.run();
  EXPECT_EQ(work.runs, 2);
  EXPECT_EQ(second.value, 2);
}

}  // namespace
}  // namespace toolauth::service
