#pragma once
// Profile `agent-service`: the IUT is an agent platform (Foundry Agent Service or another
// shape behind the exec driver). It is configured through the driver with the setup document
// (agent_service_setup.h) and judged by what mock-idp and mock-mcp journaled while a fixture
// user invoked tools through it, and by what it answered.
//
// prepare(): driver hello (capabilities), setup (connections and agents), and the IUT's OAuth
// callback URLs registered at mock-idp for the connection client (exact redirect matching
// stays strict). Scenario groups live in agent_service_<group>.cc and share an
// AgentServiceContext (agent_service_context.h).
//
//   auto env = Environment::start(executor, {.reference_emulator = ReferenceEmulatorOptions{}});
//   auto driver = reference_foundry_driver(**env);
//   AgentServiceProfile profile(env->get(), driver.get());
//   auto result = co_await run_profile(profile, {});

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "toolauth/conformance/agent_service_context.h"
#include "toolauth/conformance/agent_service_setup.h"
#include "toolauth/conformance/foundry_driver.h"
#include "toolauth/conformance/profile.h"

namespace toolauth::conformance {

// 1.1.0: the expiry scenarios (oauth/refresh-on-expiry, oauth/concurrent-single-refresh,
// managed-identity/refreshed-before-expiry) no longer need the clock capability.
inline constexpr std::string_view kAgentServiceProfileVersion = "1.1.0";

class AgentServiceProfile final : public Profile {
 public:
  // `env` and `driver` may be null for listing the catalogue only.
  AgentServiceProfile(Environment* env, Driver* driver);
  ~AgentServiceProfile() override;

  std::string name() const override { return std::string(kAgentServiceProfile); }
  std::string version() const override { return std::string(kAgentServiceProfileVersion); }
  const std::vector<Scenario>& scenarios() const override { return scenarios_; }
  boost::asio::awaitable<core::Result<void>> prepare() override;
  std::set<std::string> capabilities() const override { return context_->capabilities(); }
  nlohmann::json target() const override { return target_; }
  std::vector<std::string> defects() const override;
  std::vector<JournalSource> journals() override;
  boost::asio::awaitable<void> after_scenario() override;

  AgentServiceContext& context() { return *context_; }

 private:
  Environment* env_;
  Driver* driver_;
  std::unique_ptr<AgentServiceContext> context_;
  std::vector<Scenario> scenarios_;
  nlohmann::json target_ = nlohmann::json::object();
};

// The foundry driver options for an IUT at `endpoint` that trusts the environment's CA, with
// a setup token of alice from mock-idp; for the environment's reference emulator (empty
// endpoint) also restart and the shared clock.
FoundryDriverOptions foundry_options(Environment& env, std::string endpoint = {});

}  // namespace toolauth::conformance
