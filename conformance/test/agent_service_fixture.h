#pragma once
// Agent-service integration tests: the profile run against the in-process reference emulator
// (mock-idp, mock-mcp and the emulator on one clock, port 0, real loopback HTTPS) through the
// foundry driver, as `toolauth certify --profile agent-service` runs it.

#include <boost/asio/this_coro.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "toolauth/conformance/agent_service_profile.h"
#include "toolauth/conformance/runner.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::conformance::testing {

struct AgentServiceRun {
  RunResult result;
  // Every secret of the run: mount keys, passwords, client secrets of the world, and the
  // tokens the suite minted (none may reach an artifact).
  std::vector<std::string> secrets;
};

// Runs the scenarios matching `glob` (all when empty); `customize` adjusts the emulator's
// options, `tamper` the started environment (e.g. a deliberately wrong ToolAuth installed in
// the emulator's registry), `drive` the foundry driver's options (e.g. without the clock).
inline AgentServiceRun run_agent_service_profile(
    std::string glob, std::function<void(emulator::EmulatorServerOptions&)> customize = {},
    std::function<void(Environment&)> tamper = {},
    std::function<void(FoundryDriverOptions&)> drive = {}) {
  return toolauth::testing::run_sync<AgentServiceRun>(
      [&]() -> boost::asio::awaitable<AgentServiceRun> {
        auto executor = co_await boost::asio::this_coro::executor;
        ReferenceEmulatorOptions reference;
        reference.customize = customize;
        auto env = Environment::start(executor, {.reference_emulator = reference});
        if (!env.ok()) throw std::runtime_error(env.error().message());
        if (tamper) tamper(**env);
        AgentServiceRun run;
        {
          auto options = foundry_options(**env);
          if (drive) drive(options);
          FoundryDriver driver(executor, std::move(options));
          AgentServiceProfile profile(env->get(), &driver);
          run.result = co_await run_profile(profile, {.scenarios = glob});
          co_await driver.bye();
          run.secrets = profile.context().tokens().minted();
        }
        const auto& world = (*env)->world();
        for (const auto& m : world["mounts"]) {
          if (m.contains("key")) run.secrets.push_back(m["key"]);
        }
        for (const auto& u : world["users"]) run.secrets.push_back(u.value("password", ""));
        for (const auto& c : world["clients"]) {
          if (c.contains("client_secret")) run.secrets.push_back(c["client_secret"]);
        }
        (*env)->stop();
        co_return run;
      });
}

inline Verdict verdict_of(const RunResult& result, std::string_view id) {
  for (const auto& o : result.outcomes) {
    if (o.id == id) return o.verdict;
  }
  throw std::runtime_error("no outcome " + std::string(id));
}

// Every outcome that did not pass, with its reason, for assertion messages.
inline std::string not_passed(const RunResult& result) {
  std::string out = result.error.empty() ? "" : "run error: " + result.error + "\n";
  for (const auto& o : result.outcomes) {
    if (o.verdict == Verdict::passed) continue;
    out += o.id + " " + std::string(to_string(o.verdict)) + ": " + o.reason + "\n";
  }
  return out;
}

}  // namespace toolauth::conformance::testing
