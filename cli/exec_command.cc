// toolauth exec -- COMMAND...: the stack on free ports for the length of one command, the
// one-line way to use toolauth as a CI test backend. COMMAND gets the client environment of
// the ready document plus TOOLAUTH_READY_FILE (the full document, 0600, in a private temporary
// folder); exec exits with COMMAND's status, or 128 + the signal that killed it. Its own
// failures exit 125, so they cannot pass for the command's.

#include <stdlib.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>
#include <cstring>
#include <future>
#include <iostream>
#include <mutex>
#include <thread>

#include "child_process.h"
#include "client_environment.h"
#include "commands.h"
#include "common_options.h"
#include "local_stack.h"
#include "stack_options.h"
#include "toolauth/service/ready.h"

namespace toolauth::cli {

namespace {

constexpr int kExecFailed = 125;
// How long the servers get to close after the command ended before the loop is stopped.
constexpr std::chrono::seconds kStopGrace{10};

// A folder only this user can read (mkdtemp creates it 0700), removed with everything in it.
class PrivateTemporaryFolder {
 public:
  static core::Result<PrivateTemporaryFolder> create() {
    auto pattern = (std::filesystem::temp_directory_path() / "toolauth-exec-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      return core::Error{core::Errc::io_error, pattern + ": " + std::strerror(errno)};
    return PrivateTemporaryFolder(pattern);
  }
  PrivateTemporaryFolder(PrivateTemporaryFolder&& other) noexcept
      : path_(std::exchange(other.path_, {})) {}
  PrivateTemporaryFolder& operator=(PrivateTemporaryFolder&&) = delete;
  ~PrivateTemporaryFolder() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit PrivateTemporaryFolder(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// Passes SIGINT, SIGTERM and SIGHUP on to the command, so it can end (and report) in its own
// way; a signal before the command started is held and passed on once it has.
class SignalForwarder {
 public:
  explicit SignalForwarder(boost::asio::io_context& io) : signals_(io, SIGINT, SIGTERM, SIGHUP) {
    wait();
  }
  void forward_to(ChildProcess* child) {
    std::lock_guard lock(mutex_);
    child_ = child;
    if (child_ && held_ != 0) child_->signal(held_);
  }
  void cancel() { signals_.cancel(); }

 private:
  void wait() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      {
        std::lock_guard lock(mutex_);
        if (child_) {
          child_->signal(signal);
        } else {
          held_ = signal;
        }
      }
      wait();
    });
  }

  boost::asio::signal_set signals_;
  std::mutex mutex_;
  ChildProcess* child_ = nullptr;  // guarded by mutex_
  int held_ = 0;                   // guarded by mutex_
};

}  // namespace

int run_exec(int argc, char** argv) {
  // Everything after "--" is the command, untouched by option parsing.
  int split = 1;
  while (split < argc && std::strcmp(argv[split], "--") != 0) ++split;
  std::vector<std::string> command(argv + std::min(split + 1, argc), argv + argc);

  cxxopts::Options options("toolauth exec",
                           "runs COMMAND against mock-idp, mock-mcp and the emulator on free "
                           "ports; exits with COMMAND's status");
  options.custom_help("[options] -- COMMAND [ARGS...]");
  add_stack_options(options, "warn");
  auto parsed = parse_arguments(options, split, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code == 0 ? 0 : kExecFailed;
  const auto& args = std::get<cxxopts::ParseResult>(parsed);
  if (command.empty()) {
    std::cerr << "toolauth exec: no command; usage: toolauth exec [options] -- COMMAND [ARGS...]\n";
    return kExecFailed;
  }

  auto folder = PrivateTemporaryFolder::create();
  if (!folder.ok()) {
    std::cerr << "toolauth exec: " << folder.error().message() << "\n";
    return kExecFailed;
  }
  boost::asio::io_context io(1);
  core::SystemClock clock;
  auto logger = make_logger(args, clock);
  if (!logger) return kExecFailed;
  auto options_set = stack_options(args);
  if (!options_set.ok()) {
    std::cerr << "toolauth exec: " << options_set.error().message() << "\n";
    return kExecFailed;
  }
  auto o = std::move(*options_set);
  o.state_dir = folder->path() / "state";
  o.idp_port = o.idp_mi_port = o.mcp_port = o.emulator_port = 0;
  o.emulator_http_port = 0;
  o.logger = *logger;
  auto stack = LocalStack::start(io.get_executor(), clock, o);
  if (!stack.ok()) {
    std::cerr << "toolauth exec: " << stack.error().message() << "\n";
    return kExecFailed;
  }
  const auto ready_file = folder->path() / "ready.json";
  if (auto written =
          service::write_ready_file(ready_file, stamped_ready_document((*stack)->ready_document()));
      !written.ok()) {
    std::cerr << "toolauth exec: " << written.error().message() << "\n";
    return kExecFailed;
  }
  auto env = client_environment((*stack)->ready_document());
  env["TOOLAUTH_READY_FILE"] = ready_file.string();

  SignalForwarder forwarder(io);
  std::promise<void> stopped;
  std::thread loop([&] {
    io.run();
    stopped.set_value();
  });

  int status = kExecFailed;
  auto child = ChildProcess::spawn(command, env);
  if (child.ok()) {
    forwarder.forward_to(child->get());
    status = (*child)->wait();
    forwarder.forward_to(nullptr);
  } else {
    std::cerr << "toolauth exec: " << child.error().detail << "\n";
    status = child.error().code == core::Errc::not_found ? ChildProcess::kNotFound
                                                         : ChildProcess::kNotExecutable;
  }

  boost::asio::post(io, [&] {
    forwarder.cancel();
    (*stack)->stop();
  });
  if (stopped.get_future().wait_for(kStopGrace) != std::future_status::ready) {
    logger->warn("the servers did not close in time; stopping anyway");
    io.stop();
  }
  loop.join();
  return status;
}

}  // namespace toolauth::cli
