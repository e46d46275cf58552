#include "toolauth/emulator/container_supervisor.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <thread>

#include "toolauth/process/piped_process.h"

namespace toolauth::emulator {

namespace net = boost::asio;
using net::awaitable;

struct ContainerSupervisor::Container {
  ContainerLaunch launch;
  std::unique_ptr<process::PipedProcess> process;
  std::uint16_t port = 0;
  ContainerState state = ContainerState::starting;
  int failures = 0;  // consecutive, reset when the container becomes ready
  int restarts = 0;
  std::string last_error;
  bool stopping = false;
  bool supervised = false;                             // a supervise() coroutine runs for it
  std::unique_ptr<boost::asio::steady_timer> backoff;  // cancelled by a stop
};

namespace {

constexpr std::chrono::milliseconds kMaxBackoff{8'000};
constexpr std::chrono::milliseconds kProbeTimeout{2'000};

// A port free on 127.0.0.1 right now (the container binds it moments later).
core::Result<std::uint16_t> free_loopback_port() {
  net::io_context io;
  net::ip::tcp::acceptor acceptor(io);
  boost::system::error_code ec;
  acceptor.open(net::ip::tcp::v4(), ec);
  if (!ec) acceptor.bind({net::ip::address_v4::loopback(), 0}, ec);
  if (ec) return core::Error{core::Errc::io_error, "no free loopback port: " + ec.message()};
  return acceptor.local_endpoint().port();
}

awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  net::steady_timer timer(co_await net::this_coro::executor, duration);
  boost::system::error_code ec;
  co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
}

std::string describe_exit(int status) {
  if (status > 128) return "was killed by signal " + std::to_string(status - 128);
  return "exited with status " + std::to_string(status);
}

}  // namespace

std::string_view to_string(ContainerState state) {
  switch (state) {
    case ContainerState::starting:
      return "starting";
    case ContainerState::ready:
      return "ready";
    case ContainerState::backoff:
      return "backoff";
    case ContainerState::failed:
      return "failed";
    case ContainerState::stopping:
      return "stopping";
  }
  return "unknown";
}

ContainerSupervisor::ContainerSupervisor(net::any_io_executor executor, http::Client& client,
                                         service::Journal& journal, core::Logger logger,
                                         ContainerSupervisorOptions options)
    : executor_(std::move(executor)),
      client_(&client),
      journal_(&journal),
      logger_(logger.with_component("hosted")),
      options_(options) {}

ContainerSupervisor::~ContainerSupervisor() {
  *alive_ = false;
  stop_all();
  // Bounded wait for a graceful end, then SIGKILL (PipedProcess's destructor) and reap.
  const auto deadline = std::chrono::steady_clock::now() + options_.stop_grace;
  for (auto& [key, container] : containers_) {
    if (!container->process) continue;
    while (!container->process->try_wait() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    container->process.reset();
  }
}

awaitable<core::Result<std::string>> ContainerSupervisor::ready(ContainerLaunch launch) {
  auto alive = alive_;
  auto& slot = containers_[launch.key];
  if (!slot) {
    slot = std::make_shared<Container>();
    slot->launch = std::move(launch);
  }
  auto container = slot;
  if (container->stopping)
    co_return core::Error{core::Errc::io_error, "the agent's container is stopping"};
  if (!container->supervised) {
    // First use, or a new attempt after the container failed.
    container->state = ContainerState::starting;
    container->failures = 0;
    container->supervised = true;
    net::co_spawn(executor_, supervise(container), net::detached);
  }
  // Starting, restarting or in backoff: wait (bounded) until it is ready or has failed.
  const auto deadline = std::chrono::steady_clock::now() + options_.readiness_timeout +
                        options_.readiness_timeout / 2;
  while (true) {
    if (!*alive) co_return core::Error{core::Errc::io_error, "the emulator is stopping"};
    // A container that has just ended is not ready, even before its supervisor noticed.
    if (container->state == ContainerState::ready && !container->process->try_wait())
      co_return "http://127.0.0.1:" + std::to_string(container->port);
    if (container->state == ContainerState::failed)
      co_return core::Error{core::Errc::io_error, container->last_error};
    if (container->state == ContainerState::stopping)
      co_return core::Error{core::Errc::io_error, "the agent's container is stopping"};
    if (std::chrono::steady_clock::now() >= deadline) {
      co_return core::Error{
          core::Errc::io_error,
          "the agent's container did not become ready in time" +
              (container->last_error.empty() ? std::string() : " (" + container->last_error + ")")};
    }
    co_await sleep_for(options_.readiness_interval);
  }
}

awaitable<void> ContainerSupervisor::supervise(std::shared_ptr<Container> c) {
  auto alive = alive_;
  const auto& argv = c->launch.argv;
  while (*alive && !c->stopping) {
    c->state = ContainerState::starting;
    auto port = free_loopback_port();
    if (!port.ok()) {
      c->last_error = port.error().detail;
      break;
    }
    c->port = *port;
    auto environment = c->launch.environment;
    environment["PORT"] = std::to_string(c->port);
    auto spawned = process::PipedProcess::spawn(executor_, argv, environment,
                                                process::PipedProcess::Environment::only);
    if (!spawned.ok()) {
      // A command that cannot run will not run on a retry either.
      c->last_error = "the container command cannot run: " + spawned.error().detail;
      c->failures = options_.max_restarts + 1;
      break;
    }
    c->process = std::move(*spawned);
    c->process->in().close();
    spawn_drain(c);
    journal_->record("hosted_container",
                     {{"action", "start"}, {"key", c->launch.key}, {"port", c->port}});
    const bool is_ready = co_await probe(c);
    if (!*alive) co_return;
    if (is_ready && !c->stopping) {
      c->state = ContainerState::ready;
      c->failures = 0;
      c->last_error.clear();
      journal_->record("hosted_container", {{"action", "ready"}, {"key", c->launch.key}});
      const int status = co_await c->process->wait();
      if (!*alive) co_return;
      c->last_error = "the agent's container " + describe_exit(status);
    } else if (!c->stopping) {
      if (auto status = c->process->try_wait()) {
        c->last_error = "the agent's container " + describe_exit(*status) + " before it was ready";
      } else {
        c->last_error = "the agent's container did not answer GET /readiness with 200 within " +
                        std::to_string(options_.readiness_timeout.count()) + " ms";
        c->process->signal(SIGKILL);
        (void)co_await c->process->wait();
        if (!*alive) co_return;
      }
    }
    if (c->stopping) break;
    ++c->failures;
    journal_->record("hosted_container", {{"action", "exited"},
                                          {"key", c->launch.key},
                                          {"reason", c->last_error},
                                          {"failures", c->failures}});
    logger_.warn("hosted agent container ended",
                 {{"key", c->launch.key}, {"reason", c->last_error}});
    if (c->failures > options_.max_restarts) break;
    c->state = ContainerState::backoff;
    const auto backoff = options_.restart_backoff * (1 << std::min(c->failures - 1, 6));
    c->backoff = std::make_unique<net::steady_timer>(
        executor_, std::min<std::chrono::milliseconds>(backoff, kMaxBackoff));
    boost::system::error_code ec;
    co_await c->backoff->async_wait(net::redirect_error(net::use_awaitable, ec));
    if (!*alive) co_return;
    c->backoff.reset();
    if (c->stopping) break;
    ++c->restarts;
  }
  c->supervised = false;
  if (c->stopping) {
    // Gone for good: the next ready() of this key starts a new container.
    if (auto it = containers_.find(c->launch.key); it != containers_.end() && it->second == c)
      containers_.erase(it);
    co_return;
  }
  c->state = ContainerState::failed;
  c->port = 0;
  journal_->record("hosted_container",
                   {{"action", "failed"}, {"key", c->launch.key}, {"reason", c->last_error}});
}

awaitable<bool> ContainerSupervisor::probe(std::shared_ptr<Container> c) {
  auto alive = alive_;
  const auto deadline = std::chrono::steady_clock::now() + options_.readiness_timeout;
  const std::string url = "http://127.0.0.1:" + std::to_string(c->port) + "/readiness";
  while (std::chrono::steady_clock::now() < deadline) {
    if (c->stopping || c->process->try_wait()) co_return false;
    auto answer = co_await client_->send({.method = http::Method::get,
                                          .url = url,
                                          .headers = {},
                                          .body = {},
                                          .timeout = kProbeTimeout});
    if (!*alive) co_return false;
    if (answer.ok() && answer->status == 200) co_return true;
    co_await sleep_for(options_.readiness_interval);
    if (!*alive) co_return false;
  }
  co_return false;
}

void ContainerSupervisor::spawn_drain(std::shared_ptr<Container> c) {
  auto drain = [](std::shared_ptr<Container> c, net::readable_pipe& pipe, core::Logger logger,
                  std::string stream, std::shared_ptr<bool> alive) -> awaitable<void> {
    std::string buffer;
    char chunk[4096];
    while (true) {
      boost::system::error_code ec;
      const auto n = co_await pipe.async_read_some(net::buffer(chunk),
                                                   net::redirect_error(net::use_awaitable, ec));
      if (ec || !*alive) break;
      buffer.append(chunk, n);
      for (auto end = buffer.find('\n'); end != std::string::npos; end = buffer.find('\n')) {
        logger.debug("container output",
                     {{"key", c->launch.key}, {"stream", stream}, {"line", buffer.substr(0, end)}});
        buffer.erase(0, end + 1);
      }
      if (buffer.size() > sizeof chunk) buffer.clear();  // an endless line is not kept
    }
  };
  net::co_spawn(executor_, drain(c, c->process->out(), logger_, "stdout", alive_), net::detached);
  net::co_spawn(executor_, drain(c, c->process->err(), logger_, "stderr", alive_), net::detached);
}

void ContainerSupervisor::terminate(const std::shared_ptr<Container>& c) {
  if (c->stopping) return;
  c->stopping = true;
  c->state = ContainerState::stopping;
  journal_->record("hosted_container", {{"action", "stop"}, {"key", c->launch.key}});
  if (c->backoff) c->backoff->cancel();
  if (!c->process || c->process->exit_status()) {
    if (!c->supervised) containers_.erase(c->launch.key);
    return;
  }
  c->process->signal(SIGTERM);
  // SIGKILL once the grace period is over, if it is still running (checked often, so a
  // stopping emulator does not wait out the whole grace period for a container that obeyed).
  auto kill_later = [](std::shared_ptr<Container> c, std::chrono::milliseconds grace,
                       std::shared_ptr<bool> alive) -> awaitable<void> {
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (*alive && c->process && !c->process->exit_status()) {
      if (std::chrono::steady_clock::now() >= deadline) {
        c->process->signal(SIGKILL);
        co_return;
      }
      co_await sleep_for(std::chrono::milliseconds(20));
    }
  };
  net::co_spawn(executor_, kill_later(c, options_.stop_grace, alive_), net::detached);
}

void ContainerSupervisor::stop(std::string_view key_prefix) {
  std::vector<std::shared_ptr<Container>> matching;
  for (auto& [key, container] : containers_)
    if (key.starts_with(key_prefix)) matching.push_back(container);
  for (auto& container : matching) terminate(container);
}

void ContainerSupervisor::stop_all() { stop(""); }

std::vector<ContainerStatus> ContainerSupervisor::status() const {
  std::vector<ContainerStatus> out;
  for (const auto& [key, c] : containers_) {
    const bool running = c->process && !c->process->exit_status();
    out.push_back({key, c->state, running ? static_cast<int>(c->process->pid()) : 0, c->restarts,
                   c->last_error});
  }
  return out;
}

}  // namespace toolauth::emulator
