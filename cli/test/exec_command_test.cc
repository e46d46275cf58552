// `toolauth exec -- COMMAND...` in-process: the whole stack starts on free ports for each run,
// COMMAND sees the client environment and the ready file, and exec exits with its status.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>

#include "commands.h"
#include "toolauth/core/random.h"

namespace toolauth::cli {
namespace {

int exec(std::vector<std::string> args) {
  args.insert(args.begin(), "exec");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  return run_exec(static_cast<int>(argv.size()), argv.data());
}

class ExecCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("exec-test-" + core::random_hex(8));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string read(const std::string& name) {
    std::ifstream in(dir_ / name);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  std::filesystem::path dir_;
};

TEST_F(ExecCommandTest, CommandSeesTheEnvironmentAndAPrivateReadyFile) {
  // The ready file is 0600 and holds the world; the variables are the ready document's.
  const std::string script = "out='" + (dir_ / "seen").string() + "'\n" + R"sh(
    echo "$TOOLAUTH_READY_FILE" > "$out"
    test "$(stat -c %a "$TOOLAUTH_READY_FILE")" = 600 || exit 11
    grep -q '"world"' "$TOOLAUTH_READY_FILE" || exit 12
    grep -q "$TOOLAUTH_EMULATOR_URL" "$TOOLAUTH_READY_FILE" || exit 13
    test -f "$NODE_EXTRA_CA_CERTS" || exit 14
    test -n "$IDENTITY_HEADER" || exit 15
    case "$IDENTITY_ENDPOINT" in http://localhost:*/msi/token) ;; *) exit 16 ;; esac
    case "$TOOLAUTH_IDP_URL" in https://localhost:*) ;; *) exit 17 ;; esac
    exit 0)sh";
  EXPECT_EQ(exec({"--", "/bin/sh", "-c", script}), 0);
  // The temporary folder, ready file and state included, is gone afterwards.
  std::string ready_file = read("seen");
  ASSERT_FALSE(ready_file.empty());
  ready_file.pop_back();
  EXPECT_FALSE(std::filesystem::exists(ready_file)) << ready_file;
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(ready_file).parent_path()));
}

TEST_F(ExecCommandTest, ExitsWithTheCommandsStatusOr128PlusItsSignal) {
  EXPECT_EQ(exec({"--", "/bin/sh", "-c", "exit 7"}), 7);
  EXPECT_EQ(exec({"--log-level", "error", "--", "/bin/sh", "-c", "kill -TERM $$"}), 128 + 15);
}

TEST_F(ExecCommandTest, SigtermToExecReachesTheCommand) {
  // The command says it runs through a FIFO (whose open blocks until it does), then waits; a
  // SIGTERM sent to exec must end it. If exec kept the signal, the command would end on its own
  // after 60 s with status 0. The signal goes to the thread running exec, as a process-directed
  // one does in the real binary (exec runs on its main thread): delivered to this test's main
  // thread instead, ThreadSanitizer would see Asio's handler read the signal state the exec
  // thread wrote, ordered only through the child process it cannot follow.
  const auto fifo = (dir_ / "started").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::promise<pid_t> exec_thread;
  auto status = std::async(std::launch::async, [&] {
    exec_thread.set_value(::gettid());
    return exec({"--", "/bin/sh", "-c", "echo started > '" + fifo + "'; exec sleep 60"});
  });
  const pid_t exec_thread_id = exec_thread.get_future().get();
  std::ifstream(fifo).get();
  ASSERT_EQ(::tgkill(::getpid(), exec_thread_id, SIGTERM), 0);
  EXPECT_EQ(status.get(), 128 + SIGTERM);
}

TEST_F(ExecCommandTest, MissingCommandIs127) {
  EXPECT_EQ(exec({"--", "toolauth-no-such-command"}), 127);
}

TEST_F(ExecCommandTest, OwnFailuresAre125) {
  EXPECT_EQ(exec({}), 125);
  EXPECT_EQ(exec({"--"}), 125);
  EXPECT_EQ(exec({"--no-such-option", "--", "true"}), 125);
  EXPECT_EQ(exec({"--fixtures-dir", (dir_ / "missing").string(), "--", "true"}), 125);
}

}  // namespace
}  // namespace toolauth::cli
