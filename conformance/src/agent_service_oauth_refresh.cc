// Group `oauth` (refresh and restart): what the IUT does with a user's delegated tokens after
// consent on the OAuth2 connection `oauth-invoke` — refresh on expiry, a revoked refresh token,
// rotation, concurrent refreshes, an MCP server's 401, a restart. Judged from mock-idp's token
// journal (grant types, refresh-token family and use hashes) and mock-mcp's request journal.
//
// Each scenario starts from a fresh consent of its own (fresh_consent below), so refresh
// tokens of earlier scenarios never blur the count; expiry comes from the shared clock
// (capability "clock") or, for an IUT that keeps its own time, from short token lifetimes and a
// few seconds of real time (AgentServiceContext::let_time_pass); a 401 from mock-mcp's fault
// injector.

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <chrono>

#include "toolauth/conformance/agent_service_checks.h"
#include "toolauth/conformance/agent_service_context.h"
#include "toolauth/conformance/agent_service_refresh_checks.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;

const std::string kConnection = "oauth-invoke";
const std::string kUser = "alice";
const std::string kPassthrough =
    "Foundry MCP tool authentication: OAuth identity passthrough "
    "(reference/foundry-agent-service.md)";
constexpr std::string_view kRefreshGrant = "refresh_token";
constexpr std::string_view kCodeGrant = "authorization_code";
// Holds the first refresh at mock-idp so the concurrent calls all find the token expired while
// it is in flight (without it a slow IUT could serialise them and hide a missing single-flight).
constexpr int kRefreshLatencyMs = 1500;
constexpr int kConcurrentCalls = 3;

// The connection's OAuth client, its mock-mcp mount and the user's oid.
struct OAuthSubject {
  std::string client_id, mount, oid;
};

std::optional<OAuthSubject> oauth_subject(AgentServiceContext& c, ScenarioRecord& r) {
  const auto* connection = c.connection(r, kConnection);
  if (connection == nullptr) return std::nullopt;
  OAuthSubject s{connection->value("client_id", ""), c.mount_of(connection->value("target", "")),
                 c.user_oid(kUser)};
  if (s.client_id.empty() || s.mount.empty() || s.oid.empty()) {
    r.abort("the connection " + kConnection + " names no client_id or mock-mcp mount, or " + kUser +
            " has no oid");
    return std::nullopt;
  }
  return s;
}

Invocation oauth_call() { return {.user = kUser, .connection = kConnection}; }

// Arms 401 invalid_token at the mount for the user's whoami calls (`count` of them, every one
// when nullopt). Answers the rule id; aborts the record on failure.
awaitable<std::optional<std::string>> arm_mcp_401(AgentServiceContext& c, ScenarioRecord& r,
                                                  const OAuthSubject& s, std::optional<int> count) {
  nlohmann::json rule = {{"match", {{"mount", s.mount}, {"tool", "whoami"}, {"oid", s.oid}}},
                         {"action", {{"status", 401}, {"error", "invalid_token"}}}};
  if (count) rule["count"] = *count;
  r.step("arm mock-mcp: " + (count ? "the next " + std::to_string(*count) : std::string("every")) +
         " whoami call of " + kUser + " at mount " + s.mount + " answers 401 invalid_token");
  auto armed = co_await c.mcp_admin(http::Method::post, "faults", rule);
  if (!armed.ok()) {
    r.abort("mock-mcp refused the fault: " + armed.error().message());
    co_return std::nullopt;
  }
  co_return armed->value("id", "");
}

// Gives the connection client's access tokens the lifetime the scenario lets pass.
awaitable<bool> expiring_tokens(AgentServiceContext& c, ScenarioRecord& r, const OAuthSubject& s) {
  const auto lifetime = c.expiring_token_lifetime();
  r.step("give the connection's client " + std::to_string(lifetime.count()) +
         " s access tokens at mock-idp");
  auto set = co_await c.idp_admin(
      http::Method::put, "lifetimes",
      {{"client_id", s.client_id}, {"access_token_seconds", lifetime.count()}});
  if (!set.ok()) r.abort("mock-idp refused the lifetime: " + set.error().message());
  co_return set.ok();
}

// Lets every access token issued so far expire: the shared clock moves a minute past their
// lifetime, or that lifetime passes in real time and mock-mcp refuses the tokens it saw at the
// mount since `mark`. A token issued before now has exp <= now + lifetime (exp is in whole
// seconds); the extra second covers an IUT that rounds its own expiry up.
awaitable<bool> let_tokens_expire(AgentServiceContext& c, ScenarioRecord& r, const OAuthSubject& s,
                                  std::uint64_t mark) {
  const auto lifetime = c.expiring_token_lifetime();
  if (!co_await c.let_time_pass(r, lifetime + 1min, lifetime + 1s)) co_return false;
  if (c.moves_clock()) co_return true;
  co_return co_await c.refuse_tokens(r, s.mount,
                                     principal_values(c.mcp_since(mark, s.mount), "jti_hash"));
}

