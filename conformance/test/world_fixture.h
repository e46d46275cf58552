#pragma once
// Conformance tests: run a coroutine against a fresh Environment (mock-idp + mock-mcp on port
// 0, one clock), and start a mock-mcp IUT beside it (optionally a mutant) that trusts it.

#include <boost/asio/this_coro.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>

#include "toolauth/conformance/environment.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::conformance::testing {

template <class T>
T with_environment(std::function<boost::asio::awaitable<T>(Environment&)> body) {
  return toolauth::testing::run_sync<T>([&]() -> boost::asio::awaitable<T> {
    auto env = Environment::start(co_await boost::asio::this_coro::executor, {});
    if (!env.ok()) throw std::runtime_error(env.error().message());
    std::exception_ptr failure;
    std::optional<T> out;
    try {
      out.emplace(co_await body(**env));
    } catch (...) {
      failure = std::current_exception();
    }
    (*env)->stop();
    if (failure) std::rethrow_exception(failure);
    co_return std::move(*out);
  });
}

// A second mock-mcp on the environment's executor, trusting its IdP and serving with its CA
// (the tls/ folder is copied), with `defects` switched on.
inline std::unique_ptr<mcp::McpServer> start_iut(Environment& env,
                                                 boost::asio::any_io_executor executor,
                                                 mcp::McpDefects defects = {}) {
  static int started = 0;
  const auto state = env.state_dir() / ("iut-" + std::to_string(++started));
  std::filesystem::create_directories(state);
  std::filesystem::copy(
      env.state_dir() / "tls", state / "tls",
      std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
  mcp::McpServerOptions options;
  options.host = "localhost";
  options.port = 0;
  options.state_dir = state;
  options.templates["idp_url"] = env.idp_url();
  options.defects = defects;
  auto server = mcp::McpServer::start(executor, env.clock(), options);
  if (!server.ok()) throw std::runtime_error(server.error().message());
  return std::move(*server);
}

}  // namespace toolauth::conformance::testing
