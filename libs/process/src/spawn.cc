#include "toolauth/process/spawn.h"

#include <sys/wait.h>

#include <csignal>
#include <cstring>
#include <string_view>

extern char** environ;

namespace toolauth::process {

namespace {

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::vector<std::string> environment_with(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    if (!extra.contains(std::string(text.substr(0, text.find('='))))) entries.emplace_back(text);
  }
  for (const auto& [name, value] : extra) entries.push_back(name + "=" + value);
  return entries;
}

core::Result<pid_t> spawn_command(const std::vector<std::string>& argv,
                                  const std::vector<std::string>& environment,
                                  const posix_spawn_file_actions_t* actions) {
  if (argv.empty())
    return core::Error{core::make_error_code(core::Errc::invalid_argument), "no command to run"};
  auto arguments = argv;
  auto variables = environment;
  auto c_arguments = c_strings(arguments);
  auto c_environment = c_strings(variables);

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int failed = posix_spawnp(&pid, c_arguments[0], actions, &attributes, c_arguments.data(),
                                  c_environment.data());
  posix_spawnattr_destroy(&attributes);
  if (failed == ENOENT)
    return core::Error{core::make_error_code(core::Errc::not_found),
                       argv[0] + ": command not found"};
  if (failed != 0)
    return core::Error{core::make_error_code(core::Errc::io_error),
                       argv[0] + ": " + std::strerror(failed)};
  return pid;
}

int exit_status_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace toolauth::process
