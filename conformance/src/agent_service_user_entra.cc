// Group `user-entra`: a UserEntraToken connection. The IUT exchanges the caller's token
// on-behalf-of the user for the connection's audience: mock-mcp sees the user, with the
// connection's delegated scopes.

#include "toolauth/conformance/agent_service_checks.h"
#include "toolauth/conformance/agent_service_context.h"
#include "toolauth/conformance/agent_service_setup.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

const std::string kConnection = "user-entra";

}  // namespace

void add_user_entra_scenarios(AgentServiceContext& ctx, std::vector<Scenario>& out) {
  auto* c = &ctx;
  out.push_back(ctx.scenario(
      "user-entra/obo-claims",
      "The on-behalf-of token has the connection's audience and scopes and names the user",
      Severity::must, {},
      {"Microsoft identity platform on-behalf-of flow", "RFC 9068 §2.2.3 (scope)",
       "RFC 9068 §4 (aud)"},
      {"invoke whoami on user-entra as alice, then as bob",
       "expect mock-mcp to have seen, each time, a token with aud = the connection's audience, "
       "scp including the connection's scopes, oid = the calling user"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto* connection = c->connection(r, kConnection);
        if (connection == nullptr) co_return;
        const auto mount = c->mount_of(connection->value("target", ""));
        const auto audience = connection->value("audience", "");
        const auto scopes =
            connection->value("scopes", nlohmann::json::array()).get<std::vector<std::string>>();
        const auto* resource = find_named(c->env().world(), "resources", kToolResource);
        const auto audience_client_id =
            resource != nullptr && resource->value("app_id_uri", "") == audience
                ? resource->value("client_id", "")
                : std::string();
        for (const auto* user : {"alice", "bob"}) {
          const auto mark = c->mcp_mark();
          auto invoked = co_await c->invoke(r, {.user = user, .connection = kConnection});
          if (!invoked) co_return;
          r.check(std::string(user) + ": the call answered with a result",
                  std::holds_alternative<ToolResult>(invoked->answer), "result",
                  describe(invoked->answer));
          bool seen = false;
          for (const auto& e : c->mcp_since(mark, mount)) {
            if (e.value("outcome", "") != "allowed") continue;
            seen = true;
            const auto& p = e["principal"];
            const auto label = std::string(user) + " #" + std::to_string(e.value("seq", 0));
            r.check(label + " aud",
                    audience_matches(p.value("aud", nlohmann::json()), audience, audience_client_id,
                                     p.value("ver", "")),
                    audience, p.value("aud", nlohmann::json()).dump());
            const auto scp = p.value("scp", nlohmann::json::array());
            const auto missing = missing_scopes(scp, scopes);
            r.check(label + " scp", missing.empty(), "includes the connection's scopes",
                    scp.dump());
            r.check(label + " oid", p.value("oid", "") == c->user_oid(user),
                    std::string(user) + " " + c->user_oid(user), p.value("oid", "(none)"));
          }
          r.check(std::string(user) + ": mock-mcp allowed a token", seen, "allowed requests",
                  "none allowed");
        }
      }));
}

}  // namespace toolauth::conformance
