#include "toolauth/conformance/exec_driver.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <csignal>
#include <deque>
#include <optional>
#include <set>

#include "toolauth/core/redact.h"
#include "toolauth/process/piped_process.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
using process::PipedProcess;
using namespace boost::asio::experimental::awaitable_operators;
constexpr auto use_tuple = boost::asio::as_tuple(use_awaitable);

// The last stderr lines quoted in the error of a command that exited.
constexpr std::size_t kStderrTail = 10;
// Secrets shorter than this are not redacted by value (they would blank ordinary words).
constexpr std::size_t kMinSecretLength = 8;

core::Error error(core::Errc code, std::string detail) {
  return {core::make_error_code(code), std::move(detail)};
}

core::Error unsupported() { return error(core::Errc::not_found, "unsupported"); }

// Every string under `value` (the credentials of a connection).
void collect_strings(const nlohmann::json& value, std::set<std::string>& out) {
  if (value.is_string()) {
    out.insert(value.get<std::string>());
  } else if (value.is_structured()) {
    for (const auto& item : value) collect_strings(item, out);
  }
}

// The secrets of one setup connection: its credentials and client secret.
void collect_connection_secrets(const nlohmann::json& connection, std::set<std::string>& out) {
  if (!connection.is_object()) return;
  if (connection.contains("credentials")) collect_strings(connection["credentials"], out);
  if (connection.contains("client_secret")) collect_strings(connection["client_secret"], out);
}

// {"ok":false,"error":"unsupported"}: the one refusal that means "skip".
bool is_unsupported(const nlohmann::json& answer) {
  return answer.value("ok", true) == false && answer.contains("error") &&
         answer["error"] == "unsupported";
}

}  // namespace

struct ExecDriver::State {
  ExecDriverOptions options;
  std::unique_ptr<PipedProcess> process;
  std::string out_buffer;  // stdout bytes not consumed yet
  std::set<std::string> secrets;
  std::set<std::string> late_ids;  // invokes that timed out; their answers are dropped
  // Concurrent invokes (e.g. three at once): one writes at a time and one reads at a time;
  // the reader parks the answers of the others, which wait for `turn` to be cancelled.
  std::set<std::string> waiting_ids;             // invokes sent and not yet answered
  std::map<std::string, nlohmann::json> parked;  // their answers, read by another invoke
  bool writing = false, reading = false;
  boost::asio::steady_timer turn;                     // cancelled whenever the above change
  std::optional<core::Error> broken;                  // once set, every call fails with it
  nlohmann::json evidence = nlohmann::json::array();  // since the last evidence()
  std::deque<std::string> stderr_tail;
  std::size_t stderr_dropped = 0;
  bool stderr_closed = false;
  boost::asio::steady_timer stderr_closed_signal;  // cancelled when stderr closes

  explicit State(boost::asio::any_io_executor executor)
      : turn(executor, boost::asio::steady_timer::time_point::max()),
        stderr_closed_signal(executor, boost::asio::steady_timer::time_point::max()) {}

  void pass_turn() {
    turn.cancel();
    turn.expires_at(boost::asio::steady_timer::time_point::max());
  }

  std::string redact(std::string text) const {
    for (const auto& secret : secrets) {
      if (secret.size() < kMinSecretLength) continue;
      for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
        text.replace(at, secret.size(), core::kRedacted);
    }
    return core::redact_text(text);
  }

  void note(const std::string& text) {
    evidence.push_back({{"source", "driver"}, {"note", redact(text)}});
  }

  void keep_stderr_line(std::string_view line) {
    auto redacted = redact(std::string(line));
    if (evidence.size() < kMaxStderrLines) {
      evidence.push_back({{"source", "stderr"}, {"line", redacted}});
    } else {
      ++stderr_dropped;
    }
    stderr_tail.push_back(std::move(redacted));
    if (stderr_tail.size() > kStderrTail) stderr_tail.pop_front();
  }

  std::string tail() const {
    std::string out;
    for (const auto& line : stderr_tail) out += "\n  " + line;
    return out.empty() ? "" : "; its stderr ended with:" + out;
  }
};