// A consent of this scenario's own: the user's refresh tokens for the connection's client are
// revoked at mock-idp and the next whoami answers 401, so an IUT still holding tokens from an
// earlier scenario must drop them and ask again; the consent is then completed. Answers the
// re-send that succeeded (nullopt: the record is aborted).
awaitable<std::optional<Invoked>> fresh_consent(AgentServiceContext& c, ScenarioRecord& r,
                                                const OAuthSubject& s) {
  r.step("revoke " + kUser + "'s refresh tokens for the connection's client at mock-idp");
  auto revoked = co_await c.idp_admin(http::Method::post, "revoke",
                                      {{"user", kUser}, {"client_id", s.client_id}});
  if (!revoked.ok()) {
    r.abort("mock-idp refused the revocation: " + revoked.error().message());
    co_return std::nullopt;
  }
  auto fault = co_await arm_mcp_401(c, r, s, 1);
  if (!fault) co_return std::nullopt;
  auto forced = co_await c.invoke(r, oauth_call());
  // An IUT without tokens asks for consent before calling mock-mcp: the rule is still armed.
  (void)co_await c.mcp_admin(http::Method::delete_, "faults/" + *fault);
  if (!forced) co_return std::nullopt;
  if (!std::holds_alternative<ConsentRequired>(forced->answer)) {
    r.abort("the IUT did not ask for consent once its tokens were revoked: " +
            describe(forced->answer));
    co_return std::nullopt;
  }
  co_return co_await c.ensure_consent(r, oauth_call());
}

bool is_result(const Invoked& invoked) {
  return std::holds_alternative<ToolResult>(invoked.answer);
}

// mock-mcp's whoami tools/call requests at the mount: "<status>" each, oldest first.
std::vector<std::string> whoami_requests(const nlohmann::json& mcp_entries) {
  std::vector<std::string> out;
  for (const auto& e : mcp_entries) {
    if (e.value("tool", "") == "whoami") out.push_back(std::to_string(e.value("status", 0)));
  }
  return out;
}

}  // namespace

