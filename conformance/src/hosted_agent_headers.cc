// Group `headers`: what reaches the container of the caller's request. The platform strips the
// caller's credentials (Authorization, Cookie) and adds its own per-request headers; the
// agent under test reports the names of the headers it received.

#include <algorithm>

#include "toolauth/conformance/agent_service_checks.h"
#include "toolauth/conformance/hosted_agent_context.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

const std::string kContract = "Foundry hosted agents: container contract (§6.1), header allow-list";

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

void add_hosted_headers_scenarios(HostedAgentContext& ctx, std::vector<Scenario>& out) {
  auto* c = &ctx;

  out.push_back(ctx.scenario(
      "headers/no-caller-credentials",
      "The caller's Authorization and Cookie never reach the container; the platform's call id "
      "and user id do",
      Severity::must, {kContract},
      {"ask {\"toolauth\":\"headers\"} as alice with her bearer token, a Cookie and "
       "x-client-probe",
       "expect the header names the agent received to lack authorization and cookie, and to "
       "include x-agent-foundry-call-id, x-agent-user-id and x-client-probe"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        http::Headers headers;
        headers.set("Cookie", "toolauth-probe=session");
        headers.set("x-client-probe", "kept");
        auto answer =
            co_await c->ask(r, {.instruction = {{"toolauth", "headers"}}, .headers = headers});
        if (!answer) co_return;
        std::vector<std::string> names;
        for (const auto& n : answer->answer.value("names", nlohmann::json::array())) {
          if (!n.is_string()) continue;
          std::string name = n;
          std::transform(name.begin(), name.end(), name.begin(),
                         [](unsigned char ch) { return std::tolower(ch); });
          names.push_back(name);
        }
        if (!r.check("the agent reported its request headers", !names.empty(),
                     "a list of header names", describe(*answer)))
          co_return;
        const auto all = join_or_none(names);
        r.check("Authorization did not reach the container", !has(names, "authorization"),
                "no authorization", all);
        r.check("Cookie did not reach the container", !has(names, "cookie"), "no cookie", all);
        for (const auto* name : {"x-agent-foundry-call-id", "x-agent-user-id", "x-client-probe"})
          r.check(std::string(name) + " reached the container", has(names, name), name, all);
      }));
}

}  // namespace toolauth::conformance
