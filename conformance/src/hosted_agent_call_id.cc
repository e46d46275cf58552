// Group `call-id`: `x-agent-foundry-call-id` is a capability the platform mints per request,
// bound to the request's user and ending with it. The agent under test is told to present a
// call id that is not its current request's (its answer reports the platform's refusal); the
// judgement is the refusal and the silence at mock-mcp.

#include "toolauth/conformance/agent_service_checks.h"
#include "toolauth/conformance/hosted_agent_context.h"
#include "toolauth/core/random.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

const std::string kCallId = "Foundry hosted agents: x-agent-foundry-call-id (§6.1, §0.3)";

std::string refusal_problem(const HostedAnswer& answer) {
  if (answer.consent_link) return "a consent request";
  if (answer.answer.value("toolauth", "") != "error") return describe(answer);
  const auto status = answer.answer.value("status", 0);
  if (status != 403) return describe(answer);
  return {};
}

}  // namespace

void add_hosted_call_id_scenarios(HostedAgentContext& ctx, std::vector<Scenario>& out) {
  auto* c = &ctx;

  out.push_back(ctx.scenario(
      "call-id/unknown-refused", "A call id the platform never minted is refused", Severity::must,
      {kCallId},
      {"ask the agent, as alice, to call api-key___whoami presenting a random call id",
       "expect the toolbox's 403 in the agent's answer and no request at mock-mcp's api-key "
       "mount"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto mount = c->mount_of(kHostedKeyLabel);
        const auto mark = c->mcp_mark();
        auto answer = co_await c->ask(r, {.instruction = HostedAgentContext::call_instruction(
                                              kHostedKeyLabel, "whoami", core::random_hex(16))});
        if (!answer) co_return;
        const auto problem = refusal_problem(*answer);
        r.check("the toolbox refused the call id", problem.empty(), "error 403",
                problem.empty() ? describe(*answer) : problem);
        const auto entries = c->mcp_since(mark, mount);
        r.check("no request reached mock-mcp", entries.empty(), "none",
                std::to_string(entries.size()) + " requests");
      }));

  out.push_back(ctx.scenario(
      "call-id/reuse-for-another-user-refused",
      "The call id of alice's ended request cannot act for her while bob is served", Severity::must,
      {kCallId},
      {"alice consents on oauth-invoke (through the agent)",
       "ask the agent, as alice, to call api-key___whoami (its call id is kept by the agent)",
       "ask the agent, as bob, to call oauth-invoke___whoami presenting alice's previous call "
       "id (\"call_id\": \"previous\")",
       "expect the toolbox's 403 in the agent's answer and no request with alice's identity at "
       "mock-mcp"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        if (!co_await c->ensure_consent(r, "alice")) co_return;
        auto alice = co_await c->ask(
            r, {.instruction = HostedAgentContext::call_instruction(kHostedKeyLabel)});
        if (!alice) co_return;
        if (!r.check("alice's own request succeeded",
                     alice->answer.value("toolauth", "") == "result", "result", describe(*alice)))
          co_return;
        const auto mount = c->mount_of(kHostedOAuthLabel);
        const auto mark = c->mcp_mark();
        auto bob = co_await c->ask(r, {.user = "bob",
                                       .instruction = HostedAgentContext::call_instruction(
                                           kHostedOAuthLabel, "whoami", "previous")});
        if (!bob) co_return;
        const auto problem = refusal_problem(*bob);
        r.check("the toolbox refused alice's ended call id", problem.empty(), "error 403",
                problem.empty() ? describe(*bob) : problem);
        const auto entries = c->mcp_since(mark, mount);
        const auto oids = principal_values(entries, "oid");
        const auto alice_oid = c->user_oid("alice");
        r.check("nothing ran as alice",
                std::find(oids.begin(), oids.end(), alice_oid) == oids.end(),
                "no request with oid " + alice_oid, join_or_none(oids));
      }));
}

}  // namespace toolauth::conformance
