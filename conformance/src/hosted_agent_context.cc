#include "toolauth/conformance/hosted_agent_context.h"

#include "toolauth/conformance/agent_service_setup.h"
#include "toolauth/core/error.h"
#include "toolauth/core/json.h"
#include "toolauth/http/params.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

core::Error failure(std::string detail) {
  return core::Error{core::make_error_code(core::Errc::invalid_argument), std::move(detail)};
}

// The agent's answer: the JSON object in the text of the last assistant message.
nlohmann::json answer_of(const nlohmann::json& output) {
  nlohmann::json answer = nlohmann::json::object();
  for (const auto& item : output) {
    if (!item.is_object() || item.value("type", "") != "message") continue;
    for (const auto& part : item.value("content", nlohmann::json::array())) {
      if (!part.is_object() || !part.contains("text") || !part["text"].is_string()) continue;
      auto parsed = core::parse_json(part["text"].get<std::string>());
      if (parsed.ok() && parsed->is_object()) answer = std::move(*parsed);
    }
  }
  return answer;
}

}  // namespace

std::string describe(const HostedAnswer& a) {
  if (a.consent_link) return "consent request";
  if (a.answer.empty()) return "no answer (response " + a.response_status + ")";
  const auto kind = a.answer.value("toolauth", "");
  if (kind != "error") return kind;
  const auto code = a.answer.contains("code") ? a.answer["code"].dump() : "?";
  return "error " + std::to_string(a.answer.value("status", 0)) + " " + code + ": " +
         a.answer.value("message", "").substr(0, 200);
}

HostedAgentContext::HostedAgentContext(Environment* env) : ProfileContext(env) {}

HostedAgentContext::~HostedAgentContext() = default;

Scenario HostedAgentContext::scenario(std::string id, std::string title, Severity severity,
                                      std::vector<std::string> spec_refs,
                                      std::vector<std::string> steps, Scenario::Body body) const {
  Scenario s;
  s.id = std::string(kHostedAgentProfile) + "/" + id;
  s.title = std::move(title);
  s.severity = severity;
  s.profile = std::string(kHostedAgentProfile);
  s.spec_refs = std::move(spec_refs);
  s.steps = std::move(steps);
  s.body = std::move(body);
  return s;
}

std::string HostedAgentContext::agent_identity_client_id() const {
  const auto* project = env_->emulator()->world().project(kHostedProject);
  return project == nullptr ? std::string() : project->agent_identity_of(kHostedAgentName);
}

std::string HostedAgentContext::agent_identity_oid() const {
  const auto client_id = agent_identity_client_id();
  if (client_id.empty()) return {};
  for (const auto& identity : env_->world().value("identities", nlohmann::json::array())) {
    if (identity.value("client_id", "") == client_id) return identity.value("object_id", "");
  }
  return {};
}

std::string HostedAgentContext::mount_of(std::string_view label) const {
  const auto* project = env_->emulator()->world().project(kHostedProject);
  if (project == nullptr) return {};
  for (const auto& connection : project->connections) {
    if (connection.name != label) continue;
    for (const auto& mount : env_->world().value("mounts", nlohmann::json::array())) {
      if (mount.value("url", "") == connection.target) return mount.value("name", "");
    }
  }
  return {};
}

std::string HostedAgentContext::project_url() const {
  return env_->emulator()->url() + "/api/projects/" + std::string(kHostedProject);
}

std::string HostedAgentContext::toolbox_url() const {
  return project_url() + "/toolboxes/" + std::string(kHostedToolbox) + "/mcp?api-version=v1";
}

awaitable<core::Result<std::string>> HostedAgentContext::caller_token(const std::string& user) {
  if (auto cached = caller_tokens_.find(user); cached != caller_tokens_.end())
    co_return cached->second;
  auto token = co_await tokens_->user_token({user, std::string(kFoundryScope)});
  if (!token.ok()) co_return token.error();
  caller_tokens_[user] = *token;
  co_return *token;
}

