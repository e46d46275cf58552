#pragma once
// Test support shared by every module's tests: run a coroutine to completion on a fresh
// io_context in the calling thread.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <functional>
#include <optional>

namespace toolauth::testing {

// Runs `task` and returns its result; an exception inside the task is rethrown here.
template <class T>
T run_sync(std::function<boost::asio::awaitable<T>()> task) {
  boost::asio::io_context io;
  std::optional<T> result;
  std::exception_ptr failure;
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<void> { result.emplace(co_await task()); },
      [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

}  // namespace toolauth::testing
