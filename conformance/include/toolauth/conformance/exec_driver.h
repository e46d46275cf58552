#pragma once
// Driver `exec` (not implemented yet): runs a command once and speaks JSON lines with it,
// version 1 of the protocol in DESIGN.md "The exec driver protocol", so platforms of any shape
// can be certified through a small adapter. One request per line on the command's stdin, one
// answer per line on its stdout; stderr is kept (redacted) as evidence.
//
//   -> {"op":"hello","version":1}
//   <- {"ok":true,"capabilities":["restart",...],"implementation":{...}}
//   -> {"op":"setup","world":{...},"connections":[...]}               <- {"ok":true}
//   -> {"op":"invoke","id":"7","user":{"token":"..."},"connection":"c","tool":"whoami",
//       "arguments":{},"continue":"6"?}
//   <- {"id":"7","result":{...}} | {"id":"7","consent":{"link":"..."}}
//      | {"id":"7","error":{"code":"...","message":"..."}}
//   -> {"op":"restart"}  <- {"ok":true}      (capability "restart")
//   -> {"op":"bye"}      (no answer; the command should exit)
// An answer {"ok":false,"error":"unsupported"} maps to a skip. A line that is not JSON, an
// answer to another id, or no answer within the timeout fails the scenario; the command
// exiting fails every remaining scenario (with its exit status and stderr as evidence).

#include <chrono>
#include <string>
#include <vector>

#include "toolauth/conformance/driver.h"

namespace toolauth::conformance {

inline constexpr int kExecProtocolVersion = 1;

struct ExecDriverOptions {
  std::vector<std::string> command;  // argv; run without a shell
  std::chrono::seconds answer_timeout{30};
};

}  // namespace toolauth::conformance
