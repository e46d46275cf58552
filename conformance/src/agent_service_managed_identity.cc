// Group `managed-identity`: a ProjectManagedIdentity connection to mock-mcp's bearer mount.
// The IUT's project identity gets a token for the connection's audience and presents it.

#include <chrono>

#include "toolauth/conformance/agent_service_checks.h"
#include "toolauth/conformance/agent_service_context.h"
#include "toolauth/conformance/agent_service_setup.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;
using namespace std::chrono_literals;

const std::string kConnection = "project-mi";
const std::string kFoundryMi =
    "Foundry MCP tool authentication: project managed identity "
    "(reference/foundry-agent-service.md)";
constexpr int kCalls = 3;
// Beyond the lifetime of any token issued before the scenario (Entra's longest is 24 h).
constexpr std::chrono::seconds kPastEarlierTokens = 48h;
// Where a token must already have been replaced: a minute before it expires (Azure SDKs
// refresh five minutes before expiry, or at half its life when that is sooner). In real time
// the tokens live kRealTimeLifetime and the second call comes kNearExpiryRealTime before the
// earliest moment the token issued during the first call can expire (exp is in whole
// seconds): past half its life, with at most a second and a half plus the first call's
// duration left, so any refresh margin of seconds or of half the life must have replaced it.
constexpr std::chrono::seconds kNearExpiry = 1min;
constexpr std::chrono::seconds kRealTimeLifetime = 6s;
constexpr std::chrono::milliseconds kNearExpiryRealTime = 1500ms;

// The entries of `oid` among mock-mcp journal entries.
nlohmann::json entries_of(const nlohmann::json& mcp_entries, const std::string& oid) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : mcp_entries) {
    if (e.contains("principal") && e["principal"].value("oid", "") == oid) out.push_back(e);
  }
  return out;
}

}  // namespace

