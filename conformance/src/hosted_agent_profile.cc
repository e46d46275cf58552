#include "toolauth/conformance/hosted_agent_profile.h"

#include "toolauth/conformance/agent_service_setup.h"
#include "toolauth/core/error.h"
#include "toolauth/core/json.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

constexpr std::string_view kSetupUser = "alice";

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

core::Error failure(std::string detail) {
  return core::Error{core::make_error_code(core::Errc::invalid_argument), std::move(detail)};
}

}  // namespace

nlohmann::json hosted_toolbox_version() {
  nlohmann::json tools = nlohmann::json::array();
  for (auto label : {kHostedOAuthLabel, kHostedAgenticLabel, kHostedKeyLabel}) {
    tools.push_back({{"type", "mcp"},
                     {"server_label", label},
                     {"project_connection_id", label},
                     {"require_approval", "never"}});
  }
  return {{"description", "the tools of the hosted agent under test (toolauth certify)"},
          {"tools", tools}};
}

nlohmann::json hosted_agent_body(const std::vector<std::string>& command,
                                 const std::string& obo_allowed_scopes) {
  nlohmann::json container = {{"command", command.empty() ? "" : command.front()}};
  if (command.size() > 1)
    container["args"] = std::vector<std::string>(command.begin() + 1, command.end());
  return {{"name", kHostedAgentName},
          {"description", "the hosted agent under test (toolauth certify --profile hosted-agent)"},
          {"metadata", {{"toolauth.obo_allowed_scopes", obo_allowed_scopes}}},
          {"definition",
           {{"kind", "hosted"},
            {"container_protocol_versions", {{{"protocol", "responses"}, {"version", "2.0.0"}}}},
            {"container_configuration", container},
            {"environment_variables", {{"TOOLBOX_NAME", kHostedToolbox}}}}}};
}

ReferenceEmulatorOptions hosted_agent_emulator(std::vector<std::string> defects) {
  return {.customize = [](emulator::EmulatorServerOptions& options) { options.runtime_api = true; },
          .defects = std::move(defects)};
}

HostedAgentProfile::HostedAgentProfile(Environment* env, std::vector<std::string> command)
    : env_(env), command_(std::move(command)), context_(std::make_unique<HostedAgentContext>(env)) {
  add_hosted_headers_scenarios(*context_, scenarios_);
  add_hosted_toolbox_scenarios(*context_, scenarios_);
  add_hosted_identity_scenarios(*context_, scenarios_);
  add_hosted_call_id_scenarios(*context_, scenarios_);
  add_hosted_runtime_scenarios(*context_, scenarios_);
  add_hosted_obo_scenarios(*context_, scenarios_);
}

HostedAgentProfile::~HostedAgentProfile() = default;

awaitable<core::Result<void>> HostedAgentProfile::create(const std::string& path,
                                                         const std::string& preview,
                                                         nlohmann::json body) {
  auto token = co_await context_->caller_token(std::string(kSetupUser));
  if (!token.ok()) co_return token.error();
  http::ClientRequest request{
      .method = http::Method::post, .url = context_->project_url() + path, .body = body.dump()};
  request.headers.set("Authorization", "Bearer " + *token);
  request.headers.set("Content-Type", "application/json");
  request.headers.set("Foundry-Features", preview);
  auto answer = co_await env_->client().send(std::move(request));
  if (!answer.ok()) co_return answer.error();
  if (answer->status != 200)
    co_return failure("POST " + path + " answered " + std::to_string(answer->status) + " " +
                      answer->body.substr(0, 300));
  co_return core::Result<void>{};
}

awaitable<core::Result<void>> HostedAgentProfile::prepare() {
  if (env_ == nullptr || env_->emulator() == nullptr)
    co_return failure("the hosted-agent profile runs the IUT under the reference emulator");
  if (command_.empty() || command_.front().empty())
    co_return failure("no command for the hosted agent under test");
  target_ = {{"url", context_->project_url() + "/agents/" + std::string(kHostedAgentName)},
             {"command", command_},
             {"emulator", env_->emulator()->url()},
             {"project", kHostedProject},
             {"agent", kHostedAgentName},
             {"toolbox", kHostedToolbox}};
  auto toolbox =
      co_await create("/toolboxes/" + std::string(kHostedToolbox) + "/versions?api-version=v1",
                      "Toolboxes=V1Preview", hosted_toolbox_version());
  if (!toolbox.ok()) co_return toolbox.error();
  auto agent =
      co_await create("/agents?api-version=v1", "HostedAgents=V1Preview",
                      hosted_agent_body(command_, hosted_obo_allowed_scope(env_->world())));
  if (!agent.ok()) co_return agent.error();
  // The emulator's OAuth callback, registered for the connection client (mock-idp matches
  // redirect URIs exactly).
  const auto* connector = find_named(env_->world(), "clients", kConnectorClient);
  if (connector == nullptr) co_return failure("the world has no client connector");
  http::ClientRequest registration{
      .method = http::Method::post,
      .url = env_->idp_url() + "/_admin/redirect-uris",
      .body = nlohmann::json{{"client_id", connector->value("client_id", "")},
                             {"redirect_uri", env_->emulator()->url() + "/oauth/callback"}}
                  .dump()};
  registration.headers.set("Content-Type", "application/json");
  auto registered = co_await env_->client().send(std::move(registration));
  if (!registered.ok()) co_return registered.error();
  if (registered->status < 200 || registered->status > 299)
    co_return failure("mock-idp refused the emulator's redirect URI: " +
                      std::to_string(registered->status));

  // The container starts on the first request: one that cannot start or answer stops here.
  ScenarioRecord probe;
  auto answer = co_await context_->ask(probe, {.instruction = {{"toolauth", "headers"}}});
  if (!answer) co_return failure(probe.abort_reason().value_or("the hosted agent did not answer"));
  if (answer->answer.value("toolauth", "") != "headers")
    co_return failure("the hosted agent answered {\"toolauth\":\"headers\"} with " +
                      describe(*answer) + ": " + answer->body.dump().substr(0, 300));
  co_return core::Result<void>{};
}

std::vector<std::string> HostedAgentProfile::defects() const {
  if (env_ == nullptr || env_->emulator_options() == nullptr) return {};
  return env_->emulator_options()->defects;
}

std::vector<JournalSource> HostedAgentProfile::journals() {
  if (env_ == nullptr) return {};
  return {in_process_journal("idp", env_->idp_journal()),
          in_process_journal("mcp", env_->mcp_journal())};
}

awaitable<void> HostedAgentProfile::after_scenario() { co_await context_->run_cleanups(); }

}  // namespace toolauth::conformance
