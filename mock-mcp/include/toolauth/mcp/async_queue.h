#pragma once
// A FIFO one coroutine can wait on: pop() suspends until an item arrives or the queue is
// closed. Used to carry messages (progress, logs, server requests, the final response) from a
// running request to the SSE stream that delivers them.
//
// Single-threaded: push(), close() and pop() run on the io_context's one thread; one waiter.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <optional>

namespace toolauth::mcp {

template <class T>
class AsyncQueue {
 public:
  explicit AsyncQueue(boost::asio::any_io_executor executor)
      : timer_(executor, boost::asio::steady_timer::time_point::max()) {}

  void push(T item) {
    if (closed_) return;
    items_.push_back(std::move(item));
    timer_.cancel();
  }
  // Wakes the waiter; pop() drains what is queued, then returns nullopt.
  void close() {
    closed_ = true;
    timer_.cancel();
  }
  bool closed() const { return closed_; }
  bool empty() const { return items_.empty(); }

  // nullopt when the queue is closed and drained, or when the wait is cancelled (e.g. it lost
  // an `||` race against a timer): then nothing was taken from the queue.
  boost::asio::awaitable<std::optional<T>> pop() {
    while (items_.empty() && !closed_) {
      timer_.expires_at(boost::asio::steady_timer::time_point::max());
      co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
      auto state = co_await boost::asio::this_coro::cancellation_state;
      if (state.cancelled() != boost::asio::cancellation_type::none) co_return std::nullopt;
    }
    if (items_.empty()) co_return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    co_return item;
  }

 private:
  boost::asio::steady_timer timer_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace toolauth::mcp
