// Group `key`: connections of auth type CustomKeys to mock-mcp's API-key mounts.

#include "toolauth/conformance/agent_service_checks.h"
#include "toolauth/conformance/agent_service_context.h"
#include "toolauth/core/random.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

const std::string kFoundryKeys =
    "Foundry CustomKeys connections (reference/foundry-agent-service.md)";

struct KeyConnection {
  std::string name, header, key, mount;
};

// The key connections of the setup document (name, header, key, mount).
std::vector<KeyConnection> key_connections(AgentServiceContext& ctx) {
  std::vector<KeyConnection> out;
  for (const auto& c : ctx.setup().value("connections", nlohmann::json::array())) {
    if (c.value("auth_type", "") != "CustomKeys") continue;
    for (const auto& [header, key] : c["credentials"]["keys"].items())
      out.push_back({c.value("name", ""), header, key.get<std::string>(),
                     ctx.mount_of(c.value("target", ""))});
  }
  return out;
}

bool expect_result(ScenarioRecord& r, const std::optional<Invoked>& invoked,
                   const std::string& what) {
  if (!invoked) return false;
  return r.check(what + " answered with a result",
                 std::holds_alternative<ToolResult>(invoked->answer), "result",
                 describe(invoked->answer));
}

}  // namespace

void add_key_scenarios(AgentServiceContext& ctx, std::vector<Scenario>& out) {
  auto* c = &ctx;

  out.push_back(ctx.scenario(
      "key/header-sent", "The key arrives under the configured header name", Severity::must, {},
      {kFoundryKeys},
      {"invoke whoami on each CustomKeys connection (X-API-Key, x-functions-key)",
       "expect every request at the connection's mount to carry the configured header and be "
       "allowed"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto keys = key_connections(*c);
        if (!r.check("the setup has key connections", !keys.empty(), "at least one", "none"))
          co_return;
        for (const auto& k : keys) {
          const auto mark = c->mcp_mark();
          auto invoked = co_await c->invoke(r, {.connection = k.name});
          if (!invoked) co_return;
          expect_result(r, invoked, k.name);
          const auto entries = c->mcp_since(mark, k.mount);
          r.check(k.name + ": requests reached mount " + k.mount, !entries.empty(), "at least one",
                  "none");
          r.check(k.name + ": every request carried " + k.header + " and was allowed",
                  key_header_problems(entries, k.header).empty(), "all allowed with " + k.header,
                  join_or_none(key_header_problems(entries, k.header)));
        }
      }));

  out.push_back(ctx.scenario(
      "key/not-sent-elsewhere", "A key never reaches another connection's server", Severity::must,
      {}, {kFoundryKeys, "OWASP API2:2023 (credential exposure)"},
      {"invoke whoami on every connection without user consent (keys, none, managed identity)",
       "expect no request at another mount to carry a key connection's header or key"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto keys = key_connections(*c);
        const auto mark = c->mcp_mark();
        for (const auto* name : {"api-key", "functions-key", "open", "project-mi"}) {
          if (c->connection(r, name) == nullptr) co_return;
          // Whether each call succeeds is judged elsewhere; here only where keys went. A
          // connection the IUT does not support carries no key anywhere: left out.
          if (!co_await c->invoke(r, {.connection = name, .unsupported_left_out = true}) &&
              r.abort_reason())
            co_return;
        }
        const auto entries = c->mcp_since(mark);
        for (const auto& k : keys) {
          const auto leaks = key_leaks(entries, k.mount, k.header, k.key);
          r.check(k.name + "'s key stayed with mount " + k.mount, leaks.empty(),
                  "no other mount saw " + k.header + " or the key", join_or_none(leaks));
        }
      }));

  out.push_back(ctx.scenario(
      "key/absent-from-output", "The key is absent from what the IUT returns", Severity::must, {},
      {kFoundryKeys, "OWASP API3:2023 (excessive data exposure)"},
      {"invoke whoami and echo on each CustomKeys connection",
       "expect no key value anywhere in the IUT's answers (results and errors alike)"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto keys = key_connections(*c);
        std::vector<std::string> secrets;
        for (const auto& k : keys) secrets.push_back(k.key);
        for (const auto& k : keys) {
          for (const auto* tool : {"whoami", "echo"}) {
            nlohmann::json arguments = nlohmann::json::object();
            if (std::string_view(tool) == "echo") arguments["message"] = "hello from the suite";
            auto invoked =
                co_await c->invoke(r, {.connection = k.name, .tool = tool, .arguments = arguments});
            if (!invoked) co_return;
            // Errors count as much as results: a key must not leak through either.
            const auto& raw = std::visit(
                [](const auto& a) -> const nlohmann::json& { return a.raw; }, invoked->answer);
            std::vector<std::string> shown;
            for (auto i : secrets_in(raw, secrets)) shown.push_back(keys[i].name + "'s key");
            r.check(k.name + " " + tool + ": no key in the answer", shown.empty(), "no key",
                    join_or_none(shown));
          }
        }
      }));

  out.push_back(ctx.scenario(
      "key/rotation", "After a key rotation the new key is sent and the old one never again",
      Severity::must, {"reconfigure"}, {kFoundryKeys},
      {"add a mock-mcp mount accepting an old and a new key (ids old, new)",
       "point the api-key connection at it with the old key; invoke whoami",
       "change the connection's key to the new one; invoke whoami twice",
       "expect the old key before and only the new key after the change; put the connection "
       "back"},
      [c](ScenarioRecord& r) -> awaitable<void> {
        const auto* original = c->connection(r, "api-key");
        if (original == nullptr) co_return;
        const auto header = original->at("credentials").at("keys").begin().key();
        const auto mount = "key-rotation-" + core::random_hex(4);
        const auto old_key = "old-" + core::random_hex(16);
        const auto new_key = "new-" + core::random_hex(16);
        r.step("add mount " + mount + " accepting keys old and new under " + header);
        auto added = co_await c->mcp_admin(
            http::Method::post, "mounts",
            {{"name", mount},
             {"auth",
              {{"kind", "api-key"},
               {"headers", {header}},
               {"keys",
                {{{"id", "old"}, {"value", old_key}}, {{"id", "new"}, {"value", new_key}}}}}}});
        if (!added.ok()) {
          r.abort("mock-mcp refused the rotation mount: " + added.error().message());
          co_return;
        }
        const nlohmann::json restore = *original;
        c->on_cleanup([c, mount, restore]() -> awaitable<void> {
          (void)co_await c->driver().reconfigure(restore);
          (void)co_await c->mcp_admin(http::Method::delete_, "mounts/" + mount);
        });
        auto with_key = [&](const std::string& key) {
          auto changed = *original;
          changed["target"] = added->value("url", "");
          changed["credentials"]["keys"] = {{header, key}};
          return changed;
        };
        r.step("reconfigure api-key: the new mount, the old key");
        if (auto set = co_await c->driver().reconfigure(with_key(old_key)); !set.ok()) {
          if (set.error().detail == "unsupported")
            r.skip("the driver cannot reconfigure a connection");
          else
            r.abort("reconfigure failed: " + set.error().message());
          co_return;
        }
        const auto before = c->mcp_mark();
        auto first = co_await c->invoke(r, {.connection = "api-key"});
        if (!expect_result(r, first, "before the rotation")) co_return;
        const auto seen_before = principal_values(c->mcp_since(before, mount), "key_id");
        r.check("the old key was sent before the rotation",
                seen_before == std::vector<std::string>{"old"}, "old", join_or_none(seen_before));

        r.step("rotate: reconfigure api-key with the new key");
        if (auto set = co_await c->driver().reconfigure(with_key(new_key)); !set.ok()) {
          r.abort("reconfigure failed: " + set.error().message());
          co_return;
        }
        const auto after = c->mcp_mark();
        for (int i = 0; i < 2; ++i) {
          auto again = co_await c->invoke(r, {.connection = "api-key"});
          if (!expect_result(r, again, "after the rotation")) co_return;
        }
        const auto entries = c->mcp_since(after, mount);
        const auto seen_after = principal_values(entries, "key_id");
        r.check("only the new key after the rotation",
                seen_after == std::vector<std::string>{"new"}, "new", join_or_none(seen_after));
        r.check("no request refused after the rotation", refusals(entries).empty(), "none",
                join_or_none(refusals(entries)));
      }));
}

}  // namespace toolauth::conformance
