// Group `identity`: a hosted agent called by an application (an app-only token: another
// agent, a daemon) has no user behind the call. Its tools then run as its own agent identity,
// and a tool that acts as the user cannot be used: nobody can be asked to consent.

#include "toolauth/conformance/agent_service_checks.h"
#include "toolauth/conformance/hosted_agent_context.h"
#include "toolauth/conformance/oauth_consent_checks.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

const std::string kAgentId = "Microsoft Entra Agent ID: agent identities (app-only tokens, §6.6)";
const std::string kToolbox = "Foundry toolboxes: connections that act as the user (§6.4)";

}  // namespace

void add_hosted_identity_scenarios(HostedAgentContext& ctx, std::vector<Scenario>& out) {
  auto* c = &ctx;

  out.push_back(ctx.scenario(
      "identity/agent-acts-alone-for-apps",
      "Called by an application, the agent's tools run as its own agent identity", Severity::must,
      {kAgentId},
      {"ask the agent to call agent-identity___whoami as the application agent-two (app-only "
       "token)",
       "expect mock-mcp to have allowed only the hosted agent's own agent identity (app-only), "
       "and the result to name it"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto mount = c->mount_of(kHostedAgenticLabel);
        const auto mark = c->mcp_mark();
        auto answer = co_await c->ask(
            r, {.app = true,
                .instruction = HostedAgentContext::call_instruction(kHostedAgenticLabel)});
        if (!answer) co_return;
        r.check("the tool returned a result", answer->answer.value("toolauth", "") == "result",
                "result", describe(*answer));
        const auto entries = c->mcp_since(mark, mount);
        const auto oids = principal_values(entries, "oid");
        const auto idtyps = principal_values(entries, "idtyp");
        const auto expected = c->agent_identity_oid();
        r.check("mock-mcp saw only the agent's identity",
                oids == std::vector<std::string>{expected}, expected,
                join_or_none(oids) + "; refused: " + join_or_none(refusals(entries)));
        for (const auto& oid : oids) {
          const auto problem =
              agent_identity_problem(c->env().world(), oid, idtyps.empty() ? "" : idtyps.front());
          r.check("oid " + oid + " is an agent identity (app-only)", problem.empty(),
                  "an agent identity", problem.empty() ? "an agent identity" : problem);
        }
      }));

  out.push_back(ctx.scenario(
      "identity/no-consent-without-user",
      "Called by an application, a tool that acts as the user fails without asking anybody to "
      "consent",
      Severity::must, {kToolbox},
      {"ask the agent to call oauth-invoke___whoami as the application agent-two",
       "expect an error answer, no oauth_consent_request, no authorization request at mock-idp "
       "and no request at mock-mcp",
       "ask the agent, as agent-two, for the user's delegated token of oauth-invoke (runtime "
       "API): expect an error answer and no oauth_consent_request"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto mount = c->mount_of(kHostedOAuthLabel);
        const auto mcp_mark = c->mcp_mark();
        const auto idp_mark = c->idp_mark();
        auto answer = co_await c->ask(
            r,
            {.app = true, .instruction = HostedAgentContext::call_instruction(kHostedOAuthLabel)});
        if (!answer) co_return;
        r.check("no consent was asked for", !answer->consent_link.has_value(),
                "no oauth_consent_request", describe(*answer));
        r.check("the call failed", answer->answer.value("toolauth", "") == "error", "an error",
                describe(*answer));
        const auto authorizations = c->idp_since(idp_mark, "authorize");
        r.check("nobody was sent to sign in", authorizations.empty(), "no authorize request",
                std::to_string(authorizations.size()) + " authorize entries");
        const auto entries = c->mcp_since(mcp_mark, mount);
        r.check("no request reached mock-mcp", entries.empty(), "none",
                std::to_string(entries.size()) + " requests");
        // The runtime API (emulator extension) has nobody's delegated token either.
        auto token = co_await c->ask(
            r, {.app = true,
                .instruction = {{"toolauth", "token"}, {"connection", kHostedOAuthLabel}}});
        if (!token) co_return;
        r.check("the runtime API asked nobody to consent", !token->consent_link.has_value(),
                "no oauth_consent_request", describe(*token));
        r.check("the runtime API refused: no user", token->answer.value("toolauth", "") == "error",
                "an error", describe(*token));
      }));
}

}  // namespace toolauth::conformance
