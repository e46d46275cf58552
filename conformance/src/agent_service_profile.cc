#include "toolauth/conformance/agent_service_profile.h"

#include "toolauth/core/error.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

constexpr std::string_view kSetupUser = "alice";

// The reference emulator's admin plane revokes a user's vault entries (every connection).
awaitable<core::Result<void>> forget_reference_consents(Environment& env, const std::string& user) {
  const auto* fixture = find_named(env.world(), "users", user);
  if (fixture == nullptr || env.emulator() == nullptr)
    co_return core::Error{core::make_error_code(core::Errc::not_found), "no user " + user};
  auto answer = co_await env.client().send(
      {.method = http::Method::delete_,
       .url = env.emulator()->url() + "/_admin/vault?user=" + fixture->value("oid", "")});
  if (!answer.ok()) co_return answer.error();
  if (answer->status != 200)
    co_return core::Error{
        core::make_error_code(core::Errc::invalid_argument),
        "the emulator's /_admin/vault answered " + std::to_string(answer->status)};
  co_return core::Result<void>{};
}

JournalSource in_process_journal(std::string name, service::Journal& journal) {
  return {std::move(name),
          [&journal]() -> awaitable<core::Result<std::uint64_t>> { co_return journal.last_seq(); },
          [&journal](std::uint64_t after) -> awaitable<core::Result<nlohmann::json>> {
            nlohmann::json entries = nlohmann::json::array();
            for (const auto& e :
                 journal.query({.after_seq = after, .limit = kMaxEvidenceEntriesPerJournal}))
              entries.push_back(service::Journal::to_json(e));
            co_return entries;
          }};
}

}  // namespace

AgentServiceProfile::AgentServiceProfile(Environment* env, Driver* driver)
    : env_(env), driver_(driver), context_(std::make_unique<AgentServiceContext>(env, driver)) {
  add_key_scenarios(*context_, scenarios_);
  add_managed_identity_scenarios(*context_, scenarios_);
  add_agent_identity_scenarios(*context_, scenarios_);
  add_user_entra_scenarios(*context_, scenarios_);
  add_oauth_consent_scenarios(*context_, scenarios_);
  add_approvals_scenarios(*context_, scenarios_);
  add_oauth_refresh_scenarios(*context_, scenarios_);
}

AgentServiceProfile::~AgentServiceProfile() = default;

awaitable<core::Result<void>> AgentServiceProfile::prepare() {
  if (env_ == nullptr || driver_ == nullptr)
    co_return core::Error{core::make_error_code(core::Errc::invalid_argument),
                          "no environment or driver"};
  auto hello = co_await driver_->hello();
  if (!hello.ok()) co_return hello.error();
  context_->set_capabilities(hello->capabilities);
  target_ = {{"url", hello->implementation.value("endpoint", std::string())},
             {"driver", hello->implementation}};

  auto setup = agent_service_setup(*env_);
  if (!setup.ok()) co_return setup.error();
  auto answer = co_await driver_->setup(*setup);
  if (!answer.ok()) co_return answer.error();
  // The IUT's callback URLs, registered for the connection client (mock-idp matches exactly).
  const auto* connector = find_named(env_->world(), "clients", kConnectorClient);
  for (const auto& uri : answer->redirect_uris) {
    if (connector == nullptr) break;
    auto registered = co_await context_->idp_admin(
        http::Method::post, "redirect-uris",
        {{"client_id", connector->value("client_id", "")}, {"redirect_uri", uri}});
    if (!registered.ok()) co_return registered.error();
  }
  target_["redirect_uris"] = answer->redirect_uris;
  target_["setup_evidence"] = driver_->evidence();
  context_->set_redirect_uris(answer->redirect_uris);
  context_->set_setup(std::move(*setup));
  co_return core::Result<void>{};
}

std::vector<std::string> AgentServiceProfile::defects() const {
  if (env_ == nullptr || env_->emulator() == nullptr || env_->emulator_options() == nullptr)
    return {};
  return env_->emulator_options()->defects;
}

std::vector<JournalSource> AgentServiceProfile::journals() {
  if (env_ == nullptr) return {};
  return {in_process_journal("idp", env_->idp_journal()),
          in_process_journal("mcp", env_->mcp_journal())};
}

awaitable<void> AgentServiceProfile::after_scenario() { co_await context_->after_scenario(); }

FoundryDriverOptions foundry_options(Environment& env, std::string endpoint) {
  FoundryDriverOptions options;
  const bool reference = endpoint.empty() && env.emulator() != nullptr;
  options.endpoint = reference ? env.emulator()->url() : std::move(endpoint);
  options.ca_file = env.ca_file();
  options.probe_project = std::string(kProjectAlpha);
  auto tokens = std::make_shared<IdpTokens>(env);
  options.setup_token = [tokens]() -> awaitable<core::Result<std::string>> {
    co_return co_await tokens->user_token({std::string(kSetupUser), std::string(kFoundryScope)});
  };
  if (reference) {
    const auto& arm = env.emulator()->world().arm;
    options.arm = {arm.subscription, arm.resource_group, arm.account};
    options.restart = [&env]() -> awaitable<core::Result<std::string>> {
      co_return env.restart_emulator();
    };
    options.shares_clock = true;
    options.forget_consents = [&env](const std::string& user) -> awaitable<core::Result<void>> {
      co_return co_await forget_reference_consents(env, user);
    };
  }
  return options;
}

}  // namespace toolauth::conformance
