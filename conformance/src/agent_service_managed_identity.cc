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
constexpr std::chrono::seconds kLifetime = 1h;
// Where a token must already have been replaced: a minute before it expires (Azure SDKs
// refresh five minutes before expiry).
constexpr std::chrono::seconds kNearExpiry = kLifetime - 1min;

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
      Severity::must, {"clock"}, {kFoundryMi, "RFC 6750 §3.1 (invalid_token for expired)"},
      {"give the project identity one-hour tokens; move the shared clock past every earlier token",
       "invoke whoami on project-mi (a fresh token)",
       "move the clock to a minute before that token expires; invoke again",
       "expect a different token the second time, a token request for it, and no refusal at "
       "mock-mcp"},
      [c, expected](ScenarioRecord& r) -> awaitable<void> {
        auto want = expected(r);
        if (!want) co_return;
        auto lifetime = co_await c->idp_admin(
            http::Method::put, "lifetimes",
            {{"client_id", want->client_id}, {"access_token_seconds", kLifetime.count()}});
        if (!lifetime.ok()) {
          r.abort("mock-idp refused the lifetime: " + lifetime.error().message());
          co_return;
        }
        r.step("advance the shared clock by " + std::to_string(kPastEarlierTokens.count()) + " s");
        c->advance_clock(kPastEarlierTokens);
        const auto mcp = c->mcp_mark();
        const auto first_mark = c->mcp_mark();
        auto first = co_await c->invoke(r, {.connection = kConnection});
        if (!first) co_return;
        const auto first_tokens =
            principal_values(c->mcp_since(first_mark, want->mount), "jti_hash");
        r.check("the first call succeeded", std::holds_alternative<ToolResult>(first->answer),
                "result", describe(first->answer));
        r.step("advance the shared clock by " + std::to_string(kNearExpiry.count()) + " s");
        c->advance_clock(kNearExpiry);
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
