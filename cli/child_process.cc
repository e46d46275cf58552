#include "child_process.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "toolauth/process/spawn.h"

namespace toolauth::cli {

core::Result<std::unique_ptr<ChildProcess>> ChildProcess::spawn(
    const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env) {
  auto pid = process::spawn_command(argv, process::environment_with(extra_env));
  if (!pid.ok()) return pid.error();
  return std::unique_ptr<ChildProcess>(new ChildProcess(*pid));
}

void ChildProcess::signal(int signal) {
  std::lock_guard lock(mutex_);
  if (pid_ > 0) ::kill(pid_, signal);
}

int ChildProcess::wait() {
  pid_t pid;
  {
    std::lock_guard lock(mutex_);
    pid = pid_;
  }
  // Wait without reaping, forget the id under the lock, then reap: a signal() racing with the
  // end either reaches the (zombie) command or nothing, never a stranger given the same id.
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) < 0) {
    if (errno != EINTR) return 1;
  }
  {
    std::lock_guard lock(mutex_);
    pid_ = -1;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 1;
  }
  return process::exit_status_of(status);
}

}  // namespace toolauth::cli
