#pragma once
// Free TCP ports picked before a server starts, for `toolauth up` and `exec` with port 0.
//
// The three servers name each other in their fixtures (the IdP's redirect URIs and App ID
// URIs point at the emulator and mock-mcp, mock-mcp's issuers at the IdP), so every URL must
// be known before the first server loads its fixtures. A port found free here can still be
// taken by another process before the server binds it: the caller starts over on bind_failed.

#include <cstdint>
#include <string>

#include "toolauth/core/result.h"

namespace toolauth::cli {

// A port free on every address `host` binds ("localhost": 127.0.0.1 and ::1; else the IP
// address itself). Errors: core::Errc::io_error when no such port is found.
core::Result<std::uint16_t> pick_free_port(const std::string& host);

}  // namespace toolauth::cli
