#pragma once
// Profile `hosted-agent` (DESIGN.md "Conformance model"): the implementation under test is a
// hosted agent's container, a local command run by the reference emulator, with the
// platform's side (hosting, toolbox, identity endpoint, runtime API) the emulator's. It is
// judged by what it answers to fixture users and applications through the Responses API and
// by what mock-idp and mock-mcp journaled meanwhile. Emulator mutants (`--defect`) make the
// platform wrong; hosted_agent_mutants.h lists which scenarios catch each.
//
// prepare() registers, as alice through the emulator's own APIs, in project alpha:
//   - toolbox kHostedToolbox, one version, three MCP sources labelled after their connections:
//     oauth-invoke (OAuth2, identity passthrough), agent-identity (AgenticIdentityToken) and
//     api-key (CustomKeys), require_approval "never";
//   - hosted agent kHostedAgentName: container_configuration.command/args = the IUT's command
//     line, environment TOOLBOX_NAME = kHostedToolbox, metadata
//     "toolauth.obo_allowed_scopes" = hosted_obo_allowed_scope() (the runtime API's allow-list);
// then asks the agent {"toolauth":"headers"} once: a container that does not start or does
// not answer fails the run before any scenario.
//
//   auto env = Environment::start(executor, {.reference_emulator = hosted_agent_emulator()});
//   HostedAgentProfile profile(env->get(), {"node", "/abs/examples/hosted-agent/agent.mjs"});
//   auto result = co_await run_profile(profile, {});

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "toolauth/conformance/hosted_agent_context.h"
#include "toolauth/conformance/profile.h"

namespace toolauth::conformance {

inline constexpr std::string_view kHostedAgentProfileVersion = "1.0.0";

class HostedAgentProfile final : public Profile {
 public:
  // `env` may be null for listing the catalogue only; it must run the reference emulator.
  // `command`: the IUT's argv (run without a shell, in the emulator's working directory).
  HostedAgentProfile(Environment* env, std::vector<std::string> command);
  ~HostedAgentProfile() override;

  std::string name() const override { return std::string(kHostedAgentProfile); }
  std::string version() const override { return std::string(kHostedAgentProfileVersion); }
  const std::vector<Scenario>& scenarios() const override { return scenarios_; }
  boost::asio::awaitable<core::Result<void>> prepare() override;
  std::set<std::string> capabilities() const override { return {}; }
  nlohmann::json target() const override { return target_; }
  std::vector<std::string> defects() const override;
  std::vector<JournalSource> journals() override;
  boost::asio::awaitable<void> after_scenario() override;

  HostedAgentContext& context() { return *context_; }

 private:
  boost::asio::awaitable<core::Result<void>> create(const std::string& path,
                                                    const std::string& preview,
                                                    nlohmann::json body);

  Environment* env_;
  std::vector<std::string> command_;
  std::unique_ptr<HostedAgentContext> context_;
  std::vector<Scenario> scenarios_;
  nlohmann::json target_ = nlohmann::json::object();
};

// The toolbox version and the hosted agent prepare() creates (exposed for tests and docs).
nlohmann::json hosted_toolbox_version();
nlohmann::json hosted_agent_body(const std::vector<std::string>& command,
                                 const std::string& obo_allowed_scopes);

// The reference emulator as the profile needs it: its runtime API on (an emulator extension
// the agent under test may use), and `defects` (mutants) on.
ReferenceEmulatorOptions hosted_agent_emulator(std::vector<std::string> defects = {});

}  // namespace toolauth::conformance
