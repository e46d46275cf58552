// ContainerSupervisor with real processes: the test container (hosted_test_container.cc) on
// real loopback ports.
#include "toolauth/emulator/container_supervisor.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>

#include "toolauth/core/json.h"
#include "toolauth/core/random.h"

namespace toolauth::emulator {
namespace {

using boost::asio::awaitable;
using namespace std::chrono_literals;

ContainerSupervisorOptions quick() {
  ContainerSupervisorOptions o;
  o.readiness_timeout = 5s;
  o.readiness_interval = 10ms;
  o.max_restarts = 2;
  o.restart_backoff = 10ms;
  o.stop_grace = 2s;
  return o;
}

bool process_gone(int pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

// One io_context driven from the test thread; the supervisor's coroutines run whenever a
// test runs a task on it.
class SupervisorRig {
 public:
  explicit SupervisorRig(ContainerSupervisorOptions options = quick())
      : journal_(clock_),
        client_(io_.get_executor()),
        supervisor_(io_.get_executor(), client_, journal_, core::null_logger(), options) {}
  ~SupervisorRig() {
    supervisor_.stop_all();
    run_until([this] { return supervisor_.status().empty(); }, 10s);
  }

  template <class T>
  T run(std::function<awaitable<T>()> task) {
    // Shared with the completion handler, which runs after the task's last step.
    struct Outcome {
      std::optional<T> result;
      std::exception_ptr failure;
      bool done = false;
    };
    auto outcome = std::make_shared<Outcome>();
    boost::asio::co_spawn(
        io_, [outcome, task]() -> awaitable<void> { outcome->result.emplace(co_await task()); },
        [outcome](std::exception_ptr e) {
          outcome->failure = e;
          outcome->done = true;
        });
    run_until([&] { return outcome->done; }, 60s);
    if (outcome->failure) std::rethrow_exception(outcome->failure);
    if (!outcome->result) throw std::runtime_error("the task did not finish");
    return std::move(*outcome->result);
  }
  // Runs the io_context until `done` (checked between handlers) or the real-time bound.
  void run_until(const std::function<bool()>& done, std::chrono::seconds bound) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    io_.restart();
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      if (io_.run_one_for(50ms) == 0) io_.restart();
    }
  }

  core::Result<std::string> ready(ContainerLaunch launch) {
    return run<core::Result<std::string>>([&]() -> awaitable<core::Result<std::string>> {
      co_return co_await supervisor_.ready(launch);
    });
  }
  core::Result<http::ClientResponse> post(const std::string& url, nlohmann::json body) {
    return run<core::Result<http::ClientResponse>>(
        [&]() -> awaitable<core::Result<http::ClientResponse>> {
          co_return co_await client_.send(
              {.method = http::Method::post, .url = url + "/responses", .body = body.dump()});
        });
  }
  int pid(const std::string& key) {
    for (const auto& s : supervisor_.status())
      if (s.key == key) return s.pid;
    return 0;
  }
  ContainerSupervisor& supervisor() { return supervisor_; }
  service::Journal& journal() { return journal_; }

