#pragma once
// Options `toolauth up` and `toolauth exec` share: host, fixtures folder, admin key, the
// emulator's mcp_call error shape, logging.

#include <cxxopts.hpp>

#include "local_stack.h"

namespace toolauth::cli {

// --host, --fixtures-dir, --admin-key, --mcp-call-errors, --log-level (default
// `default_log_level`), --log-format and --help.
void add_stack_options(cxxopts::Options& options, const std::string& default_log_level);
// The stack options those flags set (ports and state folder are the caller's). Errors:
// core::Errc::invalid_argument for an --mcp-call-errors that is not string or structured.
core::Result<LocalStack::Options> stack_options(const cxxopts::ParseResult& args);

}  // namespace toolauth::cli
