// Group `approvals`: an agent whose MCP tool requires approval (require_approval always) on an
// OAuth2 identity passthrough connection. Approval and consent are two separate gates: the
// call needs both (in whichever order the IUT asks), approval never stands in for the user's
// token, and the call then goes out as the user.

#include "toolauth/conformance/agent_service_checks.h"
#include "toolauth/conformance/agent_service_context.h"
#include "toolauth/conformance/agent_service_setup.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

const std::string kConnection = "oauth-invoke";

// The setup agent that runs `connection` of alpha with require_approval always ("" if none).
std::string approval_agent(const nlohmann::json& setup, const std::string& connection) {
  for (const auto& a : setup.value("agents", nlohmann::json::array())) {
    if (a.value("project", "") == kProjectAlpha && a.value("connection", "") == connection &&
        a.value("require_approval", "") == "always")
      return a.value("name", "");
  }
  return {};
}

// The mcp entries that called `tool` (tools/call), as "#seq" each.
std::vector<std::string> calls_of(const nlohmann::json& mcp_entries, const std::string& tool) {
  std::vector<std::string> out;
  for (const auto& e : mcp_entries) {
    if (e.value("tool", "") == tool) out.push_back("#" + std::to_string(e.value("seq", 0)));
  }
  return out;
}

nlohmann::json calls_only(const nlohmann::json& mcp_entries, const std::string& tool) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : mcp_entries) {
    if (e.value("tool", "") == tool) out.push_back(e);
  }
  return out;
}

}  // namespace

void add_approvals_scenarios(AgentServiceContext& ctx, std::vector<Scenario>& out) {
  auto* c = &ctx;
  out.push_back(ctx.scenario(
      "approvals/with-consent",
      "Approval and consent combine: both are needed, then the call goes out as the user",
      Severity::must, {"approvals"},
      {"Foundry MCP tool require_approval (reference/foundry-agent-service.md)",
       "Foundry OAuth identity passthrough (reference/foundry-agent-service.md)"},
      {"make the IUT forget alice's consents",
       "invoke whoami as alice through the agent that requires approval on alpha/oauth-invoke",
       "answer each request the IUT makes: follow a consent link and approve, or approve the "
       "call; re-send after each",
       "expect exactly one consent request and one approval request, no whoami call at mock-mcp "
       "before the approval, then a result with every whoami call allowed as alice",
       "invoke again: expect an approval request only (the consent holds), approve, a result"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto* connection = c->connection(r, kConnection);
        if (connection == nullptr) co_return;
        const auto agent = approval_agent(c->setup(), kConnection);
        if (agent.empty()) {
          r.abort("the setup document has no agent requiring approval on " + kConnection);
          co_return;
        }
        if (!co_await c->without_consents(r, {"alice"})) co_return;
        const auto mount = c->mount_of(connection->value("target", ""));
        const auto oid = c->user_oid("alice");
        const Invocation call{.connection = kConnection, .agent = agent};

        const auto start = c->mcp_mark();
        std::uint64_t approved_at = 0;
        int consents = 0, approvals = 0;
        auto invoked = co_await c->invoke(r, call);
        // Consent and approval, in the IUT's order; more than one of each is a failure below.
        while (invoked && consents + approvals < 3) {
          auto next = call;
          next.continues = invoked->id;
          if (const auto* consent = std::get_if<ConsentRequired>(&invoked->answer)) {
            ++consents;
            auto walk =
                co_await c->follow_consent(r, consent->link, "alice", ConsentDecision::approve);
            if (!walk.ok()) {
              r.abort("the user agent could not follow the consent link: " +
                      walk.error().message());
              co_return;
            }
          } else if (std::holds_alternative<ApprovalRequired>(invoked->answer)) {
            ++approvals;
            const auto early = calls_of(c->mcp_since(start, mount), "whoami");
            r.check("no whoami call before the approval", early.empty(), "none",
                    join_or_none(early));
            approved_at = c->mcp_mark();
            next.approve = true;
          } else {
            break;
          }
          invoked = co_await c->invoke(r, next);
        }
        if (!invoked) co_return;
        r.check("the IUT asked for consent once", consents == 1, "1", std::to_string(consents));
        r.check("the IUT asked for approval once", approvals == 1, "1", std::to_string(approvals));
        if (!r.check("the approved, consented call answered",
                     std::holds_alternative<ToolResult>(invoked->answer), "a result",
                     describe(invoked->answer)))
          co_return;
        const auto& output = std::get<ToolResult>(invoked->answer).output;
        r.check("whoami names alice", output.is_object() && output.value("oid", "") == oid, oid,
                output.is_object() ? output.value("oid", "(none)") : output.dump());
        const auto calls = calls_only(c->mcp_since(approved_at, mount), "whoami");
        r.check("whoami went out after the approval", !calls.empty(), "at least one call",
                std::to_string(calls.size()));
        r.check("every whoami call was allowed", refusals(calls).empty(), "none refused",
                join_or_none(refusals(calls)));
        const auto seen = principal_values(calls, "oid");
        r.check("every whoami call went out as alice", seen == std::vector<std::string>{oid}, oid,
                join_or_none(seen));

        r.step("a second call: the consent holds, the approval is asked again");
        auto second = co_await c->invoke(r, call);
        if (!second) co_return;
        if (!r.check("the second call asks for approval only",
                     std::holds_alternative<ApprovalRequired>(second->answer),
                     "an approval request", describe(second->answer)))
          co_return;
        auto approved = co_await c->invoke(
            r,
            {.connection = kConnection, .agent = agent, .continues = second->id, .approve = true});
        if (!approved) co_return;
        r.check("the approved second call answered",
                std::holds_alternative<ToolResult>(approved->answer), "a result",
                describe(approved->answer));
      }));
}

}  // namespace toolauth::conformance