awaitable<core::Result<std::string>> HostedAgentContext::token_request(
    std::map<std::string, std::string> form) {
  const auto* tenant = find_named(env_->world(), "tenants", kToolTenant);
  if (tenant == nullptr) co_return failure("the world has no tenant contoso");
  http::Params params;
  for (auto& [name, value] : form) params.add(name, value);
  http::ClientRequest request{
      .method = http::Method::post,
      .url = env_->idp_url() + "/" + tenant->value("id", "") + "/oauth2/v2.0/token",
      .body = http::encode_form(params)};
  request.headers.set("Content-Type", "application/x-www-form-urlencoded");
  auto answer = co_await env_->client().send(std::move(request));
  if (!answer.ok()) co_return answer.error();
  auto body = core::parse_json(answer->body);
  if (answer->status != 200 || !body.ok() || !body->contains("access_token"))
    co_return failure("mock-idp answered " + std::to_string(answer->status) + " " +
                      (body.ok() ? body->value("error_description", "") : ""));
  std::string token = (*body)["access_token"];
  tokens_->remember(token);
  co_return token;
}

awaitable<core::Result<std::string>> HostedAgentContext::app_token() {
  if (auto cached = caller_tokens_.find("app:"); cached != caller_tokens_.end())
    co_return cached->second;
  const auto* blueprint = find_named(env_->world(), "identities", "agent-blueprint");
  const auto* agent = find_named(env_->world(), "identities", kHostedAppCaller);
  if (blueprint == nullptr || agent == nullptr || !blueprint->contains("client_secret"))
    co_return failure("the world lacks agent-blueprint (with a secret) or agent-two");
  auto exchange = co_await token_request({{"grant_type", "client_credentials"},
                                          {"client_id", blueprint->value("client_id", "")},
                                          {"client_secret", blueprint->value("client_secret", "")},
                                          {"scope", "api://AzureADTokenExchange/.default"},
                                          {"fmi_path", agent->value("client_id", "")}});
  if (!exchange.ok()) co_return exchange.error();
  auto token = co_await token_request(
      {{"grant_type", "client_credentials"},
       {"client_id", agent->value("client_id", "")},
       {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
       {"client_assertion", *exchange},
       {"scope", "https://ai.azure.com/.default"}});
  if (!token.ok()) co_return token.error();
  caller_tokens_["app:"] = *token;
  co_return *token;
}

nlohmann::json HostedAgentContext::call_instruction(std::string_view label, std::string_view tool,
                                                    std::optional<std::string> call_id) {
  nlohmann::json instruction = {{"toolauth", "call"},
                                {"tool", std::string(label) + "___" + std::string(tool)},
                                {"arguments", nlohmann::json::object()}};
  if (call_id) instruction["call_id"] = *call_id;
  return instruction;
}

awaitable<std::optional<HostedAnswer>> HostedAgentContext::ask(ScenarioRecord& record,
                                                               HostedAsk ask) {
  const std::string who = ask.app ? std::string(kHostedAppCaller) + " (app-only)" : ask.user;
  auto token = ask.app ? co_await app_token() : co_await caller_token(ask.user);
  if (!token.ok()) {
    record.abort("no token for " + who + ": " + token.error().message());
    co_return std::nullopt;
  }
  // A call id in an instruction is a capability of the platform: recorded by its length only.
  auto shown = ask.instruction;
  if (shown.contains("call_id") && shown["call_id"] != "previous")
    shown["call_id"] = "<" + std::to_string(shown["call_id"].dump().size() - 2) + " characters>";
  record.step("ask the hosted agent " + shown.dump() + " as " + who);
  http::ClientRequest request{.method = http::Method::post,
                              .url = project_url() + "/agents/" + std::string(kHostedAgentName) +
                                     "/endpoint/protocols/openai/v1/responses",
                              .headers = std::move(ask.headers),
                              .body = nlohmann::json{{"input", ask.instruction.dump()}}.dump()};
  request.headers.set("Authorization", "Bearer " + *token);
  request.headers.set("Content-Type", "application/json");
  auto response = co_await env_->client().send(std::move(request));
  if (!response.ok()) {
    record.abort("the emulator could not be reached: " + response.error().message());
    co_return std::nullopt;
  }
  HostedAnswer out;
  out.status = response->status;
  auto body = core::parse_json(response->body);
  if (body.ok()) out.body = std::move(*body);
  if (out.status != 200 || !out.body.is_object()) {
    record.observe({{"ask", shown}, {"as", who}, {"status", out.status}, {"body", out.body}});
    record.abort("the hosted agent did not answer: HTTP " + std::to_string(out.status) + " " +
                 response->body.substr(0, 300));
    co_return std::nullopt;
  }
  out.response_status = out.body.value("status", "");
  const auto output = out.body.value("output", nlohmann::json::array());
  out.answer = answer_of(output);
  for (const auto& item : output) {
    if (item.is_object() && item.value("type", "") == "oauth_consent_request") {
      out.consent_link = item.value("consent_link", "");
      out.consent_item = item;
      out.consent_item.erase("consent_link");
    }
  }
  nlohmann::json seen = {{"ask", shown},
                         {"as", who},
                         {"status", out.status},
                         {"response_status", out.response_status},
                         {"answer", describe(out)}};
  if (!out.answer.empty()) seen["agent_answer"] = out.answer;
  if (out.consent_link) seen["consent_item"] = out.consent_item;
  record.observe(std::move(seen));
  co_return out;
}

awaitable<core::Result<void>> HostedAgentContext::forget(const std::string& user) {
  auto answer = co_await env_->client().send(
      {.method = http::Method::delete_,
       .url = env_->emulator()->url() + "/_admin/vault?user=" + user_oid(user)});
  if (!answer.ok()) co_return answer.error();
  if (answer->status != 200)
    co_return failure("the emulator's /_admin/vault answered " + std::to_string(answer->status));
  co_return core::Result<void>{};
}

awaitable<bool> HostedAgentContext::without_consents(ScenarioRecord& record,
                                                     std::vector<std::string> users) {
  for (const auto& user : users) {
    record.step("the emulator forgets " + user + "'s consents");
    if (auto forgotten = co_await forget(user); !forgotten.ok()) {
      record.abort("forgetting " + user + "'s consents failed: " + forgotten.error().message());
      co_return false;
    }
  }
  on_cleanup([this, users]() -> awaitable<void> {
    for (const auto& user : users) (void)co_await forget(user);
  });
  co_return true;
}

awaitable<std::optional<HostedAnswer>> HostedAgentContext::ensure_consent(ScenarioRecord& record,
                                                                          const std::string& user) {
  const auto instruction = call_instruction(kHostedOAuthLabel);
  auto answer = co_await ask(record, {.user = user, .instruction = instruction});
  if (!answer) co_return std::nullopt;
  if (answer->consent_link) {
    auto walk =
        co_await follow_consent(record, *answer->consent_link, user, ConsentDecision::approve);
    if (!walk.ok()) {
      record.abort("the consent walk failed: " + walk.error().message());
      co_return std::nullopt;
    }
    answer = co_await ask(record, {.user = user, .instruction = instruction});
    if (!answer) co_return std::nullopt;
  }
  if (answer->answer.value("toolauth", "") != "result") {
    record.abort("no consent could be completed for " + user + ": " + describe(*answer));
    co_return std::nullopt;
  }
  co_return answer;
}

awaitable<std::optional<std::pair<int, nlohmann::json>>> HostedAgentContext::toolbox_request(
    ScenarioRecord& record, const std::string& token, nlohmann::json rpc, http::Headers headers) {
  http::ClientRequest request{.method = http::Method::post,
                              .url = toolbox_url(),
                              .headers = std::move(headers),
                              .body = rpc.dump()};
  request.headers.set("Authorization", "Bearer " + token);
  request.headers.set("Content-Type", "application/json");
  request.headers.set("Accept", "application/json, text/event-stream");
  auto response = co_await env_->client().send(std::move(request));
  if (!response.ok()) {
    record.abort("the toolbox could not be reached: " + response.error().message());
    co_return std::nullopt;
  }
  auto body = core::parse_json(response->body);
  nlohmann::json parsed = body.ok() ? *body : nlohmann::json(response->body.substr(0, 500));
  record.observe({{"toolbox_request", rpc.value("method", "")},
                  {"status", response->status},
                  {"body", parsed}});
  co_return std::pair{response->status, std::move(parsed)};
}

}  // namespace toolauth::conformance
