#include "child_process.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

extern char** environ;

namespace toolauth::cli {

namespace {

// "NAME=value" strings: the inherited environment with `extra` set over it.
std::vector<std::string> environment_with(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto name = text.substr(0, text.find('='));
    if (!extra.contains(std::string(name))) entries.emplace_back(text);
  }
  for (const auto& [name, value] : extra) entries.push_back(name + "=" + value);
  return entries;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

int exit_status_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

core::Result<std::unique_ptr<ChildProcess>> ChildProcess::spawn(
    const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env) {
  if (argv.empty()) return core::Error{core::Errc::invalid_argument, "no command to run"};
  auto arguments = argv;
  auto environment = environment_with(extra_env);
  auto c_arguments = c_strings(arguments);
  auto c_environment = c_strings(environment);

  // The command starts with every signal unblocked and at its default action, whatever this
  // process (and its io_context's signal_set) did with them.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int failed = posix_spawnp(&pid, c_arguments[0], nullptr, &attributes, c_arguments.data(),
                                  c_environment.data());
  posix_spawnattr_destroy(&attributes);
  if (failed == ENOENT) return core::Error{core::Errc::not_found, argv[0] + ": command not found"};
  if (failed != 0) return core::Error{core::Errc::io_error, argv[0] + ": " + std::strerror(failed)};
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid));
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
  return exit_status_of(status);
}

}  // namespace toolauth::cli
