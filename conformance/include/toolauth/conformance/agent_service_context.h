#pragma once
// What the agent-service scenario groups share: the environment (mock-idp, mock-mcp, their
// journals and admin planes), the driver of the IUT, the setup document pushed to it, and
// helpers every group needs. Each group lives in its own file (agent_service_<group>.cc)
// and registers its scenarios through add_<group>_scenarios(AgentServiceContext&, out):
//
//   void add_key_scenarios(AgentServiceContext& ctx, std::vector<Scenario>& out) {
//     out.push_back(ctx.scenario("key/header-sent", "...", Severity::must, {}, {refs}, {steps},
//         [&ctx](ScenarioRecord& r) -> awaitable<void> {
//           const auto mark = ctx.mcp_mark();
//           auto answer = co_await ctx.invoke(r, {.connection = "api-key"});
//           if (!answer) co_return;  // ctx.invoke aborted the record
//           for (const auto& e : ctx.mcp_since(mark, "api-key")) ...
//         }));
//   }
//
// Scenario bodies run one at a time (the runner's order); the context lives as long as the
// profile. The body is constructed without an environment for --list: helpers are only
// called from bodies, after prepare().
//
// State a scenario changes in the shared world (clock offset, token lifetimes, faults at
// mock-idp and mock-mcp) is reset by after_scenario(); anything else a scenario changes in the
// IUT it undoes with on_cleanup() (run after the scenario, even when it stopped half way).

#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "toolauth/conformance/driver.h"
#include "toolauth/conformance/environment.h"
#include "toolauth/conformance/profile_context.h"
#include "toolauth/conformance/scenario.h"

namespace toolauth::conformance {

// One tool call as a user; the defaults are alice calling whoami.
struct Invocation {
  std::string user = "alice";
  std::string project = "alpha";
  std::string connection;
  std::string tool = "whoami";
  nlohmann::json arguments = nlohmann::json::object();
  std::optional<std::string> agent;  // default: the connection's agent (no approval)
  // Re-send of an earlier invocation (its Invoked::id), after consent or approval.
  std::optional<std::string> continues;
  // With `continues`: approve (or deny) the approval that invocation asked for.
  std::optional<bool> approve;
  // A call the driver answers "unsupported" is observed and left out instead of skipping the
  // scenario (invoke answers nullopt without aborting).
  bool unsupported_left_out = false;
};

struct Invoked {
  std::string id;  // for Invocation::continues
  DriverAnswer answer;
};

class AgentServiceContext : public ProfileContext {
 public:
  // `env` and `driver` may be null (listing only).
  AgentServiceContext(Environment* env, Driver* driver);
  ~AgentServiceContext();

  Driver& driver() { return *driver_; }
  const nlohmann::json& setup() const { return setup_; }
  void set_setup(nlohmann::json setup) { setup_ = std::move(setup); }
  // The IUT's OAuth callback URLs (its setup answer), as registered at mock-idp.
  const std::vector<std::string>& redirect_uris() const { return redirect_uris_; }
  void set_redirect_uris(std::vector<std::string> uris) { redirect_uris_ = std::move(uris); }
  const std::set<std::string>& capabilities() const { return capabilities_; }
  void set_capabilities(std::set<std::string> capabilities) {
    capabilities_ = std::move(capabilities);
  }

  // A scenario of this profile: id "agent-service/<group>/<name>".
  Scenario scenario(std::string id, std::string title, Severity severity,
                    std::vector<std::string> capabilities, std::vector<std::string> spec_refs,
                    std::vector<std::string> steps, Scenario::Body body) const;

  // --- the world ------------------------------------------------------------------------
  // A setup document connection; the record is aborted (and nullptr returned) when absent.
  const nlohmann::json* connection(ScenarioRecord& record, std::string_view name,
                                   std::string_view project = "alpha");
  // The mock-mcp mount a target URL points at ("" when none).
  std::string mount_of(std::string_view target) const;
  const nlohmann::json* identity(std::string_view name) const;

