#pragma once
// Starting a command, as PipedProcess and `toolauth exec` both do: posix_spawnp (safe in a
// process whose io_context runs on another thread, unlike fork), with every signal unblocked
// and at its default action whatever this process (and its io_context's signal_set) did with
// them.

#include <spawn.h>
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "toolauth/core/result.h"

namespace toolauth::process {

// "NAME=value" strings: the inherited environment with `extra` set over it.
std::vector<std::string> environment_with(const std::map<std::string, std::string>& extra);

// Starts argv[0] (looked up on PATH) with `environment` ("NAME=value" strings) and `actions`
// (null: none); its process id. Errors: core::Errc::not_found (no such command),
// core::Errc::io_error with the system's reason.
core::Result<pid_t> spawn_command(const std::vector<std::string>& argv,
                                  const std::vector<std::string>& environment,
                                  const posix_spawn_file_actions_t* actions = nullptr);

// The exit status of a command whose wait status is `status` (as waitpid reports it): its
// exit code, or 128 + the number of the signal that killed it.
int exit_status_of(int status);

}  // namespace toolauth::process