namespace {

awaitable<void> read_stderr(std::shared_ptr<ExecDriver::State> state) {
  std::string buffer;
  for (;;) {
    auto [ec, size] = co_await boost::asio::async_read_until(
        state->process->err(), boost::asio::dynamic_buffer(buffer, 64 * 1024), '\n', use_tuple);
    if (ec == boost::asio::error::not_found) {  // a line longer than the buffer: keep it cut
      state->keep_stderr_line(buffer + " [cut]");
      buffer.clear();
      continue;
    }
    if (ec) break;
    state->keep_stderr_line(std::string_view(buffer).substr(0, size - 1));
    buffer.erase(0, size);
  }
  if (!buffer.empty()) state->keep_stderr_line(buffer);
  state->stderr_closed = true;
  state->stderr_closed_signal.cancel();
}

// Waits at most `limit` for the command to end; its status, or nothing.
awaitable<std::optional<int>> wait_for_exit(ExecDriver::State& state,
                                            std::chrono::milliseconds limit) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, limit);
  auto ended = co_await (state.process->wait() || timer.async_wait(use_tuple));
  if (ended.index() == 0) co_return std::get<0>(ended);
  co_return std::nullopt;
}

// Waits (bounded) for the command's last stderr lines, so the evidence has them.
awaitable<void> drain_stderr(ExecDriver::State& state, std::chrono::milliseconds limit) {
  if (state.stderr_closed) co_return;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, limit);
  co_await (state.stderr_closed_signal.async_wait(use_tuple) || timer.async_wait(use_tuple));
}

// The command closed its stdout: it ended (or is about to). Every later call fails.
awaitable<core::Error> command_ended(ExecDriver::State& state) {
  auto status = co_await wait_for_exit(state, state.options.exit_grace);
  if (!status) {
    state.process->signal(SIGKILL);
    status = co_await state.process->wait();
  }
  co_await drain_stderr(state, state.options.exit_grace);
  state.broken = error(core::Errc::io_error,
                       "the command exited with status " + std::to_string(*status) + state.tail());
  state.note(state.broken->detail);
  co_return *state.broken;
}

// Waits until `state.turn` is passed or the deadline; false when the deadline came.
awaitable<bool> await_turn(ExecDriver::State& state, boost::asio::steady_timer& deadline) {
  auto woken = co_await (state.turn.async_wait(use_tuple) || deadline.async_wait(use_tuple));
  co_return woken.index() == 0;
}

// Sends `request` and reads the answer line, both within the answer timeout. `id` is the
// invoke's id: invokes may run concurrently, and an answer to another waiting invoke is
// parked for it; answers to timed-out ids are dropped, answers to unknown ids fail.
awaitable<core::Result<nlohmann::json>> exchange(ExecDriver::State& state,
                                                 const nlohmann::json& request,
                                                 const std::optional<std::string>& id) {
  if (state.broken) co_return *state.broken;
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer deadline(executor, state.options.answer_timeout);
  const std::string op = request.value("op", "");
  const std::string what = id ? "invoke " + *id : op;
  bool in_time = true;

  while (state.writing && in_time) in_time = co_await await_turn(state, deadline);
  if (state.broken) co_return *state.broken;
  if (in_time) {
    const std::string line = request.dump() + "\n";
    state.writing = true;
    auto written = co_await (
        boost::asio::async_write(state.process->in(), boost::asio::buffer(line), use_tuple) ||
        deadline.async_wait(use_tuple));
    state.writing = false;
    state.pass_turn();
    if (written.index() == 0 && std::get<0>(std::get<0>(written)))
      co_return co_await command_ended(state);
    if (written.index() == 1) {  // the command stopped reading; a half-written line is in its way
      state.broken = core::Error{std::make_error_code(std::errc::timed_out),
                                 "the command did not read " + what + "; it was stopped"};
      state.note(state.broken->detail);
      state.process->signal(SIGKILL);
      co_return *state.broken;
    }
  }
  if (id) state.waiting_ids.insert(*id);
  struct NoLongerWaiting {
    ExecDriver::State& state;
    const std::optional<std::string>& id;
    ~NoLongerWaiting() {
      if (id) state.waiting_ids.erase(*id);
    }
  } no_longer_waiting{state, id};

  while (in_time) {
    if (id) {
      if (auto it = state.parked.find(*id); it != state.parked.end()) {
        auto answer = std::move(it->second);
        state.parked.erase(it);
        co_return answer;
      }
    }
    if (state.broken) co_return *state.broken;
    if (state.reading) {
      in_time = co_await await_turn(state, deadline);
      continue;
    }
    state.reading = true;
    auto read = co_await (boost::asio::async_read_until(
                              state.process->out(),
                              boost::asio::dynamic_buffer(state.out_buffer, ExecDriver::kMaxLine),
                              '\n', use_tuple) ||
                          deadline.async_wait(use_tuple));
    state.reading = false;
    state.pass_turn();
    if (read.index() == 1) break;  // timed out
    auto [ec, size] = std::get<0>(read);
    if (ec == boost::asio::error::not_found) {
      state.broken = error(core::Errc::parse_error, "an answer line longer than " +
                                                        std::to_string(ExecDriver::kMaxLine) +
                                                        " bytes (to " + what + ")");
      state.process->signal(SIGKILL);
      co_return *state.broken;
    }
    if (ec) co_return co_await command_ended(state);
    std::string text = state.out_buffer.substr(0, size - 1);
    state.out_buffer.erase(0, size);
    if (!text.empty() && text.back() == '\r') text.pop_back();

    auto answer = nlohmann::json::parse(text, nullptr, false);
    if (answer.is_discarded() || !answer.is_object()) {
      state.note("not a JSON object (answering " + what + "): " + text.substr(0, 200));
      if (id) state.late_ids.insert(*id);  // should its real answer follow, it is dropped
      co_return error(core::Errc::parse_error, "the answer to " + what + " is not a JSON object");
    }
    const auto answer_id = answer.value("id", nlohmann::json());
    if (answer_id.is_string()) {
      const auto other = answer_id.get<std::string>();
      if (state.late_ids.erase(other) > 0) {
        state.note("dropped the late answer to invoke " + other);
        continue;
      }
      if (other != id && state.waiting_ids.contains(other)) {
        state.parked[other] = std::move(answer);
        state.pass_turn();
        continue;
      }
    }
    if (id && !is_unsupported(answer) && answer_id != *id) {
      state.late_ids.insert(*id);
      co_return error(core::Errc::parse_error,
                      "the answer to " + what + " carries id " + answer_id.dump());
    }
    co_return answer;
  }

  // Timed out. A late invoke answer can be recognised by its id and dropped; an answer to
  // hello, setup or restart cannot, so the stream is no longer trusted.
  const std::string detail = "no answer to " + what + " within " +
                             std::to_string(state.options.answer_timeout.count()) + " ms";
  state.note(detail);
  if (id) {
    state.late_ids.insert(*id);
  } else {
    state.broken = core::Error{std::make_error_code(std::errc::timed_out),
                               detail + "; the command was stopped"};
    state.process->signal(SIGKILL);
  }
  co_return core::Error{std::make_error_code(std::errc::timed_out), detail};
}

