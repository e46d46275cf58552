#include "toolauth/conformance/agent_service_context.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "toolauth/conformance/agent_service_setup.h"
#include "toolauth/core/error.h"
#include "toolauth/core/json.h"

namespace toolauth::conformance {

using boost::asio::awaitable;

std::string describe(const DriverAnswer& answer) {
  if (std::holds_alternative<ToolResult>(answer)) return "result";
  if (std::holds_alternative<ConsentRequired>(answer)) return "consent request";
  if (std::holds_alternative<ApprovalRequired>(answer)) return "approval request";
  const auto& e = std::get<ToolError>(answer);
  return "error " + e.code + (e.message.empty() ? "" : ": " + e.message.substr(0, 200));
}

AgentServiceContext::AgentServiceContext(Environment* env, Driver* driver)
    : ProfileContext(env), driver_(driver) {}

AgentServiceContext::~AgentServiceContext() = default;

Scenario AgentServiceContext::scenario(std::string id, std::string title, Severity severity,
                                       std::vector<std::string> capabilities,
                                       std::vector<std::string> spec_refs,
                                       std::vector<std::string> steps, Scenario::Body body) const {
  Scenario s;
  s.id = std::string(kAgentServiceProfile) + "/" + id;
  s.title = std::move(title);
  s.severity = severity;
  s.profile = std::string(kAgentServiceProfile);
  s.capabilities = std::move(capabilities);
  s.spec_refs = std::move(spec_refs);
  s.steps = std::move(steps);
  s.body = std::move(body);
  return s;
}

const nlohmann::json* AgentServiceContext::connection(ScenarioRecord& record, std::string_view name,
                                                      std::string_view project) {
  const auto* found = setup_connection(setup_, project, name);
  if (found == nullptr)
    record.abort("the setup document has no connection " + std::string(project) + "/" +
                 std::string(name));
  return found;
}

std::string AgentServiceContext::mount_of(std::string_view target) const {
  for (const auto& mount : env_->world().value("mounts", nlohmann::json::array())) {
    if (mount.value("url", "") == target) return mount.value("name", "");
  }
  return {};
}

const nlohmann::json* AgentServiceContext::identity(std::string_view name) const {
  return find_named(env_->world(), "identities", name);
}

awaitable<core::Result<std::string>> AgentServiceContext::caller_token(const std::string& user) {
  const auto offset = env_->clock().offset();
  if (auto cached = caller_tokens_.find(user);
      cached != caller_tokens_.end() && cached->second.offset == offset)
    co_return cached->second.token;
  auto token = co_await tokens_->user_token({user, std::string(kFoundryScope)});
  if (!token.ok()) co_return token.error();
  caller_tokens_[user] = {*token, offset};
  co_return *token;
}

awaitable<std::optional<Invoked>> AgentServiceContext::invoke(ScenarioRecord& record,
                                                              Invocation call) {
  auto token = co_await caller_token(call.user);
  if (!token.ok()) {
    record.abort("no caller token for " + call.user + ": " + token.error().message());
    co_return std::nullopt;
  }
  InvokeRequest request;
  request.id = "invoke-" + std::to_string(++invocations_);
  request.user = {call.user, *token};
  request.project = call.project;
  request.connection = call.connection;
  request.agent = call.agent;
  request.tool = call.tool;
  request.arguments = call.arguments;
  request.continues = call.continues;
  request.approve = call.approve;
  const auto what = call.tool + " on " + call.project + "/" + call.connection + " as " + call.user +
                    (call.continues ? " (re-send of " + *call.continues + ")" : "") +
                    (call.approve ? *call.approve ? ", approved" : ", denied" : "");
  record.step("invoke " + what);
  auto answer = co_await driver_->invoke(request);
  // What the driver itself saw (requests it made, their statuses; never a token).
  for (auto& seen : driver_->evidence()) record.observe(std::move(seen));
  if (!answer.ok()) {
    if (answer.error().detail == "unsupported" && call.unsupported_left_out)
      record.observe({{"invoke", request.id}, {"call", what}, {"answer", "unsupported; left out"}});
    else if (answer.error().detail == "unsupported")
      record.skip("the IUT does not support " + what);
    else
      record.abort("the IUT could not be driven (" + what + "): " + answer.error().message());
    co_return std::nullopt;
  }
  nlohmann::json seen = {{"invoke", request.id}, {"call", what}, {"answer", describe(*answer)}};
  if (const auto* result = std::get_if<ToolResult>(&*answer)) seen["output"] = result->output;
  record.observe(std::move(seen));
  co_return Invoked{request.id, std::move(*answer)};
}

awaitable<bool> AgentServiceContext::without_consents(ScenarioRecord& record,
                                                      std::vector<std::string> users) {
  for (const auto& user : users) {
    record.step("the IUT forgets " + user + "'s consents");
    // The user's token names them to a driver that cannot look users up (exec).
    auto token = co_await caller_token(user);
    if (!token.ok()) {
      record.abort("no caller token for " + user + ": " + token.error().message());
      co_return false;
    }
    auto forgotten = co_await driver_->forget_consents({user, *token});
    if (!forgotten.ok()) {
      if (forgotten.error().detail == "unsupported")
        record.skip("the driver cannot make the IUT forget a user's consents");
      else
        record.abort("forgetting " + user + "'s consents failed: " + forgotten.error().message());
      co_return false;
    }
  }
  on_cleanup([this, users]() -> awaitable<void> {
    for (const auto& user : users) {
      if (auto token = co_await caller_token(user); token.ok())
        (void)co_await driver_->forget_consents({user, *token});
    }
  });
  co_return true;
}

awaitable<std::optional<Invoked>> AgentServiceContext::ensure_consent(ScenarioRecord& record,
                                                                      Invocation call) {
  auto invoked = co_await invoke(record, call);
  if (!invoked) co_return std::nullopt;
  if (const auto* consent = std::get_if<ConsentRequired>(&invoked->answer)) {
    auto walk = co_await follow_consent(record, consent->link, call.user, ConsentDecision::approve);
    if (!walk.ok()) {
      record.abort("the consent walk for " + call.connection +
                   " failed: " + walk.error().message());
      co_return std::nullopt;
    }
    call.continues = invoked->id;
    invoked = co_await invoke(record, call);
    if (!invoked) co_return std::nullopt;
  }
  if (!std::holds_alternative<ToolResult>(invoked->answer)) {
    record.abort("no consent could be completed for " + call.user + " on " + call.project + "/" +
                 call.connection + ": " + describe(invoked->answer));
    co_return std::nullopt;
  }
  co_return invoked;
}

namespace {

awaitable<core::Result<nlohmann::json>> admin_call(http::Client& client, std::string url,
                                                   http::Method method, nlohmann::json body) {
  http::ClientRequest request{.method = method, .url = std::move(url)};
  if (!body.is_null()) {
    request.body = body.dump();
    request.headers.set("Content-Type", "application/json");
  }
  const auto path = request.url.substr(request.url.find("/_admin/"));
  auto response = co_await client.send(std::move(request));
  if (!response.ok()) co_return response.error();
  if (response->status < 200 || response->status > 299)
    co_return core::Error{core::make_error_code(core::Errc::invalid_argument),
                          path + " answered " + std::to_string(response->status) + " " +
                              response->body.substr(0, 200)};
  auto parsed = core::parse_json(response->body);
  co_return parsed.ok() ? *parsed : nlohmann::json(nullptr);
}

}  // namespace

awaitable<core::Result<nlohmann::json>> AgentServiceContext::idp_admin(http::Method method,
                                                                       std::string path,
                                                                       nlohmann::json body) {
  co_return co_await admin_call(env_->client(), env_->idp_url() + "/_admin/" + path, method,
                                std::move(body));
}

awaitable<core::Result<nlohmann::json>> AgentServiceContext::mcp_admin(http::Method method,
                                                                       std::string path,
                                                                       nlohmann::json body) {
  co_return co_await admin_call(env_->client(), env_->mcp_url() + "/_admin/" + path, method,
                                std::move(body));
}

void AgentServiceContext::advance_clock(std::chrono::seconds step) { env_->clock().advance(step); }

std::chrono::seconds AgentServiceContext::expiring_token_lifetime() const {
  return moves_clock() ? std::chrono::hours(1) : kShortTokenLifetime;
}

awaitable<bool> AgentServiceContext::let_time_pass(ScenarioRecord& record,
                                                   std::chrono::seconds clock_step,
                                                   std::chrono::milliseconds real_wait) {
  if (moves_clock()) {
    record.step("advance the shared clock by " + std::to_string(clock_step.count()) + " s");
    advance_clock(clock_step);
    co_return true;
  }
  if (real_wait > kMaxRealTimeWait) {
    record.abort("the scenario would wait " + std::to_string(real_wait.count()) +
                 " ms of real time; the bound is " + std::to_string(kMaxRealTimeWait.count()) +
                 " s");
    co_return false;
  }
  record.step("the IUT keeps its own time (no \"clock\" capability): wait " +
              std::to_string(real_wait.count()) + " ms of real time");
  if (real_wait.count() > 0) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, real_wait);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
  co_return true;
}