void add_oauth_refresh_scenarios(AgentServiceContext& ctx, std::vector<Scenario>& out) {
  auto* c = &ctx;

  out.push_back(ctx.scenario(
      "oauth/refresh-on-expiry",
      "An expired access token is refreshed with the refresh token, without a new consent",
      Severity::must, {}, {kPassthrough, "RFC 6749 §6"},
      {"give the connection's client one-hour access tokens (" +
           std::to_string(AgentServiceContext::kShortTokenLifetime.count()) +
           " s without the clock capability); " + kUser + " consents afresh on oauth-invoke",
       "move the shared clock past the access token's expiry (without the clock: let its "
       "lifetime pass and have mock-mcp refuse it); invoke whoami",
       "expect a result, a refresh_token grant at mock-idp, no code redemption and no consent "
       "request"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        auto s = oauth_subject(*c, r);
        if (!s || !co_await expiring_tokens(*c, r, *s)) co_return;
        const auto mcp = c->mcp_mark();
        if (!co_await fresh_consent(*c, r, *s)) co_return;
        if (!co_await let_tokens_expire(*c, r, *s, mcp)) co_return;
        const auto idp = c->idp_mark();
        auto invoked = co_await c->invoke(r, oauth_call());
        if (!invoked) co_return;
        r.check("the call after expiry answered with a result (no consent request)",
                is_result(*invoked), "result", describe(invoked->answer));
        const auto journal = c->idp_since(idp);
        const auto refreshes = issued_count(token_grants(journal, kRefreshGrant, s->client_id));
        r.check("the IUT refreshed the token", refreshes >= 1, ">= 1 refresh_token grant",
                std::to_string(refreshes));
        const auto codes = token_grants(journal, kCodeGrant, s->client_id).size();
        r.check("no new code redemption", codes == 0, "0", std::to_string(codes));
      }));

  out.push_back(ctx.scenario(
      "oauth/revoked-refresh-reconsent",
      "A revoked refresh token leads to a new consent request, never an error", Severity::must, {},
      {kPassthrough, "RFC 6749 §5.2 (invalid_grant)"},
      {kUser + " consents afresh on oauth-invoke",
       "revoke the refresh-token family at mock-idp; the next whoami at mock-mcp answers 401",
       "invoke whoami: expect a consent request, not an error",
       "complete that consent and re-send: expect a result"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        auto s = oauth_subject(*c, r);
        if (!s || !co_await fresh_consent(*c, r, *s)) co_return;
        r.step("revoke " + kUser + "'s refresh tokens for the connection's client at mock-idp");
        auto revoked = co_await c->idp_admin(http::Method::post, "revoke",
                                             {{"user", kUser}, {"client_id", s->client_id}});
        if (!revoked.ok()) {
          r.abort("mock-idp refused the revocation: " + revoked.error().message());
          co_return;
        }
        if (!co_await arm_mcp_401(*c, r, *s, 1)) co_return;
        const auto idp = c->idp_mark();
        auto invoked = co_await c->invoke(r, oauth_call());
        if (!invoked) co_return;
        const auto* consent = std::get_if<ConsentRequired>(&invoked->answer);
        r.observe({{"refresh_attempts",
                    token_grants(c->idp_since(idp), kRefreshGrant, s->client_id).size()}});
        if (!r.check("the IUT asked for consent again", consent != nullptr, "consent request",
                     describe(invoked->answer)))
          co_return;
        auto walk = co_await c->follow_consent(r, consent->link, kUser, ConsentDecision::approve);
        if (!walk.ok()) {
          r.abort("the consent walk failed: " + walk.error().message());
          co_return;
        }
        auto call = oauth_call();
        call.continues = invoked->id;
        auto resent = co_await c->invoke(r, call);
        if (!resent) co_return;
        r.check("the re-send after the new consent succeeded", is_result(*resent), "result",
                describe(resent->answer));
      }));

  out.push_back(ctx.scenario(
      "oauth/refresh-rotation",
      "Each refresh presents the refresh token the previous one issued, never an older one",
      Severity::must, {}, {kPassthrough, "RFC 9700 §4.14.2", "RFC 6749 §6"},
      {kUser + " consents afresh on oauth-invoke",
       "twice: the next whoami at mock-mcp answers 401; invoke whoami (the IUT refreshes)",
       "expect two results, two refresh_token grants, and in mock-idp's journal each refresh "
       "presenting the refresh token its family's previous grant issued (use hash = the previous "
       "refresh_issued hash), none presented twice"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        auto s = oauth_subject(*c, r);
        if (!s) co_return;
        const auto idp = c->idp_mark();
        if (!co_await fresh_consent(*c, r, *s)) co_return;
        for (int round = 1; round <= 2; ++round) {
          if (!co_await arm_mcp_401(*c, r, *s, 1)) co_return;
          auto invoked = co_await c->invoke(r, oauth_call());
          if (!invoked) co_return;
          r.check("call " + std::to_string(round) + " after the 401 answered with a result",
                  is_result(*invoked), "result", describe(invoked->answer));
        }
        const auto journal = c->idp_since(idp);
        const auto refreshes = token_grants(journal, kRefreshGrant, s->client_id);
        r.observe({{"rotation_modes", [&] {
                      nlohmann::json modes = nlohmann::json::array();
                      for (const auto& g : refreshes)
                        if (g.contains("rotation")) modes.push_back(g["rotation"]);
                      return modes;
                    }()}});
        r.check("two refreshes", issued_count(refreshes) >= 2, ">= 2 refresh_token grants issued",
                std::to_string(issued_count(refreshes)));
        const auto problems = refresh_rotation_problems(journal, s->client_id);
        r.check("every refresh presented its family's latest refresh token", problems.empty(),
                "no reuse", join_or_none(problems));
      }));

  out.push_back(ctx.scenario(
      "oauth/concurrent-single-refresh",
      "Concurrent calls that need a refresh share one refresh_token redemption", Severity::must, {},
      {kPassthrough, "RFC 9700 §4.14.2"},
      {"give the connection's client one-hour access tokens (" +
           std::to_string(AgentServiceContext::kShortTokenLifetime.count()) +
           " s without the clock capability); " + kUser + " consents afresh on oauth-invoke",
       "move the shared clock past the access token's expiry (without the clock: let its "
       "lifetime pass and have mock-mcp refuse it); hold mock-idp's next refresh answer for " +
           std::to_string(kRefreshLatencyMs) + " ms",
       "invoke whoami " + std::to_string(kConcurrentCalls) + " times at once",
       "expect every call to succeed and exactly one refresh_token request at mock-idp"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        auto s = oauth_subject(*c, r);
        if (!s || !co_await expiring_tokens(*c, r, *s)) co_return;
        const auto mcp = c->mcp_mark();
        if (!co_await fresh_consent(*c, r, *s)) co_return;
        if (!co_await let_tokens_expire(*c, r, *s, mcp)) co_return;
        auto held = co_await c->idp_admin(
            http::Method::post, "faults",
            {{"match",
              {{"endpoint", "token"}, {"grant_type", kRefreshGrant}, {"client_id", s->client_id}}},
             {"action", {{"latency_ms", kRefreshLatencyMs}}},
             {"count", 1}});
        if (!held.ok()) {
          r.abort("mock-idp refused the latency fault: " + held.error().message());
          co_return;
        }
        // The caller token is minted before the calls race, so they differ only in timing.
        if (!(co_await c->caller_token(kUser)).ok()) {
          r.abort("no caller token for " + kUser);
          co_return;
        }
        const auto idp = c->idp_mark();
        static_assert(kConcurrentCalls == 3, "the parallel invokes below are spelled out");
        auto [a, b, d] = co_await (c->invoke(r, oauth_call()) && c->invoke(r, oauth_call()) &&
                                   c->invoke(r, oauth_call()));
        int n = 0;
        for (const auto* invoked : {&a, &b, &d}) {
          ++n;
          if (!*invoked) co_return;
          r.check("concurrent call " + std::to_string(n) + " answered with a result",
                  is_result(**invoked), "result", describe((*invoked)->answer));
        }
        const auto refreshes = token_grants(c->idp_since(idp), kRefreshGrant, s->client_id);
        r.check("exactly one refresh for " + std::to_string(kConcurrentCalls) + " calls",
                refreshes.size() == 1, "1 refresh_token request", std::to_string(refreshes.size()));
      }));

  out.push_back(ctx.scenario(
      "oauth/mcp-401-one-refresh",
      "A 401 from the MCP server leads to one refresh and one retry, never a loop", Severity::must,
      {}, {kPassthrough, "RFC 6750 §3.1 (invalid_token)"},
      {kUser + " consents afresh on oauth-invoke; the next whoami at mock-mcp answers 401",
       "invoke whoami: expect a result after exactly one refresh and two whoami requests",
       kUser + " consents afresh; every whoami at mock-mcp answers 401",
       "invoke whoami: expect an error after exactly one refresh and two whoami requests"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        auto s = oauth_subject(*c, r);
        if (!s) co_return;
        struct Part {
          std::optional<int> faults;
          bool succeeds;
          std::string name;
        };
        const std::vector<Part> parts = {{1, true, "one 401"},
                                         {std::nullopt, false, "401 on every call"}};
        for (const auto& part : parts) {
          if (!co_await fresh_consent(*c, r, *s)) co_return;
          auto fault = co_await arm_mcp_401(*c, r, *s, part.faults);
          if (!fault) co_return;
          const auto idp = c->idp_mark();
          const auto mcp = c->mcp_mark();
          auto invoked = co_await c->invoke(r, oauth_call());
          (void)co_await c->mcp_admin(http::Method::delete_, "faults/" + *fault);
          if (!invoked) co_return;
          if (part.succeeds) {
            r.check(part.name + ": the call succeeded after the retry", is_result(*invoked),
                    "result", describe(invoked->answer));
          } else {
            r.check(part.name + ": the call failed with a tool error",
                    std::holds_alternative<ToolError>(invoked->answer), "a tool error",
                    describe(invoked->answer));
          }
          const auto refreshes = token_grants(c->idp_since(idp), kRefreshGrant, s->client_id);
          r.check(part.name + ": exactly one refresh", refreshes.size() == 1,
                  "1 refresh_token request", std::to_string(refreshes.size()));
          const auto calls = whoami_requests(c->mcp_since(mcp, s->mount));
          r.check(part.name + ": one call and one retry at mock-mcp", calls.size() == 2,
                  "2 whoami requests", join_or_none(calls));
        }
      }));

  out.push_back(ctx.scenario(
      "oauth/survives-restart", "A consent survives a restart of the IUT", Severity::must,
      {"restart"}, {kPassthrough},
      {kUser + " consents afresh on oauth-invoke", "restart the IUT",
       "invoke whoami: expect a result without a consent request and without a new code "
       "redemption at mock-idp"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        auto s = oauth_subject(*c, r);
        if (!s || !co_await fresh_consent(*c, r, *s)) co_return;
        const auto idp = c->idp_mark();
        r.step("restart the IUT");
        auto restarted = co_await c->driver().restart();
        if (!restarted.ok()) {
          r.abort("the IUT could not be restarted: " + restarted.error().message());
          co_return;
        }
        auto invoked = co_await c->invoke(r, oauth_call());
        if (!invoked) co_return;
        r.check("the call after the restart answered with a result (no consent request)",
                is_result(*invoked), "result", describe(invoked->answer));
        const auto codes = token_grants(c->idp_since(idp), kCodeGrant, s->client_id).size();
        r.check("no new code redemption", codes == 0, "0", std::to_string(codes));
      }));
}

}  // namespace toolauth::conformance