  // --- acting as a user -------------------------------------------------------------------
  // A caller token for the IUT's API (audience https://ai.azure.com) from mock-idp (ROPC with
  // the public client `caller`); minted again when the shared clock moved since. A secret.
  boost::asio::awaitable<core::Result<std::string>> caller_token(const std::string& user);
  // Invokes through the driver as `call.user`, recording a step and an observation (the answer
  // shape, never a token). A transport failure or missing token aborts the record, a call the
  // driver answers "unsupported" skips it; both answer nullopt.
  boost::asio::awaitable<std::optional<Invoked>> invoke(ScenarioRecord& record, Invocation call);
  // Makes the IUT forget the delegated tokens of `users` now and again after the scenario
  // (Driver::forget_consents), so the scenario starts from "never consented" and leaves no
  // consent behind. False when it cannot: the record is skipped (unsupported) or aborted.
  boost::asio::awaitable<bool> without_consents(ScenarioRecord& record,
                                                std::vector<std::string> users);
  // Makes sure `call.user` has consented on call.project/call.connection (OAuth2): invokes
  // `call`; on a consent request follows it (approve) and re-sends. Answers the invocation
  // that returned a result; anything else aborts the record and answers nullopt.
  boost::asio::awaitable<std::optional<Invoked>> ensure_consent(ScenarioRecord& record,
                                                                Invocation call);

  // --- changing the world -----------------------------------------------------------------
  // A call to an admin plane (<server>/_admin/<path>); non-2xx is an error naming the answer.
  boost::asio::awaitable<core::Result<nlohmann::json>> idp_admin(http::Method method,
                                                                 std::string path,
                                                                 nlohmann::json body = nullptr);
  boost::asio::awaitable<core::Result<nlohmann::json>> mcp_admin(http::Method method,
                                                                 std::string path,
                                                                 nlohmann::json body = nullptr);
  // Moves the shared clock forward (capability "clock"); after_scenario puts it back.
  void advance_clock(std::chrono::seconds step);

  // --- token expiry, with or without the clock ----------------------------------------------
  // An IUT with the "clock" capability reads the shared clock: a scenario gives tokens an hour
  // and moves the clock past it. One without it keeps its own time: the scenario gives tokens
  // kShortTokenLifetime and lets that much real time pass (never more than kMaxRealTimeWait),
  // and mock-mcp, which accepts a token within its clock leeway, is told to refuse the
  // expired ones (refuse_tokens).
  static constexpr std::chrono::seconds kShortTokenLifetime{3};
  static constexpr std::chrono::seconds kMaxRealTimeWait{10};
  bool moves_clock() const { return capabilities_.contains("clock"); }
  // The access-token lifetime a scenario that lets tokens expire sets at mock-idp.
  std::chrono::seconds expiring_token_lifetime() const;
  // Advances the shared clock by `clock_step`, or without the clock waits `real_wait` in real
  // time (a wait above kMaxRealTimeWait aborts the record). False when the record is aborted.
  boost::asio::awaitable<bool> let_time_pass(ScenarioRecord& record,
                                             std::chrono::seconds clock_step,
                                             std::chrono::milliseconds real_wait);
  // mock-mcp answers 401 invalid_token to every request at `mount` presenting one of these
  // tokens (jti hashes, as its journal shows them) until the scenario ends.
  boost::asio::awaitable<bool> refuse_tokens(ScenarioRecord& record, const std::string& mount,
                                             const std::vector<std::string>& jti_hashes);
  // Resets the clock, token lifetimes and faults and runs the cleanups.
  boost::asio::awaitable<void> after_scenario();

 private:
  Driver* driver_;
  nlohmann::json setup_ = nlohmann::json::object();
  std::vector<std::string> redirect_uris_;
  std::set<std::string> capabilities_;
  struct CachedToken {
    std::string token;
    core::Clock::duration offset;
  };
  std::map<std::string, CachedToken> caller_tokens_;
  std::uint64_t invocations_ = 0;
};

// How an answer reads in steps and checks: "result", "consent request", "approval request",
// "error <code>: <message>".
std::string describe(const DriverAnswer& answer);

// Group registrations (one file each).
void add_key_scenarios(AgentServiceContext& ctx, std::vector<Scenario>& out);
void add_managed_identity_scenarios(AgentServiceContext& ctx, std::vector<Scenario>& out);
void add_agent_identity_scenarios(AgentServiceContext& ctx, std::vector<Scenario>& out);
void add_user_entra_scenarios(AgentServiceContext& ctx, std::vector<Scenario>& out);
void add_oauth_consent_scenarios(AgentServiceContext& ctx, std::vector<Scenario>& out);
void add_approvals_scenarios(AgentServiceContext& ctx, std::vector<Scenario>& out);
void add_oauth_refresh_scenarios(AgentServiceContext& ctx, std::vector<Scenario>& out);

}  // namespace toolauth::conformance
