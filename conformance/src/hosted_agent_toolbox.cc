// Group `toolbox`: the hosted agent calls tools through its toolbox with its own agent token and
// the request's call id, and the platform applies each source's connection auth for the user
// behind the call id: a consent round trip through the toolbox's -32006, each user's own
// identity at the MCP server, and the toolbox's door closed to a user's own token.

#include "toolauth/conformance/agent_service_checks.h"
#include "toolauth/conformance/agent_service_setup.h"
#include "toolauth/conformance/hosted_agent_context.h"
#include "toolauth/conformance/oauth_consent_checks.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

const std::string kToolbox = "Foundry toolboxes: consent and errors (§6.5)";
const std::string kConsentItem = "Responses API: oauth_consent_request (§2.1)";
const std::string kCallId = "Foundry hosted agents: x-agent-foundry-call-id (§6.1, §0.3)";

std::string result_oid(const HostedAnswer& answer) {
  const auto& result =
      answer.answer.contains("result") ? answer.answer["result"] : nlohmann::json();
  return result.is_object() ? result.value("oid", std::string()) : std::string();
}

}  // namespace

void add_hosted_toolbox_scenarios(HostedAgentContext& ctx, std::vector<Scenario>& out) {
  auto* c = &ctx;

  out.push_back(ctx.scenario(
      "toolbox/consent-round-trip",
      "A tool that needs the user's consent ends the response incomplete with an "
      "oauth_consent_request; after the user consents the same request succeeds as the user",
      Severity::must, {kToolbox, kConsentItem},
      {"the emulator forgets alice's consents",
       "ask the agent to call oauth-invoke___whoami as alice",
       "expect an incomplete response with an oauth_consent_request item (server_label "
       "oauth-invoke)",
       "the headless user agent follows the consent link as alice and approves",
       "expect mock-idp to have seen the connection client's authorization request and code "
       "redemption",
       "ask the same again: expect whoami's result with alice's oid"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        if (!co_await c->without_consents(r, {"alice"})) co_return;
        const auto instruction = HostedAgentContext::call_instruction(kHostedOAuthLabel);
        const auto idp_mark = c->idp_mark();
        auto first = co_await c->ask(r, {.instruction = instruction});
        if (!first) co_return;
        if (!r.check("the agent asked for consent", first->consent_link.has_value(),
                     "an oauth_consent_request item", describe(*first)))
          co_return;
        r.check("the response ended incomplete", first->response_status == "incomplete",
                "incomplete", first->response_status);
        r.check("the item names the tool source",
                first->consent_item.value("server_label", "") == kHostedOAuthLabel,
                std::string(kHostedOAuthLabel), first->consent_item.value("server_label", ""));
        auto walk =
            co_await c->follow_consent(r, *first->consent_link, "alice", ConsentDecision::approve);
        if (!r.check("the consent walk ended on a page", walk.ok() && walk->final_status < 400,
                     "HTTP < 400",
                     walk.ok() ? std::to_string(walk->final_status) : walk.error().message()))
          co_return;
        const auto* connector = find_named(c->env().world(), "clients", kConnectorClient);
        const auto client_id = connector ? connector->value("client_id", "") : "";
        const auto entries = c->idp_since(idp_mark);
        const auto authorizations = authorize_requests(entries, client_id);
        r.check("the consent link led to the connection client's authorization request",
                !authorizations.empty(), "an authorize request of " + client_id,
                std::to_string(authorizations.size()) + " authorize requests");
        r.check("the authorization code was redeemed", code_redemptions(entries, client_id) >= 1,
                "at least 1 redemption", std::to_string(code_redemptions(entries, client_id)));
        auto again = co_await c->ask(r, {.instruction = instruction});
        if (!again) co_return;
        r.check("the re-sent request completed", again->response_status == "completed", "completed",
                again->response_status + " (" + describe(*again) + ")");
        r.check("the tool ran as alice", result_oid(*again) == c->user_oid("alice"),
                c->user_oid("alice"), result_oid(*again) + " (" + describe(*again) + ")");
      }));

  out.push_back(ctx.scenario(
      "toolbox/user-identity",
      "Each user's own identity reaches the MCP server through the toolbox", Severity::must,
      {kCallId, kToolbox},
      {"alice and bob consent on oauth-invoke (through the agent)",
       "ask the agent to call oauth-invoke___whoami as alice, then as bob",
       "expect each result and mock-mcp's allowed token to carry that user's oid, and nobody "
       "else's"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        for (const auto* user : {"alice", "bob"}) {
          if (!co_await c->ensure_consent(r, user)) co_return;
        }
        const auto mount = c->mount_of(kHostedOAuthLabel);
        for (const std::string user : {"alice", "bob"}) {
          const auto mark = c->mcp_mark();
          auto answer = co_await c->ask(
              r, {.user = user,
                  .instruction = HostedAgentContext::call_instruction(kHostedOAuthLabel)});
          if (!answer) co_return;
          const auto oid = c->user_oid(user);
          r.check("the result names " + user, result_oid(*answer) == oid, oid,
                  result_oid(*answer) + " (" + describe(*answer) + ")");
          const auto entries = c->mcp_since(mark, mount);
          const auto seen = principal_values(entries, "oid");
          r.check("mock-mcp saw only " + user + "'s token", seen == std::vector<std::string>{oid},
                  oid, join_or_none(seen) + "; refused: " + join_or_none(refusals(entries)));
        }
      }));

  out.push_back(ctx.scenario(
      "toolbox/user-token-refused",
      "The toolbox is the agent's door: a user's own token is refused before any tool runs",
      Severity::must, {kCallId},
      {"call the toolbox's tools/call api-key___whoami with alice's token for "
       "https://ai.azure.com (no call id)",
       "expect 403 and no request at mock-mcp's api-key mount"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        auto token = co_await c->caller_token("alice");
        if (!token.ok()) {
          r.abort("no token for alice: " + token.error().message());
          co_return;
        }
        const auto mount = c->mount_of(kHostedKeyLabel);
        const auto mark = c->mcp_mark();
        r.step("POST the toolbox's MCP endpoint tools/call with alice's own token");
        http::Headers headers;
        headers.set("Foundry-Features", "Toolboxes=V1Preview");
        auto answer =
            co_await c->toolbox_request(r, *token,
                                        {{"jsonrpc", "2.0"},
                                         {"id", 1},
                                         {"method", "tools/call"},
                                         {"params",
                                          {{"name", std::string(kHostedKeyLabel) + "___whoami"},
                                           {"arguments", nlohmann::json::object()}}}},
                                        headers);
        if (!answer) co_return;
        const auto& body = answer->second;
        const auto inner = body.is_object() && body.contains("error") &&
                                   body["error"].is_object() && body["error"].contains("innererror")
                               ? body["error"]["innererror"].value("code", "")
                               : std::string();
        r.check("the toolbox refused the user's token", answer->first == 403, "HTTP 403",
                "HTTP " + std::to_string(answer->first) + (inner.empty() ? "" : " " + inner));
        const auto entries = c->mcp_since(mark, mount);
        r.check("no request reached mock-mcp", entries.empty(), "none",
                std::to_string(entries.size()) + " requests");
      }));
}

}  // namespace toolauth::conformance
