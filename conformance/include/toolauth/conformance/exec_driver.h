#pragma once
// Driver `exec`: runs a command once (without a shell) and speaks JSON lines with it, version 1
// of the protocol in DESIGN.md "The exec driver protocol", so platforms of any shape can be
// certified through a small adapter. One request per line on the command's stdin, one answer
// per line on its stdout; stderr is kept, redacted, as evidence.
//
//   -> {"op":"hello","version":1}
//   <- {"ok":true,"capabilities":["restart",...],"implementation":{...}}
//   -> {"op":"setup","world":{...},"connections":[...]}
//   <- {"ok":true,"redirect_uris":["http://127.0.0.1:PORT/callback"]?}
//   -> {"op":"invoke","id":"7","user":{"token":"..."},"project":"alpha","connection":"c",
//       "agent":"a"?,"tool":"whoami","arguments":{},"continue":"6"?,"approve":true?}
//   <- {"id":"7","result":{...}} | {"id":"7","consent":{"link":"..."}}
//      | {"id":"7","approval":{"id":"..."}}
//      | {"id":"7","error":{"code":"...","message":"...","status":403?}}
//   -> {"op":"reconfigure","connection":{...}}  <- {"ok":true}  (capability "reconfigure")
//   -> {"op":"forget","user":{"token":"..."}}   <- {"ok":true}
//   -> {"op":"restart"}  <- {"ok":true}      (capability "restart")
//   -> {"op":"bye"}      (no answer; the command should exit)
// Extensions of DESIGN.md's version 1 (an adapter without them answers "unsupported"):
//   - setup answer `redirect_uris`: the IUT's OAuth callback URLs, which the suite registers at
//     mock-idp for the connections' client.
//   - invoke `project` (always) and `agent` (optional): connection names are unique only
//     within a project.
//   - invoke `approve` (with `continue`): the user's decision on the approval that the earlier
//     invoke answered with `approval` (the agent requires approval; capability "approvals").
//     The approval's `id` is opaque evidence.
//   - error `status` (optional): the HTTP status of the IUT's own answer, when it has one
//     (e.g. 500 for a declined consent is a finding); an integer 100..599.
//   - reconfigure: replace one setup connection (same project and name), e.g. a rotated key.
//   - forget: drop every delegated token the IUT holds for the user of that token (every
//     connection and project), as if the user had revoked their consents, so scenarios start
//     from "never consented". An IUT that cannot answers "unsupported" (those scenarios skip).
// `result` is what the tool answered: any JSON value, or the MCP CallToolResult itself. The
// output judged is its text (the text contents joined), parsed when it is JSON (whoami, echo);
// a CallToolResult with "isError": true is a failed tool call (ToolError "tool_failed").
// Every answer keeps the whole answer line as `raw` (what a leaked secret is looked for in).
//
// Answers and failures:
//   - {"ok":false,"error":"unsupported"} (to any op) -> core::Errc::not_found "unsupported":
//     the runner's skip. Another {"ok":false,...} -> core::Errc::invalid_argument.
//   - A line that is not a JSON object, or lacks the fields of its answer, and an invoke answer
//     for another id -> core::Errc::parse_error.
//   - No answer within answer_timeout -> std::errc::timed_out. A late invoke answer is dropped
//     (noted in the evidence); after a timeout of another op the stream cannot be trusted, so
//     the command is stopped and every later call fails.
//   - The command exiting (stdout closed) -> core::Errc::io_error with its exit status and the
//     tail of its stderr; every later call fails the same way.
// Evidence: [{"source":"stderr","line":...} | {"source":"driver","note":...}], redacted by
// shape (core::redact_text) and by value (every user token sent and every secret of the setup
// and reconfigured connections).
// Threading: coroutines on the executor given to start(). Invokes may run concurrently (their
// answers are matched by id, in any order); other ops run one at a time.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/conformance/driver.h"

namespace toolauth::conformance {

inline constexpr int kExecProtocolVersion = 1;

struct ExecDriverOptions {
  std::vector<std::string> command;  // argv; run without a shell
  // Set over the inherited environment (e.g. NODE_EXTRA_CA_CERTS = the local CA).
  std::map<std::string, std::string> environment;
  std::chrono::milliseconds answer_timeout{std::chrono::seconds(30)};
  // bye() waits this long for the command to exit before it is terminated.
  std::chrono::milliseconds exit_grace{std::chrono::seconds(5)};
};

// `toolauth certify --driver exec --target CMD`: CMD is a command line, split into argv as a
// POSIX shell splits words but without any expansion (blanks separate words; '...', "..." and
// backslash quote). The command gets the local CA in NODE_EXTRA_CA_CERTS (added to Node's
// roots) and TOOLAUTH_CA_FILE (for adapters in other languages). Errors:
// core::Errc::invalid_argument (empty, an unclosed quote, a trailing backslash).
core::Result<std::vector<std::string>> split_command_line(std::string_view command_line);
core::Result<ExecDriverOptions> exec_driver_options(std::string_view command_line,
                                                    const std::string& ca_file);

class ExecDriver final : public Driver {
 public:
  // Longest answer line accepted (a longer one is a protocol error).
  static constexpr std::size_t kMaxLine = 4 * 1024 * 1024;
  // stderr lines kept for evidence; older ones are dropped (and counted).
  static constexpr std::size_t kMaxStderrLines = 200;

  // Starts the command. Errors: core::Errc::not_found (no such command), core::Errc::io_error.
  static core::Result<std::unique_ptr<ExecDriver>> start(boost::asio::any_io_executor executor,
                                                         ExecDriverOptions options);
  ~ExecDriver() override;

  boost::asio::awaitable<core::Result<DriverHello>> hello() override;
  boost::asio::awaitable<core::Result<SetupAnswer>> setup(const nlohmann::json& setup) override;
  boost::asio::awaitable<core::Result<void>> reconfigure(const nlohmann::json& connection) override;
  boost::asio::awaitable<core::Result<DriverAnswer>> invoke(InvokeRequest request) override;
  // Errors: core::Errc::invalid_argument without a token (the protocol names users by token).
  boost::asio::awaitable<core::Result<void>> forget_consents(const DriverUser& user) override;
  boost::asio::awaitable<core::Result<void>> restart() override;
  boost::asio::awaitable<void> bye() override;
  nlohmann::json evidence() override;

  struct State;  // shared with the stderr reader, which may outlive the driver briefly

 private:
  explicit ExecDriver(std::shared_ptr<State> state) : state_(std::move(state)) {}

  std::shared_ptr<State> state_;
};

}  // namespace toolauth::conformance