void add_managed_identity_scenarios(AgentServiceContext& ctx, std::vector<Scenario>& out) {
  auto* c = &ctx;
  // The project identity and the audience the connection names (the record is aborted when
  // the world or the setup lacks them).
  struct Expected {
    std::string oid, client_id, audience, audience_client_id, mount;
  };
  auto expected = [c](ScenarioRecord& r) -> std::optional<Expected> {
    const auto* connection = c->connection(r, kConnection);
    const auto* identity = c->identity(kProjectIdentity);
    if (connection == nullptr) return std::nullopt;
    if (identity == nullptr) {
      r.abort("the world has no identity " + std::string(kProjectIdentity));
      return std::nullopt;
    }
    Expected e{identity->value("object_id", ""), identity->value("client_id", ""),
               connection->value("audience", ""), "", c->mount_of(connection->value("target", ""))};
    const auto* resource = find_named(c->env().world(), "resources", kToolResource);
    if (resource != nullptr && resource->value("app_id_uri", "") == e.audience)
      e.audience_client_id = resource->value("client_id", "");
    return e;
  };

  out.push_back(ctx.scenario(
      "managed-identity/audience-and-oid",
      "The token is for the connection's audience and names the project identity", Severity::must,
      {}, {kFoundryMi, "RFC 9068 §4 (aud)", "RFC 8707 §2"},
      {"invoke whoami on project-mi as alice",
       "expect mock-mcp to have allowed a token whose aud is the connection's audience and whose "
       "oid is the project's managed identity (not alice)"},
      [c, expected](ScenarioRecord& r) -> awaitable<void> {
        auto want = expected(r);
        if (!want) co_return;
        const auto mark = c->mcp_mark();
        auto invoked = co_await c->invoke(r, {.connection = kConnection});
        if (!invoked) co_return;
        r.check("the call answered with a result",
                std::holds_alternative<ToolResult>(invoked->answer), "result",
                describe(invoked->answer));
        const auto entries = c->mcp_since(mark, want->mount);
        bool seen = false;
        for (const auto& e : entries) {
          if (e.value("outcome", "") != "allowed") continue;
          seen = true;
          const auto& p = e["principal"];
          r.check("aud of request #" + std::to_string(e.value("seq", 0)),
                  audience_matches(p.value("aud", nlohmann::json()), want->audience,
                                   want->audience_client_id, p.value("ver", "")),
                  want->audience, p.value("aud", nlohmann::json()).dump());
          r.check("oid of request #" + std::to_string(e.value("seq", 0)),
                  p.value("oid", "") == want->oid, "the project identity " + want->oid,
                  p.value("oid", "(none)"));
        }
        r.check("mock-mcp allowed the IUT's requests", seen, "allowed requests",
                join_or_none(refusals(entries)));
      }));

  out.push_back(ctx.scenario(
      "managed-identity/token-cached", "N tool calls use one token: at most one token request",
      Severity::must, {}, {kFoundryMi, "Azure Identity token caching guidance"},
      {"invoke whoami on project-mi three times",
       "expect every request at mock-mcp to carry the same token (one jti)",
       "expect at most one managed-identity token request at mock-idp (none when a token from an "
       "earlier scenario is still fresh)"},
      [c, expected](ScenarioRecord& r) -> awaitable<void> {
        auto want = expected(r);
        if (!want) co_return;
        const auto idp = c->idp_mark();
        const auto mcp = c->mcp_mark();
        // Whether the token is accepted is audience-and-oid's question; here: how many tokens.
        for (int i = 0; i < kCalls; ++i) {
          if (!co_await c->invoke(r, {.connection = kConnection})) co_return;
        }
        const auto tokens = principal_values(c->mcp_since(mcp, want->mount), "jti_hash");
        r.check(
            "at most one token for " + std::to_string(kCalls) + " calls", tokens.size() <= 1,
            "1 token",
            std::to_string(tokens.size()) + " tokens (jti hashes " + join_or_none(tokens) + ")");
        const auto requests = managed_identity_token_requests(c->idp_since(idp), want->client_id);
        r.check("at most one token request", requests <= 1, "0 or 1", std::to_string(requests));
      }));

  out.push_back(ctx.scenario(
      "managed-identity/refreshed-before-expiry",
      "A new token is fetched before the old one expires; an expired one never reaches mock-mcp",
      Severity::must, {}, {kFoundryMi, "RFC 6750 §3.1 (invalid_token for expired)"},
      {"give the project identity one-hour tokens (" + std::to_string(kRealTimeLifetime.count()) +
           " s without the clock capability); move the shared clock past every earlier token "
           "(without the clock: mock-mcp refuses every token of the identity it saw before)",
       "invoke whoami on project-mi (a fresh token)",
       "move the clock to a minute before that token expires (without the clock: wait until "
       "it has at least " +
           std::to_string(kNearExpiryRealTime.count()) +
           " ms left, past half its life); invoke again",
       "expect a different token the second time, a token request for it, and no refusal at "
       "mock-mcp (without the clock: none after the first call)"},
      [c, expected](ScenarioRecord& r) -> awaitable<void> {
        auto want = expected(r);
        if (!want) co_return;
        const std::chrono::seconds lifetime = c->moves_clock() ? 1h : kRealTimeLifetime;
        r.step("give the project identity " + std::to_string(lifetime.count()) +
               " s tokens at mock-idp");
        auto set = co_await c->idp_admin(
            http::Method::put, "lifetimes",
            {{"client_id", want->client_id}, {"access_token_seconds", lifetime.count()}});
        if (!set.ok()) {
          r.abort("mock-idp refused the lifetime: " + set.error().message());
          co_return;
        }
        if (c->moves_clock()) {
          (void)co_await c->let_time_pass(r, kPastEarlierTokens, 0ms);
        } else if (!co_await c->refuse_tokens(
                       r, want->mount,
                       principal_values(entries_of(c->mcp_since(0, want->mount), want->oid),
                                        "jti_hash"))) {
          co_return;
        }
        auto mcp = c->mcp_mark();
        const auto first_mark = c->mcp_mark();
        const auto first_started = std::chrono::steady_clock::now();
        auto first = co_await c->invoke(r, {.connection = kConnection});
        if (!first) co_return;
        // Without the clock the first call may meet a refusal of an earlier token (and fetch a
        // new one): only what follows it must be free of refusals.
        if (!c->moves_clock()) mcp = c->mcp_mark();
        const auto first_tokens =
            principal_values(c->mcp_since(first_mark, want->mount), "jti_hash");
        r.check("the first call succeeded", std::holds_alternative<ToolResult>(first->answer),
                "result", describe(first->answer));
        const auto until_near_expiry =
            first_started + lifetime - 1s - kNearExpiryRealTime - std::chrono::steady_clock::now();
        if (!co_await c->let_time_pass(
                r, lifetime - kNearExpiry,
                std::max(0ms,
                         std::chrono::duration_cast<std::chrono::milliseconds>(until_near_expiry))))
          co_return;
        const auto idp = c->idp_mark();
        const auto second_mark = c->mcp_mark();
        auto second = co_await c->invoke(r, {.connection = kConnection});
        if (!second) co_return;
        r.check("the call near expiry succeeded",
                std::holds_alternative<ToolResult>(second->answer), "result",
                describe(second->answer));
        const auto second_tokens =
            principal_values(c->mcp_since(second_mark, want->mount), "jti_hash");
        const bool renewed = !second_tokens.empty() && !first_tokens.empty() &&
                             std::find(first_tokens.begin(), first_tokens.end(),
                                       second_tokens.front()) == first_tokens.end();
        r.check("a new token a minute before the old one expires", renewed,
                "a jti other than " + join_or_none(first_tokens), join_or_none(second_tokens));
        const auto requests = managed_identity_token_requests(c->idp_since(idp), want->client_id);
        r.check("a token request for the new token", requests >= 1, ">= 1",
                std::to_string(requests));
        const auto refused = refusals(c->mcp_since(mcp, want->mount));
        r.check("mock-mcp never refused a token (never an expired one)", refused.empty(), "none",
                join_or_none(refused));
      }));
}

}  // namespace toolauth::conformance
