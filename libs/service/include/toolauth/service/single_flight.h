#pragma once
// At most one call per key in flight: the first coroutine to ask for a key runs the work, and
// every coroutine that asks for the same key meanwhile waits for that call and gets a copy
// of its result (or its exception) instead of starting another. This is what keeps N
// concurrent tool calls from sending N token requests — or the same refresh token twice.
//
//   SingleFlight<TokenResult> flights;
//   auto result = co_await flights.run(key, [&]() -> awaitable<TokenResult> { ... });
//
// Waiters sleep on a timer that the finishing call cancels, so nothing polls or sleeps.
//
// Threading: every call on one thread (an io_context run by one thread, or one strand); the
// executors of the callers may differ only if they run on that thread. Lifetime: a
// SingleFlight must outlive the calls in flight.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace toolauth::service {

template <class T>
class SingleFlight {
 public:
  using Work = std::function<boost::asio::awaitable<T>()>;

  // `work` runs only when no call for `key` is in flight; it may co_await anything. (Both
  // are taken by value: a coroutine must not hold references to its caller's temporaries.)
  boost::asio::awaitable<T> run(std::string key, Work work) {
    if (auto it = flights_.find(key); it != flights_.end()) {
      auto flight = it->second;
      ++joined_;
      co_return co_await wait_for(std::move(flight));
    }
    auto flight = std::make_shared<Flight>();
    flights_.emplace(key, flight);
    try {
      flight->result.emplace(co_await work());
    } catch (...) {
      flight->failure = std::current_exception();
    }
    flight->done = true;
    if (auto it = flights_.find(key); it != flights_.end() && it->second == flight) {
      flights_.erase(it);
    }
    for (const auto& waiter : flight->waiters) waiter->cancel();
    if (flight->failure) std::rethrow_exception(flight->failure);
    co_return *flight->result;
  }

  // Keys with a call in flight.
  std::size_t in_flight() const { return flights_.size(); }
  bool in_flight(const std::string& key) const { return flights_.contains(key); }
  // Calls that waited for another call instead of running their own.
  std::uint64_t joined() const { return joined_; }

 private:
  struct Flight {
    bool done = false;
    std::optional<T> result;
    std::exception_ptr failure;
    std::vector<std::shared_ptr<boost::asio::steady_timer>> waiters;
  };

  // Takes the flight by shared_ptr: the map's entry goes away when the call finishes.
  static boost::asio::awaitable<T> wait_for(std::shared_ptr<Flight> flight) {
    while (!flight->done) {
      auto timer = std::make_shared<boost::asio::steady_timer>(
          co_await boost::asio::this_coro::executor, boost::asio::steady_timer::time_point::max());
      flight->waiters.push_back(timer);
      co_await timer->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
    if (flight->failure) std::rethrow_exception(flight->failure);
    co_return *flight->result;
  }

  std::map<std::string, std::shared_ptr<Flight>> flights_;
  std::uint64_t joined_ = 0;
};

}  // namespace toolauth::service
