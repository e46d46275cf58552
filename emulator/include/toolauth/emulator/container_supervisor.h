#pragma once
// Runs hosted agents' containers: local commands speaking the hosted-agent container contract
// (reference/foundry-agent-service.md §6.1) on a loopback port.
//
//   auto url = co_await supervisor.ready(launch);   // "http://127.0.0.1:<PORT>" once ready
//
// - ready() starts the container on first use (PORT = a free loopback port, over the launch's
//   environment) and waits for `GET /readiness` to answer 200. Process start-up is the one
//   place where real time counts: the wait is bounded (readiness_timeout) and polls every
//   readiness_interval. Concurrent ready()s of one container share one start.
// - A container that exits (crash or not) while it is ready is restarted after a backoff
//   (restart_backoff, doubled per consecutive failure, capped at 8 s); after max_restarts
//   consecutive failures it is `failed` and ready() answers the last reason at once. The next
//   ready() after a failure starts it afresh (a new request is a new attempt).
// - stop(prefix) sends SIGTERM to the containers whose key starts with `prefix` (an agent's,
//   a version's), SIGKILL after stop_grace; stop_all() on emulator stop. The destructor waits
//   (bounded by stop_grace) for what is still running, then kills it: no orphan, no zombie.
// - The container's stdout and stderr are drained into the logger (debug, component
//   "hosted"); it gets no other descriptor of the emulator (PipedProcess closes them).
//
// Threading: the server's io_context thread.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "toolauth/core/log.h"
#include "toolauth/core/result.h"
#include "toolauth/http/client.h"
#include "toolauth/service/journal.h"

namespace toolauth::emulator {

struct ContainerLaunch {
  std::string key;  // "<project>/<agent>/<version>/<session>": one container per key
  std::vector<std::string> argv;
  // The container's whole environment (nothing of the emulator's own is inherited); PORT is
  // added per start.
  std::map<std::string, std::string> environment;
};

struct ContainerSupervisorOptions {
  std::chrono::milliseconds readiness_timeout{30'000};
  std::chrono::milliseconds readiness_interval{50};
  int max_restarts = 5;
  std::chrono::milliseconds restart_backoff{250};
  std::chrono::milliseconds stop_grace{5'000};
};

enum class ContainerState { starting, ready, backoff, failed, stopping };
std::string_view to_string(ContainerState state);

struct ContainerStatus {
  std::string key;
  ContainerState state = ContainerState::starting;
  int pid = 0;  // 0 when no process runs
  int restarts = 0;
  std::string last_error;
};

class ContainerSupervisor {
 public:
  // The client (for readiness probes), journal and logger must outlive the supervisor.
  ContainerSupervisor(boost::asio::any_io_executor executor, http::Client& client,
                      service::Journal& journal, core::Logger logger,
                      ContainerSupervisorOptions options = {});
  ~ContainerSupervisor();
  ContainerSupervisor(const ContainerSupervisor&) = delete;
  ContainerSupervisor& operator=(const ContainerSupervisor&) = delete;

  // The container's base URL once it is ready. Errors (core::Errc::unavailable): the command
  // cannot be run, did not become ready in time, or failed max_restarts times in a row; the
  // message says which (never a secret: it names the command and the exit status).
  boost::asio::awaitable<core::Result<std::string>> ready(ContainerLaunch launch);
  void stop(std::string_view key_prefix);
  void stop_all();
  std::vector<ContainerStatus> status() const;

  struct Container;

 private:
  boost::asio::awaitable<void> supervise(std::shared_ptr<Container> container);
  boost::asio::awaitable<bool> probe(std::shared_ptr<Container> container);
  void spawn_drain(std::shared_ptr<Container> container);
  void terminate(const std::shared_ptr<Container>& container);

  boost::asio::any_io_executor executor_;
  http::Client* client_;
  service::Journal* journal_;
  core::Logger logger_;
  ContainerSupervisorOptions options_;
  std::map<std::string, std::shared_ptr<Container>, std::less<>> containers_;
  // Cleared by the destructor: coroutines still queued then find it false and touch nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace toolauth::emulator
