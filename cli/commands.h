#pragma once
// The subcommands of the `toolauth` binary. Each parses its own options and returns the
// process exit code.

namespace toolauth::cli {

int run_idp(int argc, char** argv);
int run_mcp(int argc, char** argv);
int run_emulator(int argc, char** argv);
int run_certify(int argc, char** argv);
int run_up(int argc, char** argv);
int run_exec(int argc, char** argv);
int run_validate(int argc, char** argv);

}  // namespace toolauth::cli
