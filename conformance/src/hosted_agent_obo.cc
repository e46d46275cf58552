// Group `obo`: the emulator's runtime API (an extension) gives the hosted agent an
// on-behalf-of token of the call's user for another API, with the agent identity blueprint as
// the confidential client, only for the scopes the agent definition's metadata allows
// (`toolauth.obo_allowed_scopes`; prepare() allows the MCP tools API's `.default`).

#include "toolauth/conformance/agent_service_checks.h"
#include "toolauth/conformance/hosted_agent_context.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

const std::string kRuntime = "toolauth runtime API (emulator extension): obo_token";
const std::string kObo = "Microsoft Entra Agent ID: agent on-behalf-of flow (§6.6)";
constexpr std::string_view kOutsideScope = "https://graph.microsoft.com/.default";

const nlohmann::json* tool_resource(HostedAgentContext& c) {
  return find_named(c.env().world(), "resources", "mcp-api");
}

}  // namespace

std::string hosted_obo_allowed_scope(const nlohmann::json& world) {
  const auto* resource = find_named(world, "resources", "mcp-api");
  return resource == nullptr ? std::string() : resource->value("app_id_uri", "") + "/.default";
}

void add_hosted_obo_scenarios(HostedAgentContext& ctx, std::vector<Scenario>& out) {
  auto* c = &ctx;

  out.push_back(ctx.scenario(
      "obo/allowed-audience",
      "An on-behalf-of token for an allowed audience names the user, is for that audience and "
      "was issued to the agent's identity",
      Severity::must, {kRuntime, kObo},
      {"ask the agent, as alice, for an on-behalf-of token for the MCP tools API (allowed)",
       "expect its claims: aud = the API, oid = alice, azp/appid = the hosted agent's agent "
       "identity"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto* resource = tool_resource(*c);
        if (resource == nullptr) {
          r.abort("the world has no resource mcp-api");
          co_return;
        }
        const auto scope = hosted_obo_allowed_scope(c->env().world());
        auto answer = co_await c->ask(r, {.instruction = {{"toolauth", "obo"}, {"scope", scope}}});
        if (!answer) co_return;
        if (!r.check("the agent got a token", answer->answer.value("toolauth", "") == "obo",
                     "obo claims", describe(*answer)))
          co_return;
        const auto claims = answer->answer.value("claims", nlohmann::json::object());
        const auto app_id_uri = resource->value("app_id_uri", "");
        r.check("aud is the API",
                audience_matches(claims.value("aud", nlohmann::json()), app_id_uri,
                                 resource->value("client_id", ""), claims.value("ver", "")),
                app_id_uri, claims.value("aud", nlohmann::json()).dump());
        r.check("oid is alice", claims.value("oid", "") == c->user_oid("alice"),
                c->user_oid("alice"), claims.value("oid", "(none)"));
        const auto client = claims.value("azp", claims.value("appid", std::string()));
        r.check("the token was issued to the agent's identity",
                client == c->agent_identity_client_id(), c->agent_identity_client_id(),
                client.empty() ? "(none)" : client);
      }));

  out.push_back(ctx.scenario(
      "obo/outside-allow-list-refused",
      "An on-behalf-of token for an audience the agent definition does not allow is refused",
      Severity::must, {kRuntime},
      {"ask the agent, as alice, for an on-behalf-of token for Microsoft Graph (not allowed)",
       "expect the runtime API's 403 in the agent's answer and no on-behalf-of request at "
       "mock-idp"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto mark = c->idp_mark();
        auto answer = co_await c->ask(
            r, {.instruction = {{"toolauth", "obo"}, {"scope", std::string(kOutsideScope)}}});
        if (!answer) co_return;
        const bool refused = answer->answer.value("toolauth", "") == "error" &&
                             answer->answer.value("status", 0) == 403;
        r.check("the runtime API refused the scope", refused, "error 403", describe(*answer));
        std::size_t exchanges = 0;
        for (const auto& e : c->idp_since(mark, "token")) {
          if (e.value("grant_type", "") == "urn:ietf:params:oauth:grant-type:jwt-bearer")
            ++exchanges;
        }
        r.check("no on-behalf-of request reached mock-idp", exchanges == 0, "none",
                std::to_string(exchanges) + " jwt-bearer grants");
      }));
}

}  // namespace toolauth::conformance