// {"ok":true,...} -> the answer; unsupported -> skip; another refusal -> invalid_argument.
core::Result<nlohmann::json> ok_answer(const nlohmann::json& answer, const std::string& op) {
  if (is_unsupported(answer)) return unsupported();
  if (answer.value("ok", nlohmann::json()) == true) return answer;
  if (answer.value("ok", nlohmann::json()) == false)
    return error(core::Errc::invalid_argument,
                 op + " refused: " + answer.value("error", nlohmann::json()).dump());
  return error(core::Errc::parse_error, "the answer to " + op + " has no \"ok\"");
}

// The text of an MCP CallToolResult's text contents, joined; nullopt when `result` is not one.
std::optional<std::string> call_tool_text(const nlohmann::json& result) {
  if (!result.is_object() || !result.contains("content") || !result["content"].is_array())
    return std::nullopt;
  std::string text;
  for (const auto& item : result["content"]) {
    if (item.is_object() && item.value("type", "") == "text" && item.contains("text") &&
        item["text"].is_string())
      text += item["text"].get<std::string>();
  }
  return text;
}

// What the tool answered, as the scenarios judge it (as the foundry driver does): MCP tools
// answer text, and JSON text (whoami, echo) is judged as JSON. A CallToolResult with isError
// is a failed tool call.
DriverAnswer tool_answer(const nlohmann::json& answer) {
  nlohmann::json output = answer["result"];
  if (auto text = call_tool_text(output)) {
    if (output.contains("isError") && output["isError"] == true)
      return ToolError{"tool_failed", *text, answer};
    output = *text;
  }
  if (output.is_string()) {
    auto parsed = nlohmann::json::parse(output.get<std::string>(), nullptr, false);
    if (!parsed.is_discarded()) output = std::move(parsed);
  }
  return ToolResult{std::move(output), answer};
}

// An op whose answer is just {"ok":true}.
awaitable<core::Result<void>> acknowledged(ExecDriver::State& state,
                                           const nlohmann::json& request) {
  const std::string op = request.value("op", "");
  auto answer = co_await exchange(state, request, std::nullopt);
  if (!answer.ok()) co_return answer.error();
  auto ok = ok_answer(*answer, op);
  if (!ok.ok()) co_return ok.error();
  co_return core::Result<void>{};
}

