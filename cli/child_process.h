#pragma once
// A command run by `toolauth exec`: spawned with posix_spawnp (safe in a process whose
// io_context already runs on another thread, unlike fork), sharing stdin, stdout and stderr,
// with extra environment variables over the inherited ones.
//
//   auto child = ChildProcess::spawn({"npm", "test"}, {{"TOOLAUTH_READY_FILE", file}});
//   if (!child.ok()) ...;            // 127: not found, 126: not executable
//   int status = (*child)->wait();   // its exit code, or 128 + the signal that killed it
//
// Thread-safety: signal() may be called from any thread while another waits; it never reaches
// a process that was reaped (whose id the system may have given to another one).

#include <sys/types.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "toolauth/core/result.h"

namespace toolauth::cli {

class ChildProcess {
 public:
  // The exit statuses of a shell for a command that cannot run.
  static constexpr int kNotFound = 127;
  static constexpr int kNotExecutable = 126;

  // Errors: core::Errc::not_found (kNotFound), core::Errc::io_error (kNotExecutable or
  // another reason), with the command and the system's reason.
  static core::Result<std::unique_ptr<ChildProcess>> spawn(
      const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env);

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Sends `signal` to the command (a no-op once it has ended).
  void signal(int signal);
  // Blocks until the command ends: its exit code, or 128 + the number of the signal that
  // killed it. Call once.
  int wait();

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  std::mutex mutex_;
  pid_t pid_;  // -1 once the command ended (guarded by mutex_)
};

}  // namespace toolauth::cli
