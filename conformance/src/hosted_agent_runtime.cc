// Group `runtime`: the emulator's runtime API (an extension) gives the hosted agent the call's
// user's own delegated token of an OAuth2 connection; without the user's consent yet, the
// agent asks the platform to emit the oauth_consent_request item into the current response.

#include <sstream>

#include "toolauth/conformance/agent_service_checks.h"
#include "toolauth/conformance/hosted_agent_context.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

const std::string kRuntime =
    "toolauth runtime API (emulator extension): connection token, consent_request";
const std::string kConsentItem = "Responses API: oauth_consent_request (§2.1)";

nlohmann::json token_instruction() {
  return {{"toolauth", "token"}, {"connection", kHostedOAuthLabel}};
}

}  // namespace

void add_hosted_runtime_scenarios(HostedAgentContext& ctx, std::vector<Scenario>& out) {
  auto* c = &ctx;

  out.push_back(ctx.scenario(
      "runtime/delegated-token-after-consent",
      "The runtime API has the platform ask the user for consent, then gives the agent the "
      "user's own delegated token",
      Severity::must, {kRuntime, kConsentItem},
      {"the emulator forgets alice's consents",
       "ask the agent, as alice, for her delegated token of oauth-invoke",
       "expect an incomplete response with an oauth_consent_request item the platform emitted",
       "the headless user agent follows the consent link as alice and approves",
       "ask again: expect the token's claims: alice's oid, the MCP tools API as audience, "
       "Tools.Invoke in scp"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        if (!co_await c->without_consents(r, {"alice"})) co_return;
        auto first = co_await c->ask(r, {.instruction = token_instruction()});
        if (!first) co_return;
        if (!r.check("the platform emitted a consent request", first->consent_link.has_value(),
                     "an oauth_consent_request item", describe(*first)))
          co_return;
        r.check("the response ended incomplete", first->response_status == "incomplete",
                "incomplete", first->response_status);
        auto walk =
            co_await c->follow_consent(r, *first->consent_link, "alice", ConsentDecision::approve);
        if (!r.check("the consent walk ended on a page", walk.ok() && walk->final_status < 400,
                     "HTTP < 400",
                     walk.ok() ? std::to_string(walk->final_status) : walk.error().message()))
          co_return;
        auto again = co_await c->ask(r, {.instruction = token_instruction()});
        if (!again) co_return;
        if (!r.check("the agent got alice's token", again->answer.value("toolauth", "") == "token",
                     "token claims", describe(*again)))
          co_return;
        const auto claims = again->answer.value("claims", nlohmann::json::object());
        r.check("oid is alice", claims.value("oid", "") == c->user_oid("alice"),
                c->user_oid("alice"), claims.value("oid", "(none)"));
        const auto* resource = find_named(c->env().world(), "resources", "mcp-api");
        const auto app_id_uri = resource ? resource->value("app_id_uri", "") : "";
        r.check("aud is the MCP tools API",
                audience_matches(claims.value("aud", nlohmann::json()), app_id_uri,
                                 resource ? resource->value("client_id", "") : "",
                                 claims.value("ver", "")),
                app_id_uri, claims.value("aud", nlohmann::json()).dump());
        // A token's scp is one space-separated string.
        const auto scp = claims.value("scp", nlohmann::json());
        nlohmann::json names = nlohmann::json::array();
        if (scp.is_string()) {
          std::istringstream words(scp.get<std::string>());
          for (std::string word; words >> word;) names.push_back(word);
        }
        const auto missing = missing_scopes(names, {"Tools.Invoke"});
        r.check("scp includes Tools.Invoke", missing.empty(), "Tools.Invoke", scp.dump());
      }));
}

}  // namespace toolauth::conformance