// Exactly one of result, consent, approval, error; `raw` is the whole answer line, so the
// scenarios that look for leaked secrets see everything the IUT sent back.
core::Result<DriverAnswer> invoke_answer(const nlohmann::json& answer, const std::string& id) {
  if (is_unsupported(answer)) return unsupported();
  const int shapes = answer.contains("result") + answer.contains("consent") +
                     answer.contains("approval") + answer.contains("error");
  if (shapes != 1)
    return error(core::Errc::parse_error, "the answer to invoke " + id +
                                              " has not exactly one of result, consent, "
                                              "approval, error");
  if (answer.contains("result")) return tool_answer(answer);
  if (answer.contains("consent")) {
    const auto& consent = answer["consent"];
    if (consent.is_object() && consent.contains("link") && consent["link"].is_string() &&
        !consent["link"].get<std::string>().empty())
      return DriverAnswer{ConsentRequired{consent["link"].get<std::string>(), answer}};
    return error(core::Errc::parse_error, "the consent of invoke " + id + " has no link");
  }
  if (answer.contains("approval")) {
    const auto& approval = answer["approval"];
    if (approval.is_object() && approval.contains("id") && approval["id"].is_string())
      return DriverAnswer{ApprovalRequired{approval["id"].get<std::string>(), answer}};
    return error(core::Errc::parse_error, "the approval of invoke " + id + " has no id");
  }
  const auto& failure = answer["error"];
  if (!failure.is_object() || !failure.contains("code") || !failure["code"].is_string())
    return error(core::Errc::parse_error, "the error of invoke " + id + " has no code");
  int status = 0;
  if (failure.contains("status")) {
    const auto& given = failure["status"];
    if (!given.is_number_integer() || given.get<std::int64_t>() < 100 ||
        given.get<std::int64_t>() > 599)
      return error(core::Errc::parse_error,
                   "the error status of invoke " + id + " is not an HTTP status");
    status = given.get<int>();
  }
  std::string message;
  if (failure.contains("message") && failure["message"].is_string())
    message = failure["message"].get<std::string>();
  return DriverAnswer{ToolError{failure["code"].get<std::string>(), message, answer, status}};
}

}  // namespace

core::Result<std::vector<std::string>> split_command_line(std::string_view command_line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < command_line.size(); ++i) {
    const char c = command_line[i];
    if (quote == '\'') {
      if (c == '\'')
        quote = 0;
      else
        word += c;
    } else if (c == '\\' && (quote == 0 || (i + 1 < command_line.size() &&
                                            std::string_view("\"\\$`").find(command_line[i + 1]) !=
                                                std::string_view::npos))) {
      if (++i == command_line.size())
        return error(core::Errc::invalid_argument, "the command line ends with a backslash");
      word += command_line[i];
      in_word = true;
    } else if (quote == '"') {
      if (c == '"')
        quote = 0;
      else
        word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::exchange(word, {}));
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0)
    return error(core::Errc::invalid_argument, "an unclosed quote in the command line");
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) return error(core::Errc::invalid_argument, "no command to run");
  return words;
}

core::Result<ExecDriverOptions> exec_driver_options(std::string_view command_line,
                                                    const std::string& ca_file) {
  ExecDriverOptions options;
  TOOLAUTH_ASSIGN_OR_RETURN(options.command, split_command_line(command_line));
  options.environment = {{"NODE_EXTRA_CA_CERTS", ca_file}, {"TOOLAUTH_CA_FILE", ca_file}};
  return options;
}

core::Result<std::unique_ptr<ExecDriver>> ExecDriver::start(boost::asio::any_io_executor executor,
                                                            ExecDriverOptions options) {
  auto state = std::make_shared<State>(executor);
  TOOLAUTH_ASSIGN_OR_RETURN(state->process,
                            PipedProcess::spawn(executor, options.command, options.environment));
  state->options = std::move(options);
  boost::asio::co_spawn(executor, read_stderr(state), boost::asio::detached);
  return std::unique_ptr<ExecDriver>(new ExecDriver(std::move(state)));
}

ExecDriver::~ExecDriver() {
  // The stderr reader ends at the EOF this causes; the state (and the process) goes with it.
  if (!state_->process->exit_status()) state_->process->signal(SIGKILL);
}

