// Group `oauth` (consent): OAuth2 identity passthrough connections to mock-mcp's bearer mount.
// A user's first call asks for consent; the headless user agent follows the link, signs in at
// mock-idp and approves or declines; the re-send goes out with the user's own token. Consent
// is scoped to (project, connection, user) and the link and callback cannot be replayed or
// forged. Consent links are judged by the authorize request they lead to in mock-idp's journal,
// never parsed. Each scenario makes the IUT forget its users' consents first and afterwards.
// (Refresh scenarios of the same group live in agent_service_oauth_refresh.cc.)

#include "toolauth/conformance/agent_service_checks.h"
#include "toolauth/conformance/agent_service_context.h"
#include "toolauth/conformance/agent_service_setup.h"
#include "toolauth/conformance/oauth_consent_checks.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

const std::string kInvoke = "oauth-invoke";
const std::string kRead = "oauth-read";
const std::string kFoundryOAuth =
    "Foundry OAuth identity passthrough (reference/foundry-agent-service.md)";
const std::string kPkce = "RFC 7636 (PKCE S256)";
const std::string kStateCsrf = "RFC 6749 §10.12 (state, CSRF)";

std::string client_of(const nlohmann::json& connection) {
  return connection.value("client_id", "");
}

std::string link_of(const Invoked& invoked) {
  return std::get<ConsentRequired>(invoked.answer).link;
}

// Requests at `mount` that went out as `oid` (allowed, principal.oid), as "#seq" each.
std::vector<std::string> requests_as(const nlohmann::json& mcp_entries, const std::string& oid) {
  std::vector<std::string> out;
  for (const auto& e : mcp_entries) {
    if (e.value("outcome", "") == "allowed" && e.contains("principal") &&
        e["principal"].value("oid", "") == oid)
      out.push_back("#" + std::to_string(e.value("seq", 0)));
  }
  return out;
}

// Shared steps of the scenarios (all on the context's current record).
struct Consents {
  AgentServiceContext* c;

  // `call` must answer with a consent request (the user has none): the invocation, else
  // nullopt (the check failed or the record was aborted).
  awaitable<std::optional<Invoked>> asks(ScenarioRecord& r, const Invocation& call,
                                         const std::string& what) {
    auto invoked = co_await c->invoke(r, call);
    if (!invoked) co_return std::nullopt;
    if (!r.check(what, std::holds_alternative<ConsentRequired>(invoked->answer),
                 "a consent request", describe(invoked->answer)))
      co_return std::nullopt;
    co_return invoked;
  }

  // The user follows the link and approves; the walk must end on a page of the IUT that is no
  // error.
  awaitable<bool> approve(ScenarioRecord& r, const Invoked& asked, const std::string& user) {
    auto walk = co_await c->follow_consent(r, link_of(asked), user, ConsentDecision::approve);
    if (!walk.ok()) {
      r.abort("the user agent could not follow the consent link: " + walk.error().message());
      co_return false;
    }
    co_return r.check(user + "'s consent walk ended without an error page",
                      walk->final_status >= 200 && walk->final_status < 400, "2xx/3xx",
                      std::to_string(walk->final_status));
  }

  // The re-send after consent must answer with a result as `user` (whoami's oid).
  awaitable<std::optional<Invoked>> resend(ScenarioRecord& r, Invocation call, const Invoked& asked,
                                           const std::string& what) {
    call.continues = asked.id;
    auto invoked = co_await c->invoke(r, call);
    if (!invoked) co_return std::nullopt;
    if (!r.check(what, std::holds_alternative<ToolResult>(invoked->answer), "a result",
                 describe(invoked->answer)))
      co_return std::nullopt;
    co_return invoked;
  }

  // Ask, approve and re-send: the user holds a consent for `call` afterwards.
  awaitable<bool> consent(ScenarioRecord& r, const Invocation& call) {
    const auto who = call.user + " on " + call.project + "/" + call.connection;
    auto asked = co_await asks(r, call, who + ": the first call asks for consent");
    if (!asked || !co_await approve(r, *asked, call.user)) co_return false;
    co_return (co_await resend(r, call, *asked, who + ": the re-send answers")).has_value();
  }
};

// The scopes an authorize request for `connection` must ask for: the connection's, and
// offline_access (the IUT refreshes without the user).
std::vector<std::string> wanted_scopes(const nlohmann::json& connection) {
  auto scopes = connection.value("scopes", nlohmann::json::array()).get<std::vector<std::string>>();
  if (std::find(scopes.begin(), scopes.end(), "offline_access") == scopes.end())
    scopes.push_back("offline_access");
  return scopes;
}

}  // namespace

