#include "toolauth/process/spawn.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>

namespace toolauth::process {
namespace {

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return exit_status_of(status);
}

TEST(SpawnTest, ExitStatusOfWaitStatuses) {
  EXPECT_EQ(exit_status_of(0), 0);
  EXPECT_EQ(exit_status_of(3 << 8), 3);
  EXPECT_EQ(exit_status_of(SIGINT), 128 + SIGINT);
}

TEST(SpawnTest, ExtraVariablesReplaceInheritedOnes) {
  ::setenv("TOOLAUTH_SPAWN_TEST", "inherited", 1);
  const auto environment = environment_with({{"TOOLAUTH_SPAWN_TEST", "extra"}});
  ::unsetenv("TOOLAUTH_SPAWN_TEST");
  EXPECT_EQ(std::count(environment.begin(), environment.end(), "TOOLAUTH_SPAWN_TEST=extra"), 1);
  EXPECT_EQ(std::count(environment.begin(), environment.end(), "TOOLAUTH_SPAWN_TEST=inherited"), 0);
}

TEST(SpawnTest, TheCommandSeesItsEnvironmentAndNoBlockedSignal) {
  // SIGTERM blocked here must not stay blocked in the command, which kills itself with it.
  sigset_t term, previous;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &term, &previous), 0);
  auto pid = spawn_command({"/bin/sh", "-c", "test \"$GREETING\" = hello && kill -TERM $$; exit 3"},
                           {"GREETING=hello"});
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  ASSERT_TRUE(pid.ok()) << pid.error().message();
  EXPECT_EQ(wait_for(*pid), 128 + SIGTERM);
}

TEST(SpawnTest, AMissingCommandIsNotFound) {
  auto pid = spawn_command({"toolauth-no-such-command"}, {});
  ASSERT_FALSE(pid.ok());
  EXPECT_EQ(pid.error().code, core::Errc::not_found);
  EXPECT_EQ(pid.error().detail, "toolauth-no-such-command: command not found");
}

}  // namespace
}  // namespace toolauth::process
