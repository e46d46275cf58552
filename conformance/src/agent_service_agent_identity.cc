// Group `agent-identity`: an AgenticIdentityToken connection to mock-mcp's bearer mount. The
// agent acts as its own Entra agent identity (app-only), never as the user who runs it.

#include "toolauth/conformance/agent_service_checks.h"
#include "toolauth/conformance/agent_service_context.h"
#include "toolauth/conformance/agent_service_setup.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

const std::string kConnection = "agent-identity";
const std::string kAgentId = "Microsoft Entra Agent ID: agent identities (app-only tokens)";

// The principals mock-mcp allowed on `mount` after `mark` (descriptions of refusals aside).
struct Seen {
  std::vector<std::string> oids;
  std::vector<std::string> idtyps;
  std::vector<std::string> refused;
};

Seen seen_since(AgentServiceContext& c, std::uint64_t mark, const std::string& mount) {
  const auto entries = c.mcp_since(mark, mount);
  return {principal_values(entries, "oid"), principal_values(entries, "idtyp"), refusals(entries)};
}

}  // namespace

void add_agent_identity_scenarios(AgentServiceContext& ctx, std::vector<Scenario>& out) {
  auto* c = &ctx;

  out.push_back(ctx.scenario(
      "agent-identity/oid-is-agent",
      "The token names the agent's identity (app-only), never the user or the project identity",
      Severity::must, {}, {kAgentId},
      {"invoke whoami on agent-identity as alice",
       "expect mock-mcp to have allowed only a token whose oid is an agent identity of the world "
       "with idtyp app"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto* connection = c->connection(r, kConnection);
        if (connection == nullptr) co_return;
        const auto mount = c->mount_of(connection->value("target", ""));
        const auto mark = c->mcp_mark();
        auto invoked = co_await c->invoke(r, {.connection = kConnection});
        if (!invoked) co_return;
        r.check("the call answered with a result",
                std::holds_alternative<ToolResult>(invoked->answer), "result",
                describe(invoked->answer));
        const auto seen = seen_since(*c, mark, mount);
        if (!r.check("mock-mcp allowed a token", !seen.oids.empty(), "one oid",
                     "refused: " + join_or_none(seen.refused)))
          co_return;
        const auto idtyp = seen.idtyps.empty() ? std::string() : seen.idtyps.front();
        for (const auto& oid : seen.oids) {
          const auto problem = agent_identity_problem(c->env().world(), oid, idtyp);
          r.check("oid " + oid + " is an agent identity", problem.empty(), "an agent identity",
                  problem.empty() ? "an agent identity" : problem);
        }
      }));

  out.push_back(ctx.scenario(
      "agent-identity/per-agent", "Two agents act as two different agent identities",
      Severity::must, {}, {kAgentId},
      {"invoke whoami on agent-identity through two agents of the setup",
       "expect two different agent identity oids at mock-mcp"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto* connection = c->connection(r, kConnection);
        if (connection == nullptr) co_return;
        const auto mount = c->mount_of(connection->value("target", ""));
        std::vector<std::string> oids;
        for (const auto& agent : {kConnection + "-agent", std::string(kSecondAgentIdentityAgent)}) {
          const auto mark = c->mcp_mark();
          auto invoked = co_await c->invoke(r, {.connection = kConnection, .agent = agent});
          if (!invoked) co_return;
          r.check(agent + " answered with a result",
                  std::holds_alternative<ToolResult>(invoked->answer), "result",
                  describe(invoked->answer));
          const auto seen = seen_since(*c, mark, mount);
          r.check(agent + " acted as one identity", seen.oids.size() == 1, "one oid",
                  join_or_none(seen.oids) +
                      (seen.refused.empty() ? "" : "; refused " + join_or_none(seen.refused)));
          // Whether it is an agent identity at all is oid-is-agent's question.
          if (seen.oids.empty()) co_return;
          oids.push_back(seen.oids.front());
        }
        r.check("the two agents' identities differ", oids.size() == 2 && oids[0] != oids[1],
                "two different oids", join_or_none(oids));
      }));
}

}  // namespace toolauth::conformance