 private:
  boost::asio::io_context io_;
  core::SystemClock clock_;
  service::Journal journal_;
  http::Client client_;
  ContainerSupervisor supervisor_;
};

ContainerLaunch test_container(std::string key, std::map<std::string, std::string> env = {}) {
  env.emplace("FOUNDRY_AGENT_NAME", "agent-under-test");
  return {std::move(key), {TOOLAUTH_HOSTED_TEST_CONTAINER}, std::move(env)};
}

TEST(ContainerSupervisorTest, StartsTheCommandOnAFreePortAndWaitsForReadiness) {
  SupervisorRig rig;
  auto url = rig.ready(test_container("p/a/1/s"));
  ASSERT_TRUE(url.ok()) << url.error().message();
  EXPECT_TRUE(url->starts_with("http://127.0.0.1:"));
  auto answer = rig.post(*url, {{"input", "hi"}});
  ASSERT_TRUE(answer.ok());
  auto seen = core::parse_json(answer->body).value()["seen"];
  EXPECT_EQ("http://127.0.0.1:" + seen["env"]["PORT"].get<std::string>(), *url);
  EXPECT_EQ(seen["env"]["FOUNDRY_AGENT_NAME"], "agent-under-test");
  // A second ready() reuses the running container.
  const int pid = rig.pid("p/a/1/s");
  EXPECT_EQ(rig.ready(test_container("p/a/1/s")).value(), *url);
  EXPECT_EQ(rig.pid("p/a/1/s"), pid);
}

TEST(ContainerSupervisorTest, NotReadyWhileReadinessIsNot200) {
  const auto flag = std::filesystem::temp_directory_path() / ("not-ready-" + core::random_hex(6));
  std::ofstream(flag) << "wait";
  auto options = quick();
  options.readiness_timeout = 300ms;
  options.max_restarts = 0;
  SupervisorRig rig(options);
  auto url = rig.ready(test_container("p/a/1/s", {{"TEST_NOT_READY_FILE", flag.string()}}));
  ASSERT_FALSE(url.ok());
  EXPECT_NE(url.error().detail.find("did not answer GET /readiness with 200"), std::string::npos)
      << url.error().detail;
  // Ready now: the next request is a new attempt.
  std::filesystem::remove(flag);
  EXPECT_TRUE(rig.ready(test_container("p/a/1/s", {{"TEST_NOT_READY_FILE", flag.string()}})).ok());
}

TEST(ContainerSupervisorTest, CrashedContainerIsRestartedAsANewProcess) {
  SupervisorRig rig;
  auto url = rig.ready(test_container("p/a/1/s"));
  ASSERT_TRUE(url.ok());
  const int first = rig.pid("p/a/1/s");
  EXPECT_FALSE(rig.post(*url, {{"input", "crash"}}).ok());  // exits without answering
  // The connection closes a moment before the process can be reaped: wait (bounded) for the
  // supervisor to see the exit.
  rig.run_until([&] { return rig.supervisor().status().front().restarts == 1; }, 10s);
  auto again = rig.ready(test_container("p/a/1/s"));
  ASSERT_TRUE(again.ok()) << again.error().message();
  const int second = rig.pid("p/a/1/s");
  EXPECT_NE(second, first);
  EXPECT_TRUE(process_gone(first));  // reaped: no zombie
  EXPECT_EQ(rig.supervisor().status().front().restarts, 1);
  EXPECT_EQ(
      rig.journal().query({.kind = "hosted_container", .where = {{"action", "exited"}}}).size(),
      1u);
  EXPECT_TRUE(rig.post(*again, {{"input", "hi"}}).ok());
}

TEST(ContainerSupervisorTest, CommandThatCannotRunFailsAtOnce) {
  SupervisorRig rig;
  auto url = rig.ready({"p/a/1/s", {"/nonexistent/toolauth-container"}, {}});
  ASSERT_FALSE(url.ok());
  EXPECT_NE(url.error().detail.find("the container command cannot run"), std::string::npos)
      << url.error().detail;
}

TEST(ContainerSupervisorTest, ContainerThatKeepsExitingFailsAfterMaxRestarts) {
  SupervisorRig rig;
  auto url = rig.ready(test_container("p/a/1/s", {{"TEST_EXIT_AT_START", "1"}}));
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.error().detail, "the agent's container exited with status 7 before it was ready");
  // The first start and max_restarts (2) restarts.
  EXPECT_EQ(
      rig.journal().query({.kind = "hosted_container", .where = {{"action", "start"}}}).size(), 3u);
  EXPECT_EQ(to_string(rig.supervisor().status().front().state), "failed");
}

TEST(ContainerSupervisorTest, StopSendsSigtermAndReapsTheProcess) {
  SupervisorRig rig;
  ASSERT_TRUE(rig.ready(test_container("p/a/1/s")).ok());
  ASSERT_TRUE(rig.ready(test_container("p/b/1/s")).ok());
  const int a = rig.pid("p/a/1/s");
  rig.supervisor().stop("p/a/");
  rig.run_until([&] { return rig.pid("p/a/1/s") == 0; }, 10s);
  EXPECT_TRUE(process_gone(a));
  EXPECT_NE(rig.pid("p/b/1/s"), 0);  // another agent's container is left alone
}

TEST(ContainerSupervisorTest, ContainerIgnoringSigtermIsKilledAfterTheGrace) {
  auto options = quick();
  options.stop_grace = 200ms;
  SupervisorRig rig(options);
  ASSERT_TRUE(rig.ready(test_container("p/a/1/s", {{"TEST_IGNORE_SIGTERM", "1"}})).ok());
  const int pid = rig.pid("p/a/1/s");
  rig.supervisor().stop("p/a/");
  rig.run_until([&] { return rig.supervisor().status().empty(); }, 10s);
  EXPECT_TRUE(rig.supervisor().status().empty());
  EXPECT_TRUE(process_gone(pid));
}

TEST(ContainerSupervisorTest, DestroyingTheSupervisorEndsItsContainers) {
  int pid = 0;
  {
    SupervisorRig rig;
    ASSERT_TRUE(rig.ready(test_container("p/a/1/s")).ok());
    pid = rig.pid("p/a/1/s");
    ASSERT_NE(pid, 0);
  }
  EXPECT_TRUE(process_gone(pid));
}

}  // namespace
}  // namespace toolauth::emulator