awaitable<core::Result<DriverHello>> ExecDriver::hello() {
  auto answer = co_await exchange(*state_, {{"op", "hello"}, {"version", kExecProtocolVersion}},
                                  std::nullopt);
  if (!answer.ok()) co_return answer.error();
  auto ok = ok_answer(*answer, "hello");
  if (!ok.ok()) co_return ok.error();
  DriverHello hello;
  const auto capabilities = ok->value("capabilities", nlohmann::json::array());
  if (!capabilities.is_array())
    co_return error(core::Errc::parse_error, "hello: capabilities is not an array");
  for (const auto& capability : capabilities) {
    if (!capability.is_string())
      co_return error(core::Errc::parse_error, "hello: a capability is not a string");
    hello.capabilities.insert(capability.get<std::string>());
  }
  hello.implementation = ok->value("implementation", nlohmann::json::object());
  co_return hello;
}

awaitable<core::Result<SetupAnswer>> ExecDriver::setup(const nlohmann::json& setup) {
  for (const auto& connection : setup.value("connections", nlohmann::json::array()))
    collect_connection_secrets(connection, state_->secrets);
  nlohmann::json line = setup;
  line["op"] = "setup";
  auto answer = co_await exchange(*state_, line, std::nullopt);
  if (!answer.ok()) co_return answer.error();
  auto ok = ok_answer(*answer, "setup");
  if (!ok.ok()) co_return ok.error();
  SetupAnswer setup_answer;
  const auto uris = ok->value("redirect_uris", nlohmann::json::array());
  if (!uris.is_array())
    co_return error(core::Errc::parse_error, "setup: redirect_uris is not an array");
  for (const auto& uri : uris) {
    if (!uri.is_string())
      co_return error(core::Errc::parse_error, "setup: a redirect URI is not a string");
    setup_answer.redirect_uris.push_back(uri.get<std::string>());
  }
  co_return setup_answer;
}

awaitable<core::Result<DriverAnswer>> ExecDriver::invoke(InvokeRequest request) {
  state_->secrets.insert(request.user.token);
  nlohmann::json line = {{"op", "invoke"},
                         {"id", request.id},
                         {"user", {{"token", request.user.token}}},
                         {"project", request.project},
                         {"connection", request.connection},
                         {"tool", request.tool},
                         {"arguments", request.arguments}};
  if (request.agent) line["agent"] = *request.agent;
  if (request.continues) line["continue"] = *request.continues;
  if (request.approve) line["approve"] = *request.approve;
  auto answer = co_await exchange(*state_, line, request.id);
  if (!answer.ok()) co_return answer.error();
  co_return invoke_answer(*answer, request.id);
}

awaitable<core::Result<void>> ExecDriver::reconfigure(const nlohmann::json& connection) {
  collect_connection_secrets(connection, state_->secrets);
  co_return co_await acknowledged(*state_, {{"op", "reconfigure"}, {"connection", connection}});
}

awaitable<core::Result<void>> ExecDriver::forget_consents(const DriverUser& user) {
  if (user.token.empty())
    co_return error(core::Errc::invalid_argument, "forget needs the user's token");
  state_->secrets.insert(user.token);
  co_return co_await acknowledged(*state_, {{"op", "forget"}, {"user", {{"token", user.token}}}});
}

awaitable<core::Result<void>> ExecDriver::restart() {
  co_return co_await acknowledged(*state_, {{"op", "restart"}});
}

awaitable<void> ExecDriver::bye() {
  auto& state = *state_;
  if (!state.process->exit_status()) {
    if (!state.broken) {
      const std::string line = nlohmann::json{{"op", "bye"}}.dump() + "\n";
      boost::asio::steady_timer deadline(co_await boost::asio::this_coro::executor,
                                         state.options.exit_grace);
      co_await (
          boost::asio::async_write(state.process->in(), boost::asio::buffer(line), use_tuple) ||
          deadline.async_wait(use_tuple));
    }
    boost::system::error_code ignored;
    state.process->in().close(ignored);
    auto status = co_await wait_for_exit(state, state.options.exit_grace);
    if (!status) {
      state.note("the command did not exit after bye; terminated");
      state.process->signal(SIGTERM);
      status = co_await wait_for_exit(state, state.options.exit_grace);
    }
    if (!status) {
      state.process->signal(SIGKILL);
      status = co_await state.process->wait();
    }
    if (*status != 0) state.note("the command exited with status " + std::to_string(*status));
  }
  co_await drain_stderr(state, state.options.exit_grace);
  if (!state.broken) state.broken = error(core::Errc::io_error, "the run ended (bye)");
}

nlohmann::json ExecDriver::evidence() {
  if (state_->stderr_dropped > 0) {
    state_->evidence.push_back(
        {{"source", "driver"},
         {"note", std::to_string(state_->stderr_dropped) + " more stderr lines were dropped"}});
    state_->stderr_dropped = 0;
  }
  return std::exchange(state_->evidence, nlohmann::json::array());
}

}  // namespace toolauth::conformance
