#include "toolauth/process/piped_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>
#include <string_view>

#include "toolauth/process/spawn.h"

namespace toolauth::process {

namespace {

core::Error system_error(std::string_view what, int error) {
  return {core::make_error_code(core::Errc::io_error),
          std::string(what) + ": " + std::strerror(error)};
}

// Both ends close on exec; posix_spawn's dup2 gives the command its own copies.
struct Pipe {
  int read = -1;
  int write = -1;
  ~Pipe() {
    if (read >= 0) ::close(read);
    if (write >= 0) ::close(write);
  }
  int release_read() { return std::exchange(read, -1); }
  int release_write() { return std::exchange(write, -1); }
};

bool open_pipe(Pipe& pipe) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  pipe.read = fds[0];
  pipe.write = fds[1];
  return true;
}

}  // namespace

core::Result<std::unique_ptr<PipedProcess>> PipedProcess::spawn(
    boost::asio::any_io_executor executor, const std::vector<std::string>& argv,
    const std::map<std::string, std::string>& env, Environment mode) {
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { std::signal(SIGPIPE, SIG_IGN); });

  std::array<Pipe, 3> pipes;  // stdin, stdout, stderr
  for (auto& pipe : pipes)
    if (!open_pipe(pipe)) return system_error("pipe", errno);

  std::vector<std::string> environment;
  if (mode == Environment::inherit) {
    environment = environment_with(env);
  } else {
    for (const auto& [name, value] : env) environment.push_back(name + "=" + value);
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipes[0].read, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipes[1].write, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipes[2].write, STDERR_FILENO);
  // Descriptors this process opened without O_CLOEXEC (Asio's sockets among them: listeners,
  // client connections) must not leak into the command.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  auto spawned = spawn_command(argv, environment, &actions);
  posix_spawn_file_actions_destroy(&actions);
  if (!spawned.ok()) return spawned.error();
  const pid_t pid = *spawned;

  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    const int error = errno;
    ::kill(pid, SIGKILL);
    int ignored = 0;
    ::waitpid(pid, &ignored, 0);
    return system_error("pidfd_open", error);
  }
  return std::unique_ptr<PipedProcess>(
      new PipedProcess(executor, pid, pidfd, pipes[0].release_write(), pipes[1].release_read(),
                       pipes[2].release_read()));
}

PipedProcess::PipedProcess(boost::asio::any_io_executor executor, pid_t pid, int pidfd, int in,
                           int out, int err)
    : pid_(pid),
      pidfd_(executor, pidfd),
      in_(executor, in),
      out_(executor, out),
      err_(executor, err) {}

PipedProcess::~PipedProcess() {
  if (!status_) {
    signal(SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

void PipedProcess::signal(int signal) {
  // Through the pidfd: it names this command even after its id was given to another one.
  if (!status_) ::syscall(SYS_pidfd_send_signal, pidfd_.native_handle(), signal, nullptr, 0);
}

bool PipedProcess::reap_if_ended() {
  if (status_) return true;
  int status = 0;
  pid_t reaped;
  do {
    reaped = ::waitpid(pid_, &status, WNOHANG);
  } while (reaped < 0 && errno == EINTR);
  if (reaped == 0) return false;
  status_ = reaped == pid_ ? exit_status_of(status) : 1;
  return true;
}

boost::asio::awaitable<int> PipedProcess::wait() {
  while (!reap_if_ended()) {
    boost::system::error_code ec;
    co_await pidfd_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                               boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    // Cancelled: by a caller that stopped waiting, or because this object is being destroyed
    // (its pidfd closed), in which case `this` must not be touched again.
    if (ec == boost::asio::error::operation_aborted) co_return kWaitCancelled;
  }
  co_return *status_;
}

}  // namespace toolauth::process
