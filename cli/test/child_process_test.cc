#include "child_process.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <csignal>

namespace toolauth::cli {
namespace {

int run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {}) {
  auto child = ChildProcess::spawn(argv, env);
  if (!child.ok()) throw std::runtime_error(child.error().message());
  return (*child)->wait();
}

TEST(ChildProcessTest, ExitsWithTheCommandsStatus) {
  EXPECT_EQ(run({"/bin/sh", "-c", "exit 0"}), 0);
  EXPECT_EQ(run({"/bin/sh", "-c", "exit 7"}), 7);
}

TEST(ChildProcessTest, KilledCommandIs128PlusTheSignal) {
  EXPECT_EQ(run({"/bin/sh", "-c", "kill -KILL $$"}), 128 + SIGKILL);
}

TEST(ChildProcessTest, FindsTheCommandOnPath) { EXPECT_EQ(run({"true"}), 0); }

TEST(ChildProcessTest, ExtraVariablesOverrideInheritedOnes) {
  ::setenv("TOOLAUTH_CHILD_TEST", "inherited", 1);
  EXPECT_EQ(run({"/bin/sh", "-c", R"(test "$TOOLAUTH_CHILD_TEST" = "given" && test -n "$PATH")"},
                {{"TOOLAUTH_CHILD_TEST", "given"}}),
            0);
  EXPECT_EQ(run({"/bin/sh", "-c", R"(test "$TOOLAUTH_CHILD_TEST" = "inherited")"}), 0);
  ::unsetenv("TOOLAUTH_CHILD_TEST");
}

TEST(ChildProcessTest, SignalReachesTheCommand) {
  // sleep is killed by SIGTERM only if the signal arrives; it never ends on its own in time.
  auto child = ChildProcess::spawn({"sleep", "600"}, {});
  ASSERT_TRUE(child.ok());
  (*child)->signal(SIGTERM);
  EXPECT_EQ((*child)->wait(), 128 + SIGTERM);
  (*child)->signal(SIGTERM);  // ended: nothing to reach, and no crash
}

TEST(ChildProcessTest, MissingCommandIsNotFound) {
  auto child = ChildProcess::spawn({"toolauth-no-such-command"}, {});
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.error().code, core::Errc::not_found);
}

TEST(ChildProcessTest, EmptyCommandIsRefused) {
  auto child = ChildProcess::spawn({}, {});
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.error().code, core::Errc::invalid_argument);
}

}  // namespace
}  // namespace toolauth::cli