awaitable<bool> AgentServiceContext::refuse_tokens(ScenarioRecord& record, const std::string& mount,
                                                   const std::vector<std::string>& jti_hashes) {
  for (const auto& jti_hash : jti_hashes) {
    record.step("mock-mcp refuses the expired token " + jti_hash + " at mount " + mount +
                " (401 invalid_token; its clock leeway would still accept it)");
    auto armed = co_await mcp_admin(
        http::Method::post, "faults",
        {{"match", {{"endpoint", "mcp"}, {"mount", mount}, {"jti_hash", jti_hash}}},
         {"action",
          {{"status", 401}, {"error", "invalid_token"}, {"error_description", "token expired"}}}});
    if (!armed.ok()) {
      record.abort("mock-mcp refused the fault: " + armed.error().message());
      co_return false;
    }
  }
  co_return true;
}

awaitable<void> AgentServiceContext::after_scenario() {
  if (env_ == nullptr) co_return;
  co_await run_cleanups();
  if (env_->clock().offset() != core::Clock::duration::zero()) env_->clock().reset();
  (void)co_await idp_admin(http::Method::delete_, "lifetimes");
  (void)co_await idp_admin(http::Method::delete_, "faults");
  (void)co_await mcp_admin(http::Method::delete_, "faults");
}

}  // namespace toolauth::conformance
