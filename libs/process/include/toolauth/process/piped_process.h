#pragma once
// A command run with its stdin, stdout and stderr on pipes this process reads and writes
// asynchronously (the exec driver's IUT). Spawned with posix_spawnp, without a shell, with
// extra environment variables over the inherited ones; its end is awaited through a pidfd, so
// signals never reach a process id the system gave to someone else.
//
//   auto child = PipedProcess::spawn(executor, {"node", "adapter.mjs"}, {{"NAME", "value"}});
//   co_await boost::asio::async_write(child->in(), ...);
//   co_await boost::asio::async_read_until(child->out(), ...);
//   int status = co_await child->wait();   // exit code, or 128 + the killing signal
//
// The command gets no other descriptor of this process (everything above stderr is closed).
// Spawning ignores SIGPIPE in this process (once): a write to a command that exited must be
// an error (EPIPE), not the end of the suite. The command starts with default signal actions.
// Lifecycle: the destructor kills (SIGKILL) and reaps a command still running.
// Threading: the executor's one thread.

#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/core/result.h"

namespace toolauth::process {

class PipedProcess {
 public:
  // Errors: core::Errc::not_found (no such command), core::Errc::invalid_argument (empty
  // argv), core::Errc::io_error (the system's reason).
  // `inherit`: the command gets this process's environment with `env` set over it; `only`:
  // exactly `env` (a hosted agent's container must not see the emulator's secrets).
  enum class Environment { inherit, only };
  static core::Result<std::unique_ptr<PipedProcess>> spawn(
      boost::asio::any_io_executor executor, const std::vector<std::string>& argv,
      const std::map<std::string, std::string>& env, Environment mode = Environment::inherit);

  ~PipedProcess();
  PipedProcess(const PipedProcess&) = delete;
  PipedProcess& operator=(const PipedProcess&) = delete;

  boost::asio::writable_pipe& in() { return in_; }
  boost::asio::readable_pipe& out() { return out_; }
  boost::asio::readable_pipe& err() { return err_; }
  pid_t pid() const { return pid_; }

  // Sends `signal` (a no-op once the command was reaped).
  void signal(int signal);
  // Waits for the command to end and reaps it: its exit code, or 128 + the signal that killed
  // it. Later calls return the same status at once. kWaitCancelled when the wait was cancelled
  // or this object destroyed meanwhile (the command is then not reaped by this call).
  static constexpr int kWaitCancelled = -1;
  boost::asio::awaitable<int> wait();
  // The status once wait() reaped it.
  std::optional<int> exit_status() const { return status_; }
  // Reaps the command if it has ended, without waiting: its status, or nullopt while it runs.
  std::optional<int> try_wait() { return reap_if_ended() ? status_ : std::nullopt; }

 private:
  PipedProcess(boost::asio::any_io_executor executor, pid_t pid, int pidfd, int in, int out,
               int err);
  bool reap_if_ended();

  pid_t pid_;
  boost::asio::posix::stream_descriptor pidfd_;  // readable once the command ended
  boost::asio::writable_pipe in_;
  boost::asio::readable_pipe out_;
  boost::asio::readable_pipe err_;
  std::optional<int> status_;
};

}  // namespace toolauth::process