void add_oauth_consent_scenarios(AgentServiceContext& ctx, std::vector<Scenario>& out) {
  auto* c = &ctx;

  out.push_back(ctx.scenario(
      "oauth/first-use-consent",
      "The first use asks for consent; the link leads to a correct authorization request",
      Severity::must, {}, {kFoundryOAuth, "RFC 6749 §4.1.1", kPkce, kStateCsrf},
      {"make the IUT forget alice's consents", "invoke whoami on alpha/oauth-invoke as alice",
       "expect a consent request; follow its link as alice and approve",
       "expect the authorize request it led to at mock-idp to carry the connection's client_id, "
       "a redirect URI the IUT registered, an S256 code challenge, a state and every scope of "
       "the connection (offline_access included)"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto* connection = c->connection(r, kInvoke);
        if (connection == nullptr || !co_await c->without_consents(r, {"alice"})) co_return;
        Consents consents{c};
        const Invocation call{.connection = kInvoke};
        auto asked = co_await consents.asks(r, call, "the first call asks for consent");
        if (!asked) co_return;
        const auto mark = c->idp_mark();
        auto walk =
            co_await c->follow_consent(r, link_of(*asked), "alice", ConsentDecision::approve);
        if (!walk.ok()) {
          r.abort("the user agent could not follow the consent link: " + walk.error().message());
          co_return;
        }
        const auto requests = authorize_requests(c->idp_since(mark), client_of(*connection));
        if (!r.check("the link led to one authorize request of the connection's client",
                     requests.size() == 1, "1", std::to_string(requests.size())))
          co_return;
        const auto problems = authorize_request_problems(
            requests[0], client_of(*connection), c->redirect_uris(), wanted_scopes(*connection));
        r.check("the authorize request is the connection's, with PKCE S256 and state",
                problems.empty(),
                "client_id, registered redirect_uri, S256, state, scopes + offline_access",
                join_or_none(problems));
      }));

  out.push_back(ctx.scenario(
      "oauth/resend-after-consent", "After consent the re-send goes out as the user",
      Severity::must, {}, {kFoundryOAuth},
      {"make the IUT forget alice's consents",
       "invoke whoami on alpha/oauth-invoke as alice; follow the consent link and approve",
       "re-send the call",
       "expect a result naming alice, a code redeemed at mock-idp by the connection's client, "
       "and every request at the bearer mount after the consent allowed with alice's oid"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto* connection = c->connection(r, kInvoke);
        if (connection == nullptr || !co_await c->without_consents(r, {"alice"})) co_return;
        const auto mount = c->mount_of(connection->value("target", ""));
        const auto oid = c->user_oid("alice");
        Consents consents{c};
        const Invocation call{.connection = kInvoke};
        auto asked = co_await consents.asks(r, call, "the first call asks for consent");
        if (!asked) co_return;
        const auto idp_mark = c->idp_mark();
        if (!co_await consents.approve(r, *asked, "alice")) co_return;
        r.check("the IUT redeemed the code",
                code_redemptions(c->idp_since(idp_mark, "token"), client_of(*connection)) == 1,
                "1 authorization_code grant",
                std::to_string(
                    code_redemptions(c->idp_since(idp_mark, "token"), client_of(*connection))));
        const auto mark = c->mcp_mark();
        auto result = co_await consents.resend(r, call, *asked, "the re-send answers");
        if (!result) co_return;
        const auto& output = std::get<ToolResult>(result->answer).output;
        r.check("whoami names alice", output.is_object() && output.value("oid", "") == oid, oid,
                output.is_object() ? output.value("oid", "(none)") : output.dump());
        const auto entries = c->mcp_since(mark, mount);
        const auto as_alice = requests_as(entries, oid);
        r.check("mock-mcp saw alice's token", !as_alice.empty(), "requests as alice",
                join_or_none(as_alice));
        r.check("no request refused", refusals(entries).empty(), "none",
                join_or_none(refusals(entries)));
        const auto others = principal_values(entries, "oid");
        r.check("no one but alice", others == std::vector<std::string>{oid}, oid,
                join_or_none(others));
      }));

  out.push_back(ctx.scenario(
      "oauth/per-user", "A second user gets their own consent, never the first user's token",
      Severity::must, {}, {kFoundryOAuth, "OWASP API1:2023 (broken object level authorization)"},
      {"make the IUT forget alice's and bob's consents",
       "alice consents on alpha/oauth-invoke and gets a result",
       "bob invokes the same: expect a consent request and no request as alice",
       "bob consents; expect his re-send to reach mock-mcp as bob only"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto* connection = c->connection(r, kInvoke);
        if (connection == nullptr || !co_await c->without_consents(r, {"alice", "bob"})) co_return;
        const auto mount = c->mount_of(connection->value("target", ""));
        Consents consents{c};
        if (!co_await consents.consent(r, {.connection = kInvoke})) co_return;
        const auto mark = c->mcp_mark();
        const Invocation bob{.user = "bob", .connection = kInvoke};
        auto asked = co_await consents.asks(r, bob, "bob's first call asks for his own consent");
        const auto before_consent = c->mcp_since(mark, mount);
        r.check("nothing went out as alice for bob",
                requests_as(before_consent, c->user_oid("alice")).empty(), "none",
                join_or_none(requests_as(before_consent, c->user_oid("alice"))));
        if (!asked || !co_await consents.approve(r, *asked, "bob")) co_return;
        const auto after = c->mcp_mark();
        auto result = co_await consents.resend(r, bob, *asked, "bob's re-send answers");
        if (!result) co_return;
        const auto seen = principal_values(c->mcp_since(after, mount), "oid");
        r.check("bob's re-send went out as bob only",
                seen == std::vector<std::string>{c->user_oid("bob")}, c->user_oid("bob"),
                join_or_none(seen));
      }));

  // Consent on one connection (or project) must not cover another that points at the same
  // server: alice consents on alpha/oauth-invoke, then calls `other`.
  auto not_covered = [c](std::string id, std::string title, std::string project,
                         std::string connection, std::string why) {
    const auto other = project + "/" + connection;
    return c->scenario(
        std::move(id), std::move(title), Severity::must, {}, {kFoundryOAuth, std::move(why)},
        {"make the IUT forget alice's consents",
         "alice consents on alpha/oauth-invoke and gets a result",
         "alice invokes whoami on " + other + " (same server)",
         "expect a consent request, and no request as alice at the server meanwhile"},
        [c, project, connection, other](ScenarioRecord& r) -> awaitable<void> {
          const auto* target = c->connection(r, connection, project);
          if (target == nullptr || c->connection(r, kInvoke) == nullptr ||
              !co_await c->without_consents(r, {"alice"}))
            co_return;
          Consents consents{c};
          if (!co_await consents.consent(r, {.connection = kInvoke})) co_return;
          const auto mark = c->mcp_mark();
          (void)co_await consents.asks(r, {.project = project, .connection = connection},
                                       other + " asks for its own consent");
          const auto sent = requests_as(
              c->mcp_since(mark, c->mount_of(target->value("target", ""))), c->user_oid("alice"));
          r.check("nothing went out as alice for " + other, sent.empty(), "none",
                  join_or_none(sent));
        });
  };
  out.push_back(
      not_covered("oauth/per-connection",
                  "Consent for one connection does not cover another on the same server",
                  std::string(kProjectAlpha), kRead,
                  "least privilege: a consent is for the connection's client and scopes"));
  out.push_back(not_covered("oauth/per-project",
                            "Consent in project alpha is not used in project beta",
                            std::string(kProjectBeta), kInvoke,
                            "Foundry projects isolate connections and their credentials"));

  out.push_back(ctx.scenario(
      "oauth/state-tampering", "A callback with a tampered state is rejected and stores nothing",
      Severity::must, {}, {kFoundryOAuth, kStateCsrf, "RFC 9700 §4.7 (CSRF)"},
      {"make the IUT forget alice's consents", "invoke whoami on alpha/oauth-invoke as alice",
       "follow the consent link as alice and approve, changing one character of the state on "
       "the redirect back to the IUT's callback",
       "expect the callback to answer 4xx, no code redeemed at mock-idp, and the re-send to ask "
       "for consent again"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto* connection = c->connection(r, kInvoke);
        if (connection == nullptr || !co_await c->without_consents(r, {"alice"})) co_return;
        if (c->redirect_uris().empty()) {
          r.abort("the IUT named no OAuth callback URL in its setup answer");
          co_return;
        }
        Consents consents{c};
        const Invocation call{.connection = kInvoke};
        auto asked = co_await consents.asks(r, call, "the first call asks for consent");
        if (!asked) co_return;
        const auto mark = c->idp_mark();
        auto walk = co_await c->follow_consent(r, link_of(*asked), "alice",
                                               ConsentDecision::approve, c->redirect_uris()[0]);
        if (!walk.ok()) {
          r.abort("the user agent could not follow the consent link: " + walk.error().message());
          co_return;
        }
        const bool tampered = std::find(walk->trail.begin(), walk->trail.end(), "state tampered") !=
                              walk->trail.end();
        if (!r.check("the walk came back to the callback with a tampered state", tampered,
                     "state tampered", nlohmann::json(walk->trail).dump()))
          co_return;
        r.check("the callback rejected it", walk->final_status >= 400 && walk->final_status < 500,
                "4xx", std::to_string(walk->final_status));
        const auto redeemed = code_redemptions(c->idp_since(mark, "token"), client_of(*connection));
        r.check("no code redeemed", redeemed == 0, "0", std::to_string(redeemed));
        auto again = co_await c->invoke(r, {.connection = kInvoke, .continues = asked->id});
        if (!again) co_return;
        r.check("no token was stored: the re-send asks for consent again",
                std::holds_alternative<ConsentRequired>(again->answer), "a consent request",
                describe(again->answer));
      }));

  out.push_back(ctx.scenario(
      "oauth/consent-link-replay", "A used consent link followed again is rejected", Severity::must,
      {}, {kFoundryOAuth, "RFC 6749 §10.5 (single-use authorization)"},
      {"make the IUT forget alice's consents",
       "invoke whoami on alpha/oauth-invoke as alice; follow the consent link, approve, re-send",
       "follow the same link again in a new browser and approve",
       "expect a 4xx page and no second code redemption at mock-idp"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto* connection = c->connection(r, kInvoke);
        if (connection == nullptr || !co_await c->without_consents(r, {"alice"})) co_return;
        Consents consents{c};
        const Invocation call{.connection = kInvoke};
        auto asked = co_await consents.asks(r, call, "the first call asks for consent");
        if (!asked || !co_await consents.approve(r, *asked, "alice")) co_return;
        if (!co_await consents.resend(r, call, *asked, "the re-send answers")) co_return;
        const auto mark = c->idp_mark();
        r.step("follow the used link again");
        auto walk =
            co_await c->follow_consent(r, link_of(*asked), "alice", ConsentDecision::approve);
        if (!walk.ok()) {
          r.abort("the user agent could not follow the consent link: " + walk.error().message());
          co_return;
        }
        r.check("the used link was rejected", walk->final_status >= 400 && walk->final_status < 500,
                "4xx", std::to_string(walk->final_status));
        const auto redeemed = code_redemptions(c->idp_since(mark, "token"), client_of(*connection));
        r.check("no second code redemption", redeemed == 0, "0", std::to_string(redeemed));
      }));

  out.push_back(ctx.scenario(
      "oauth/declined", "A declined consent makes the call fail, never the IUT", Severity::must, {},
      {kFoundryOAuth, "RFC 6749 §4.1.2.1 (access_denied)"},
      {"make the IUT forget alice's consents and mock-idp forget her grant to the connection's "
       "client (so the consent page shows)",
       "invoke whoami on alpha/oauth-invoke as alice; follow the link and decline",
       "re-send the call",
       "expect a failed tool call (no HTTP 5xx, no transport error), no code redeemed and "
       "nothing sent to mock-mcp as alice"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto* connection = c->connection(r, kInvoke);
        if (connection == nullptr || !co_await c->without_consents(r, {"alice"})) co_return;
        const auto* client = find_named(c->env().world(), "clients", kConnectorClient);
        const auto client_name =
            client != nullptr && client->value("client_id", "") == client_of(*connection)
                ? std::string(kConnectorClient)
                : std::string();
        r.step("mock-idp forgets alice's grants to the connection's client");
        if (auto revoked = co_await c->idp_admin(http::Method::post, "consents/revoke",
                                                 {{"client", client_name}, {"user", "alice"}});
            !revoked.ok()) {
          r.abort("mock-idp could not revoke alice's grant: " + revoked.error().message());
          co_return;
        }
        const auto mount = c->mount_of(connection->value("target", ""));
        Consents consents{c};
        const Invocation call{.connection = kInvoke};
        auto asked = co_await consents.asks(r, call, "the first call asks for consent");
        if (!asked) co_return;
        const auto idp = c->idp_mark();
        const auto mcp = c->mcp_mark();
        auto walk =
            co_await c->follow_consent(r, link_of(*asked), "alice", ConsentDecision::decline);
        if (!walk.ok()) {
          r.abort("the user agent could not follow the consent link: " + walk.error().message());
          co_return;
        }
        if (!r.check("mock-idp asked alice and she declined", walk->consent_shown, "a consent page",
                     nlohmann::json(walk->trail).dump()))
          co_return;
        auto after = co_await c->invoke(r, {.connection = kInvoke, .continues = asked->id});
        if (!after) co_return;
        const auto problem = failed_call_problem(after->answer);
        r.check("the re-send is a failed tool call", problem.empty(), "an error of the call",
                problem.empty() ? describe(after->answer) : problem);
        const auto redeemed = code_redemptions(c->idp_since(idp, "token"), client_of(*connection));
        r.check("no code redeemed", redeemed == 0, "0", std::to_string(redeemed));
        const auto sent = requests_as(c->mcp_since(mcp, mount), c->user_oid("alice"));
        r.check("nothing went out as alice", sent.empty(), "none", join_or_none(sent));
      }));

  out.push_back(ctx.scenario(
      "oauth/no-token-in-output", "No token mock-idp issued appears in what the IUT returns",
      Severity::must, {}, {kFoundryOAuth, "OWASP API3:2023 (excessive data exposure)"},
      {"make the IUT forget alice's consents",
       "alice consents on alpha/oauth-invoke; invoke whoami and echo again",
       "expect no access, refresh or id token mock-idp issued in this run (by uti, issuer or "
       "short hash in its journal) in any answer of the IUT"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        if (c->connection(r, kInvoke) == nullptr || !co_await c->without_consents(r, {"alice"}))
          co_return;
        Consents consents{c};
        std::vector<Invoked> answers;
        const Invocation call{.connection = kInvoke};
        auto asked = co_await consents.asks(r, call, "the first call asks for consent");
        if (!asked) co_return;
        answers.push_back(*asked);
        if (!co_await consents.approve(r, *asked, "alice")) co_return;
        auto result = co_await consents.resend(r, call, *asked, "the re-send answers");
        if (!result) co_return;
        answers.push_back(*result);
        for (const auto* tool : {"whoami", "echo"}) {
          nlohmann::json arguments = nlohmann::json::object();
          if (std::string_view(tool) == "echo") arguments["message"] = "hello from the suite";
          auto again =
              co_await c->invoke(r, {.connection = kInvoke, .tool = tool, .arguments = arguments});
          if (!again) co_return;
          answers.push_back(*again);
        }
        const auto issued = c->idp_since(0, "token");
        for (const auto& a : answers) {
          const auto& raw = std::visit(
              [](const auto& answer) -> const nlohmann::json& { return answer.raw; }, a.answer);
          const auto found = issued_tokens_in(raw, issued, c->env().idp_url());
          r.check(a.id + ": no issued token in the answer", found.empty(), "none",
                  join_or_none(found));
        }
      }));

  out.push_back(ctx.scenario(
      "oauth/cross-tenant-refused", "A user of another tenant is refused", Severity::must, {},
      {kFoundryOAuth, "Microsoft Entra multi-tenant apps: tenant checks"},
      {"invoke whoami on alpha/oauth-invoke (a contoso project) as carol of fabrikam",
       "expect a refusal of the caller (HTTP 401/403 when the driver knows the status; never a "
       "consent request, a result or a failed tool call), nothing at mock-mcp as carol and no "
       "authorize request of the connection's client"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto* connection = c->connection(r, kInvoke);
        if (connection == nullptr) co_return;
        const auto idp = c->idp_mark();
        const auto mcp = c->mcp_mark();
        auto invoked = co_await c->invoke(r, {.user = "carol", .connection = kInvoke});
        if (!invoked) co_return;
        const auto problem = refusal_problem(invoked->answer);
        r.check("carol is refused", problem.empty(), "a refusal (401/403)",
                problem.empty() ? describe(invoked->answer) : problem);
        const auto sent = requests_as(c->mcp_since(mcp), c->user_oid("carol"));
        r.check("nothing went out as carol", sent.empty(), "none", join_or_none(sent));
        const auto asked = authorize_requests(c->idp_since(idp), client_of(*connection)).size();
        r.check("no consent flow started for carol", asked == 0, "0", std::to_string(asked));
      }));
}

}  // namespace toolauth::conformance
