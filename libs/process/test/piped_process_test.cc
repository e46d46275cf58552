#include "toolauth/process/piped_process.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <csignal>

#include "toolauth/testing/run_sync.h"

namespace toolauth::process {
namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;

std::unique_ptr<PipedProcess> spawn_or_throw(boost::asio::any_io_executor executor,
                                             std::vector<std::string> argv,
                                             std::map<std::string, std::string> env = {}) {
  auto child = PipedProcess::spawn(executor, argv, env);
  if (!child.ok()) throw std::runtime_error(child.error().message());
  return std::move(*child);
}

// Everything the command writes to `pipe` until it closes it.
awaitable<std::string> read_all(boost::asio::readable_pipe& pipe) {
  std::string text;
  boost::system::error_code ec;
  co_await boost::asio::async_read(pipe, boost::asio::dynamic_buffer(text),
                                   boost::asio::redirect_error(use_awaitable, ec));
  co_return text;
}

TEST(PipedProcessTest, StdinStdoutStderrAreSeparatePipesAndTheExitCodeIsKept) {
  auto seen = toolauth::testing::run_sync<std::tuple<std::string, std::string, int>>(
      []() -> awaitable<std::tuple<std::string, std::string, int>> {
        auto child =
            spawn_or_throw(co_await boost::asio::this_coro::executor,
                           {"sh", "-c", "read line; echo \"out:$line\"; echo err >&2; exit 4"});
        const std::string line = "hello\n";
        co_await boost::asio::async_write(child->in(), boost::asio::buffer(line), use_awaitable);
        auto out = co_await read_all(child->out());
        auto err = co_await read_all(child->err());
        co_return std::tuple{out, err, co_await child->wait()};
      });
  EXPECT_EQ(std::get<0>(seen), "out:hello\n");
  EXPECT_EQ(std::get<1>(seen), "err\n");
  EXPECT_EQ(std::get<2>(seen), 4);
}

TEST(PipedProcessTest, ExtraEnvironmentIsSetOverTheInheritedOne) {
  auto out = toolauth::testing::run_sync<std::string>([]() -> awaitable<std::string> {
    auto child = spawn_or_throw(co_await boost::asio::this_coro::executor,
                                {"sh", "-c", "printf '%s/%s' \"$TOOLAUTH_PIPED\" \"$HOME\""},
                                {{"TOOLAUTH_PIPED", "set"}, {"HOME", "elsewhere"}});
    co_return co_await read_all(child->out());
  });
  EXPECT_EQ(out, "set/elsewhere");
}

TEST(PipedProcessTest, OnlyModeGivesExactlyTheGivenEnvironment) {
  ::setenv("TOOLAUTH_PIPED_SECRET", "inherited", 1);
  auto out = toolauth::testing::run_sync<std::string>([]() -> awaitable<std::string> {
    auto child = PipedProcess::spawn(co_await boost::asio::this_coro::executor, {"env"},
                                     {{"ONLY", "this"}}, PipedProcess::Environment::only);
    if (!child.ok()) throw std::runtime_error(child.error().message());
    co_return co_await read_all((*child)->out());
  });
  ::unsetenv("TOOLAUTH_PIPED_SECRET");
  EXPECT_EQ(out, "ONLY=this\n");
}

TEST(PipedProcessTest, SignalledCommandReports128PlusTheSignal) {
  auto status = toolauth::testing::run_sync<int>([]() -> awaitable<int> {
    // `cat` waits on its stdin, which stays open: only the signal ends it.
    auto child = spawn_or_throw(co_await boost::asio::this_coro::executor, {"cat"});
    child->signal(SIGKILL);
    const int first = co_await child->wait();
    child->signal(SIGKILL);  // reaped: a no-op
    EXPECT_EQ(co_await child->wait(), first);
    co_return first;
  });
  EXPECT_EQ(status, 128 + SIGKILL);
}

TEST(PipedProcessTest, WritingToAnExitedCommandIsAnErrorNotSigpipe) {
  auto ec = toolauth::testing::run_sync<boost::system::error_code>(
      []() -> awaitable<boost::system::error_code> {
        auto child = spawn_or_throw(co_await boost::asio::this_coro::executor, {"true"});
        co_await child->wait();
        boost::system::error_code ec;
        const std::string line = "anyone?\n";
        co_await boost::asio::async_write(child->in(), boost::asio::buffer(line),
                                          boost::asio::redirect_error(use_awaitable, ec));
        co_return ec;
      });
  EXPECT_EQ(ec, boost::asio::error::broken_pipe);
}

TEST(PipedProcessTest, DescriptorsOfThisProcessDoNotLeakIntoTheCommand) {
  // A descriptor without O_CLOEXEC, as Asio's sockets are.
  const int leaky = ::dup(STDERR_FILENO);
  ASSERT_GE(leaky, 0);
  auto listed = toolauth::testing::run_sync<std::string>([]() -> awaitable<std::string> {
    // ls reads /proc/self/fd through one descriptor of its own (3).
    auto child = spawn_or_throw(co_await boost::asio::this_coro::executor, {"ls", "/proc/self/fd"});
    co_return co_await read_all(child->out());
  });
  ::close(leaky);
  EXPECT_EQ(listed, "0\n1\n2\n3\n");
}

TEST(PipedProcessTest, TryWaitReapsOnlyAnEndedCommand) {
  auto seen =
      toolauth::testing::run_sync<std::pair<bool, int>>([]() -> awaitable<std::pair<bool, int>> {
        auto child = spawn_or_throw(co_await boost::asio::this_coro::executor, {"cat"});
        const bool running = !child->try_wait().has_value();
        child->in().close();  // cat ends at the end of its input
        const int status = co_await child->wait();
        EXPECT_EQ(child->try_wait(), status);
        co_return std::pair{running, status};
      });
  EXPECT_TRUE(seen.first);
  EXPECT_EQ(seen.second, 0);
}

TEST(PipedProcessTest, MissingCommandIsNotFound) {
  auto result = toolauth::testing::run_sync<core::Error>([]() -> awaitable<core::Error> {
    auto child = PipedProcess::spawn(co_await boost::asio::this_coro::executor,
                                     {"toolauth-no-such-command"}, {});
    co_return child.ok() ? core::Error{} : child.error();
  });
  EXPECT_EQ(result.code, core::Errc::not_found);
}

}  // namespace
}  // namespace toolauth::process
