#include "toolauth/conformance/mcp_server_profile.h"

#include <algorithm>

#include "toolauth/conformance/mcp_probe.h"
#include "toolauth/core/error.h"
#include "toolauth/core/json.h"
#include "toolauth/jose/hash.h"
#include "toolauth/jose/jwt.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;
using namespace std::chrono_literals;

// Expired and not-yet-valid tokens are an hour on the wrong side of real time: beyond any
// reasonable leeway (Microsoft.IdentityModel allows five minutes), yet plausible.
constexpr std::chrono::seconds kTimeShift = 2h;
constexpr std::chrono::seconds kShortLifetime = 1h;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string origin_of(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  return std::string(url.substr(0, url.find('/', scheme + 3)));
}

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

}  // namespace

bool plain_http_on_loopback(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) return false;
  const auto authority = url.substr(scheme.size(), url.find('/', scheme.size()) - scheme.size());
  if (authority.find('@') != std::string_view::npos) return false;
  std::string_view host = authority;
  if (host.starts_with("[")) {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  const bool ipv4_loopback =
      host.starts_with("127.") && std::all_of(host.begin(), host.end(), [](char c) {
        return c == '.' || std::isdigit(static_cast<unsigned char>(c));
      });
  return host == "localhost" || host == "[::1]" || ipv4_loopback;
}

std::string well_known_metadata_url(std::string_view resource) {
  const auto origin = origin_of(resource);
  std::string path(resource.substr(origin.size()));
  if (path == "/") path.clear();
  return origin + "/.well-known/oauth-protected-resource" + path;
}

std::string challenge_parameter(std::string_view challenge, std::string_view name) {
  // Parameters are name=value or name="value", separated by commas (RFC 9110 §11.2).
  const std::string wanted = lower(name);
  std::size_t i = challenge.find(' ');
  while (i != std::string_view::npos && i < challenge.size()) {
    while (i < challenge.size() && (challenge[i] == ' ' || challenge[i] == ',')) ++i;
    const auto eq = challenge.find('=', i);
    if (eq == std::string_view::npos) break;
    const auto key = lower(challenge.substr(i, eq - i));
    std::string value;
    std::size_t j = eq + 1;
    if (j < challenge.size() && challenge[j] == '"') {
      for (++j; j < challenge.size() && challenge[j] != '"'; ++j) {
        if (challenge[j] == '\\' && j + 1 < challenge.size()) ++j;
        value.push_back(challenge[j]);
      }
      ++j;
    } else {
      const auto end = std::min(challenge.find(',', j), challenge.size());
      value = std::string(challenge.substr(j, end - j));
      j = end;
    }
    if (key == wanted) return value;
    i = j;
  }
  return {};
}

nlohmann::json mcp_server_setup(const Environment& env) {
  const auto& world = env.world();
  const auto* tenant = find_named(world, "tenants", kMcpTenant);
  const auto* resource = find_named(world, "resources", kMcpResource);
  const auto tid = tenant ? tenant->value("id", "") : std::string();
  const auto client_id = resource ? resource->value("client_id", "") : std::string();
  const auto app_id_uri = resource ? resource->value("app_id_uri", "") : std::string();
  return {{"profile", kMcpServerProfile},
          {"issuer", tenant ? tenant->value("issuer", "") : ""},
          {"jwks_uri", env.idp_url() + "/" + tid + "/discovery/v2.0/keys"},
          {"openid_configuration",
           env.idp_url() + "/" + tid + "/v2.0/.well-known/openid-configuration"},
          {"audiences", {client_id, app_id_uri}},
          {"tenant_id", tid},
          {"required_scope", kMcpRequiredScope},
          {"scopes_supported", {app_id_uri + "/" + std::string(kMcpRequiredScope)}},
          {"algorithms", {"RS256"}},
          {"ca_file", env.ca_file()},
          {"notes",
           {"Refuse tokens of other issuers and tenants, other audiences, expired or not yet valid "
            "ones, unsigned (alg none) and HMAC-signed ones, and unknown key ids, with 401 and a "
            "Bearer challenge (error=\"invalid_token\"); tokens without the scope with 403 "
            "(error=\"insufficient_scope\").",
            "Answer a request without a token with 401 and WWW-Authenticate: Bearer "
            "resource_metadata=\"<your RFC 9728 metadata URL>\" and no error code (RFC 6750 "
            "§3.1), the metadata's resource being your MCP URL.",
            "Ports, keys and the CA are made afresh on each run unless certify is given "
            "--idp-port, --mcp-port and --state-dir; give the run that certifies the IUT the "
            "same ones."}}};
}

// Per-run state shared by the scenario bodies.
struct McpServerProfile::Fixture {
  McpServerProfile* profile;
  std::string valid_token;
  nlohmann::json valid_claims;
  std::string full_scope;  // api://<mcp-api>/Tools.Invoke
  std::string read_scope;  // api://<mcp-api>/Tools.Read
  std::string user_oid;
  std::string challenge_metadata_url;  // from the missing-token challenge, when one came
  bool mcp_journal = false;

  Environment& env() { return *profile->env_; }
  const McpServerTarget& target() { return profile->target_; }

  void note_defects(const ProbeReply& reply) {
    const auto announced = reply.header("x-toolauth-defects");
    std::size_t start = 0;
    while (start < announced.size()) {
      const auto comma = std::min(announced.find(',', start), announced.size());
      auto name = announced.substr(start, comma - start);
      auto& defects = profile->defects_;
      if (!name.empty() && std::find(defects.begin(), defects.end(), name) == defects.end())
        defects.push_back(name);
      start = comma + 1;
    }
  }

  // One initialize with `headers`, observed (credentials described, never shown).
  awaitable<core::Result<ProbeReply>> attempt(ScenarioRecord& record, std::string credentials,
                                              http::Headers headers) {
    McpProbe probe(env().client(), target().url, std::move(headers));
    auto reply = co_await probe.initialize();
    nlohmann::json seen = {{"request", "POST " + target().url + " initialize"},
                           {"credentials", credentials}};
    if (!reply.ok()) {
      seen["error"] = reply.error().message();
    } else {
      note_defects(*reply);
      seen["status"] = reply->status;
      if (auto challenge = reply->header("www-authenticate"); !challenge.empty())
        seen["www_authenticate"] = challenge;
      seen["content_type"] = reply->header("content-type");
    }
    record.observe(std::move(seen));
    co_return reply;
  }

  http::Headers bearer(const std::string& token) {
    http::Headers h;
    h.set("Authorization", "Bearer " + token);
    return h;
  }

  // Presents `token` (described as `what`) and expects the exact refusal.
  awaitable<void> expect_refused(ScenarioRecord& record, std::string what,
                                 core::Result<std::string> token, int status, std::string error) {
    if (!token.ok()) {
      record.abort("could not make the token (" + what + "): " + token.error().message());
      co_return;
    }
    profile->tokens_->remember(*token);
    record.step("present " + what + " to the IUT");
    auto reply = co_await attempt(
        record, "Bearer <" + what + ", sha256 " + jose::short_hash(*token) + ">", bearer(*token));
    if (!reply.ok()) {
      record.abort("the IUT could not be reached: " + reply.error().message());
      co_return;
    }
    record.check("status", reply->status == status, std::to_string(status),
                 std::to_string(reply->status));
    const auto challenge = reply->header("www-authenticate");
    // 401 must carry a challenge (RFC 9110 §15.5.2), judged by the missing-token scenario;
    // here the error code is judged whenever a challenge came, and a 403 must name its error.
    if (!challenge.empty() || status == 403) {
      record.check("challenge scheme", lower(challenge).starts_with("bearer"), "Bearer",
                   challenge.empty() ? "(no WWW-Authenticate)" : challenge.substr(0, 40));
      const auto code = challenge_parameter(challenge, "error");
      record.check("challenge error", code == error, in_quotes(error),
                   code.empty() ? "(none)" : in_quotes(code));
    }
  }

  nlohmann::json claims_with(std::initializer_list<std::pair<const char*, nlohmann::json>> edits) {
    auto claims = valid_claims;
    for (const auto& [name, value] : edits) claims[name] = value;
    return claims;
  }
};

namespace {

Scenario scenario(std::string id, std::string title, Severity severity,
                  std::vector<std::string> capabilities, std::vector<std::string> refs,
                  std::vector<std::string> steps, Scenario::Body body) {
  Scenario s;
  s.id = "mcp-server/" + id;
  s.title = std::move(title);
  s.severity = severity;
  s.profile = std::string(kMcpServerProfile);
  s.capabilities = std::move(capabilities);
  s.spec_refs = std::move(refs);
  s.steps = std::move(steps);
  s.body = std::move(body);
  return s;
}

}  // namespace

McpServerProfile::McpServerProfile(Environment* env, McpServerTarget target)
    : env_(env), target_(std::move(target)), fixture_(std::make_unique<Fixture>()) {
  fixture_->profile = this;
  if (env_ != nullptr) tokens_ = std::make_unique<IdpTokens>(*env_);
  Fixture* f = fixture_.get();
  const std::vector<std::string> bearer_cap = {"bearer"};
  const std::string rfc6750 = "RFC 6750 §3.1";
  const std::string mcp_auth = "MCP 2025-06-18 Authorization §2.5 (token validation)";

  scenarios_.push_back(scenario(
      "challenge/missing-token",
      "A request without a token gets 401 and a resource_metadata challenge", Severity::must,
      bearer_cap, {"RFC 9728 §5.1", "RFC 6750 §3", "MCP 2025-06-18 Authorization §2.3.1"},
      {"initialize without Authorization", "expect 401 with WWW-Authenticate: Bearer",
       "expect resource_metadata naming an https URL"},
      [f](ScenarioRecord& r) -> awaitable<void> {
        r.step("initialize without credentials");
        auto reply = co_await f->attempt(r, "none", {});
        if (!reply.ok()) {
          r.abort("the IUT could not be reached: " + reply.error().message());
          co_return;
        }
        r.check("status", reply->status == 401, "401", std::to_string(reply->status));
        const auto challenge = reply->header("www-authenticate");
        r.check("WWW-Authenticate", lower(challenge).starts_with("bearer"), "Bearer challenge",
                challenge.empty() ? "(absent)" : challenge);
        const auto metadata = challenge_parameter(challenge, "resource_metadata");
        // An IUT certified over plain HTTP on loopback (behind a TLS proxy in production) names
        // its metadata by the same scheme; anything reachable from elsewhere must be https.
        const bool plain = plain_http_on_loopback(f->target().url);
        r.check("resource_metadata",
                metadata.starts_with("https://") || (plain && plain_http_on_loopback(metadata)),
                plain ? "an https URL, or http on loopback" : "an https URL",
                metadata.empty() ? "(absent)" : metadata);
        f->challenge_metadata_url = metadata;
      }));

  scenarios_.push_back(scenario(
      "challenge/no-error-code", "A request without a token gets a challenge without an error code",
      Severity::should, bearer_cap, {rfc6750},
      {"initialize without Authorization",
       "expect the Bearer challenge without error (or with invalid_request)"},
      [f](ScenarioRecord& r) -> awaitable<void> {
        r.step("initialize without credentials");
        auto reply = co_await f->attempt(r, "none", {});
        if (!reply.ok()) {
          r.abort("the IUT could not be reached: " + reply.error().message());
          co_return;
        }
        const auto challenge = reply->header("www-authenticate");
        if (!lower(challenge).starts_with("bearer")) {
          // A missing challenge is challenge/missing-token's failure, not this one's.
          r.skip("no Bearer challenge to judge");
          co_return;
        }
        // "If the request lacks any authentication information ..., the resource server SHOULD
        // NOT include an error code": the client did nothing wrong, it just has to sign in.
        const auto code = challenge_parameter(challenge, "error");
        r.check("no error code for a request without credentials",
                code.empty() || code == "invalid_request", "(none)", in_quotes(code));
      }));

  scenarios_.push_back(scenario(
      "prm/valid", "The protected resource metadata is valid and names this resource",
      Severity::must, bearer_cap, {"RFC 9728 §2", "RFC 9728 §3.3"},
      {"GET the metadata URL (the challenge's, else the RFC 9728 well-known one)",
       "expect 200 JSON with resource equal to the MCP URL",
       "expect authorization_servers naming the trusted issuer"},
      [f](ScenarioRecord& r) -> awaitable<void> {
        std::string url = f->target().metadata_url;
        if (url.empty()) url = f->challenge_metadata_url;
        if (url.empty()) url = well_known_metadata_url(f->target().url);
        r.step("GET " + url);
        auto reply = co_await f->env().client().send({.url = url});
        if (!reply.ok()) {
          r.abort("the metadata could not be fetched: " + reply.error().message());
          co_return;
        }
        r.observe({{"request", "GET " + url}, {"status", reply->status}});
        if (!r.check("status", reply->status == 200, "200", std::to_string(reply->status)))
          co_return;
        auto document = core::parse_json(reply->body);
        if (!r.check("JSON object", document.ok() && document->is_object(), "a JSON object",
                     document.ok() ? document->type_name() : document.error().message()))
          co_return;
        r.observe({{"metadata", *document}});
        const auto resource = document->value("resource", std::string());
        r.check("resource", resource == f->target().url, f->target().url,
                resource.empty() ? "(absent)" : resource);
        const auto issuer = mcp_server_setup(f->env())["issuer"].get<std::string>();
        const auto servers = document->value("authorization_servers", nlohmann::json::array());
        const bool names_issuer =
            servers.is_array() && std::any_of(servers.begin(), servers.end(),
                                              [&](const nlohmann::json& s) { return s == issuer; });
        r.check("authorization_servers", names_issuer, "includes " + issuer, servers.dump());
      }));

  scenarios_.push_back(scenario(
      "token/valid", "A valid token is accepted", Severity::must, bearer_cap, {mcp_auth},
      {"mint a token for alice with the required scope", "initialize and tools/list with it",
       "expect 200 answers with JSON-RPC results"},
      [f](ScenarioRecord& r) -> awaitable<void> {
        if (f->valid_token.empty()) {
          r.abort("no valid token could be minted");
          co_return;
        }
        r.step("initialize with alice's token");
        McpProbe probe(f->env().client(), f->target().url, f->bearer(f->valid_token));
        auto init = co_await probe.initialize();
        if (!init.ok()) {
          r.abort("the IUT could not be reached: " + init.error().message());
          co_return;
        }
        f->note_defects(*init);
        r.observe({{"request", "POST initialize"}, {"status", init->status}});
        r.check("initialize status", init->status == 200, "200", std::to_string(init->status));
        r.check("initialize result", init->has_result(), "a JSON-RPC result",
                init->message.is_null() ? "(none)" : init->message.dump().substr(0, 200));
        r.step("tools/list");
        auto tools = co_await probe.list_tools();
        if (!tools.ok()) {
          r.abort("tools/list failed: " + tools.error().message());
          co_return;
        }
        r.observe({{"request", "POST tools/list"}, {"status", tools->status}});
        r.check("tools/list status", tools->status == 200, "200", std::to_string(tools->status));
        r.check("tools/list result", tools->has_result(), "a JSON-RPC result",
                tools->message.is_null() ? "(none)" : tools->message.dump().substr(0, 200));
      }));

  scenarios_.push_back(scenario(
      "token/whoami", "whoami names the token's user", Severity::should, {"bearer", "whoami"},
      {mcp_auth}, {"call the whoami tool with alice's token", "expect alice's oid in the answer"},
      [f](ScenarioRecord& r) -> awaitable<void> {
        McpProbe probe(f->env().client(), f->target().url, f->bearer(f->valid_token));
        auto init = co_await probe.initialize();
        if (!init.ok() || !init->has_result()) {
          r.abort("initialize failed");
          co_return;
        }
        r.step("tools/call whoami");
        auto reply = co_await probe.call_tool("whoami", nlohmann::json::object());
        if (!reply.ok()) {
          r.abort("tools/call failed: " + reply.error().message());
          co_return;
        }
        r.observe({{"request", "POST tools/call whoami"},
                   {"status", reply->status},
                   {"result", reply->message.value("result", nlohmann::json())}});
        const auto text = reply->message.dump();
        r.check("status", reply->status == 200, "200", std::to_string(reply->status));
        r.check("oid", text.find(f->user_oid) != std::string::npos, "alice's oid " + f->user_oid,
                text.substr(0, 300));
      }));

  auto negative = [&](std::string id, std::string title, std::vector<std::string> refs,
                      std::string what, int status, std::string error,
                      std::function<awaitable<core::Result<std::string>>(Fixture&)> make) {
    scenarios_.push_back(
        scenario("token/" + id, std::move(title), Severity::must, {"bearer"}, std::move(refs),
                 {"make " + what, "initialize with it",
                  "expect " + std::to_string(status) + " with error=\"" + error + "\""},
                 [f, what, status, error, make](ScenarioRecord& r) -> awaitable<void> {
                   co_await f->expect_refused(r, what, co_await make(*f), status, error);
                 }));
  };
  const std::vector<std::string> jwt_bcp = {"RFC 8725 §3.1", rfc6750, mcp_auth};

  negative("expired", "An expired token is refused", {"RFC 7519 §4.1.4", rfc6750, mcp_auth},
           "a real token that expired an hour ago", 401, "invalid_token",
           [](Fixture& f) -> awaitable<core::Result<std::string>> {
             co_return co_await f.profile->tokens_->user_token(
                 {std::string(kMcpUser), f.full_scope, -kTimeShift, kShortLifetime});
           });
  negative("not-yet-valid", "A token that is not valid yet is refused",
           {"RFC 7519 §4.1.5", rfc6750, mcp_auth}, "a real token valid only from two hours on", 401,
           "invalid_token", [](Fixture& f) -> awaitable<core::Result<std::string>> {
             co_return co_await f.profile->tokens_->user_token(
                 {std::string(kMcpUser), f.full_scope, kTimeShift, std::nullopt});
           });
  negative("wrong-audience", "A token for another resource is refused",
           {"RFC 8707 §2", "RFC 9068 §4", rfc6750, mcp_auth},
           "a real token of alice for another resource (Microsoft Graph)", 401, "invalid_token",
           [](Fixture& f) -> awaitable<core::Result<std::string>> {
             co_return co_await f.profile->tokens_->user_token(
                 {std::string(kMcpUser), std::string(kForeignResourceScope)});
           });
  negative("wrong-issuer", "A token from an untrusted issuer is refused", jwt_bcp,
           "a token signed with the IdP's key but naming another issuer", 401, "invalid_token",
           [](Fixture& f) -> awaitable<core::Result<std::string>> {
             co_return f.profile->tokens_->forge().wrong_issuer(f.valid_claims);
           });
  negative("bad-signature", "A token with a broken signature is refused", jwt_bcp,
           "a valid token with one signature bit flipped", 401, "invalid_token",
           [](Fixture& f) -> awaitable<core::Result<std::string>> {
             co_return f.profile->tokens_->forge().bad_signature(f.valid_claims);
           });
  negative("alg-none", "An unsigned token (alg none) is refused", jwt_bcp,
           "a valid token's claims with alg none and no signature", 401, "invalid_token",
           [](Fixture& f) -> awaitable<core::Result<std::string>> {
             co_return f.profile->tokens_->forge().alg_none(f.valid_claims);
           });
  negative("hs256-key-confusion", "An HS256 token keyed with the public key is refused",
           {"RFC 8725 §2.1", "RFC 8725 §3.1", rfc6750},
           "a token MACed (HS256) with the IdP's public key as the secret", 401, "invalid_token",
           [](Fixture& f) -> awaitable<core::Result<std::string>> {
             co_return f.profile->tokens_->forge().hs256_with_public_key(f.valid_claims);
           });
  negative("unknown-kid", "A token signed by an unpublished key is refused",
           {"RFC 7515 §4.1.4", rfc6750}, "a token whose kid the JWKS does not publish", 401,
           "invalid_token", [](Fixture& f) -> awaitable<core::Result<std::string>> {
             co_return f.profile->tokens_->forge().unknown_kid(f.valid_claims);
           });
  negative("other-tenant", "A token of another tenant is refused",
           {"Entra ID multi-tenant token validation (tid, iss)", rfc6750},
           "a token signed with the IdP's key for a user of another tenant", 401, "invalid_token",
           [](Fixture& f) -> awaitable<core::Result<std::string>> {
             const auto* other = find_named(f.env().world(), "tenants", kMcpOtherTenant);
             const auto* carol = find_named(f.env().world(), "users", kMcpOtherTenantUser);
             if (other == nullptr || carol == nullptr)
               co_return core::Error{core::make_error_code(core::Errc::not_found),
                                     "the world lacks the other tenant or its user"};
             co_return f.profile->tokens_->forge().valid(
                 f.claims_with({{"iss", other->value("issuer", "")},
                                {"tid", other->value("id", "")},
                                {"oid", carol->value("oid", "")},
                                {"preferred_username", carol->value("username", "")}}));
           });
  negative(
      "missing-scope", "A token without the required scope gets 403 insufficient_scope",
      {rfc6750, "MCP 2025-06-18 Authorization §2.6 (scope challenge)"},
      "a real token of alice with Tools.Read only", 403, "insufficient_scope",
      [](Fixture& f) -> awaitable<core::Result<std::string>> {
        co_return co_await f.profile->tokens_->user_token({std::string(kMcpUser), f.read_scope});
      });

  auto key_case = [&](std::string id, std::string title, std::string what, bool accepted,
                      std::function<std::optional<std::string>(const McpServerTarget&)> key) {
    scenarios_.push_back(scenario(
        "api-key/" + id, std::move(title), Severity::must, {"api-key"},
        {"Foundry CustomKeys connections (reference/foundry-agent-service.md)"},
        {"initialize with " + what, accepted ? "expect 200" : "expect 401"},
        [f, what, accepted, key](ScenarioRecord& r) -> awaitable<void> {
          http::Headers headers;
          const auto value = key(f->target());
          if (value) headers.set(f->target().api_key_header, *value);
          r.step("initialize with " + what);
          auto reply = co_await f->attempt(r, what, std::move(headers));
          if (!reply.ok()) {
            r.abort("the IUT could not be reached: " + reply.error().message());
            co_return;
          }
          if (accepted) {
            r.check("status", reply->status == 200, "200", std::to_string(reply->status));
            r.check("initialize result", reply->has_result(), "a JSON-RPC result",
                    reply->message.is_null() ? "(none)" : reply->message.dump().substr(0, 200));
          } else {
            r.check("status", reply->status == 401, "401", std::to_string(reply->status));
          }
        }));
  };
  key_case("missing", "A request without the key is refused", "no key", false,
           [](const McpServerTarget&) { return std::nullopt; });
  key_case("wrong", "A wrong key is refused", "a wrong key of the same length", false,
           [](const McpServerTarget& t) -> std::optional<std::string> {
             std::string wrong = t.api_key;
             for (auto& c : wrong) c = c == 'x' ? 'y' : 'x';
             return wrong;
           });
  key_case("prefix", "A prefix of the right key is refused", "the right key's first half", false,
           [](const McpServerTarget& t) -> std::optional<std::string> {
             return t.api_key.substr(0, std::max<std::size_t>(1, t.api_key.size() / 2));
           });
  key_case("valid", "The right key is accepted", "the right key", true,
           [](const McpServerTarget& t) -> std::optional<std::string> { return t.api_key; });
}

McpServerProfile::~McpServerProfile() = default;

awaitable<core::Result<void>> McpServerProfile::prepare() {
  if (env_ == nullptr)
    co_return core::Error{core::make_error_code(core::Errc::invalid_argument), "no environment"};
  auto& f = *fixture_;
  const auto& world = env_->world();
  const auto* resource = find_named(world, "resources", kMcpResource);
  const auto* user = find_named(world, "users", kMcpUser);
  if (resource == nullptr || user == nullptr)
    co_return core::Error{core::make_error_code(core::Errc::not_found),
                          "the world lacks the resource mcp-api or the user alice"};
  const auto app_id_uri = resource->value("app_id_uri", std::string());
  f.full_scope = app_id_uri + "/" + std::string(kMcpRequiredScope);
  f.read_scope = app_id_uri + "/" + std::string(kMcpReadScope);
  f.user_oid = user->value("oid", std::string());

  // Whether the IUT publishes a journal (a toolauth server does, on loopback).
  auto journal =
      co_await env_->client().send({.url = origin_of(target_.url) + "/_admin/journal?limit=1"});
  f.mcp_journal = journal.ok() && journal->status == 200;

  http::Headers credentials;
  if (target_.auth == McpTargetAuth::bearer) {
    capabilities_.insert("bearer");
    auto token = co_await tokens_->user_token({std::string(kMcpUser), f.full_scope});
    if (!token.ok()) co_return token.error();
    f.valid_token = *token;
    auto decoded = jose::decode_jwt(f.valid_token);
    if (!decoded.ok()) co_return decoded.error();
    f.valid_claims = decoded->payload;
    credentials = f.bearer(f.valid_token);
  } else if (!target_.api_key.empty() && !target_.api_key_header.empty()) {
    capabilities_.insert("api-key");
    credentials.set(target_.api_key_header, target_.api_key);
  }
  McpProbe probe(env_->client(), target_.url, credentials);
  auto init = co_await probe.initialize();
  if (!init.ok()) co_return init.error();
  f.note_defects(*init);
  if (init->has_result()) {
    auto tools = co_await probe.list_tools();
    if (tools.ok() && tools->has_result()) {
      for (const auto& tool : tools->message["result"].value("tools", nlohmann::json::array())) {
        if (tool.is_object() && tool.value("name", "") == "whoami") capabilities_.insert("whoami");
      }
    }
  }
  co_return core::Result<void>{};
}

nlohmann::json McpServerProfile::target() const {
  nlohmann::json t = {{"url", target_.url},
                      {"auth", target_.auth == McpTargetAuth::bearer ? "bearer" : "api-key"}};
  if (!target_.metadata_url.empty()) t["metadata_url"] = target_.metadata_url;
  if (!target_.api_key_header.empty()) t["api_key_header"] = target_.api_key_header;
  t["journal"] = fixture_->mcp_journal;
  return t;
}

std::vector<JournalSource> McpServerProfile::journals() {
  std::vector<JournalSource> sources;
  if (env_ == nullptr) return sources;
  Environment* env = env_;
  sources.push_back({"idp",
                     [env]() -> awaitable<core::Result<std::uint64_t>> {
                       co_return env->idp_journal().last_seq();
                     },
                     [env](std::uint64_t after) -> awaitable<core::Result<nlohmann::json>> {
                       nlohmann::json entries = nlohmann::json::array();
                       for (const auto& e : env->idp_journal().query(
                                {.after_seq = after, .limit = kMaxEvidenceEntriesPerJournal}))
                         entries.push_back(service::Journal::to_json(e));
                       co_return entries;
                     }});
  if (!fixture_->mcp_journal) return sources;
  const std::string journal_url = origin_of(target_.url) + "/_admin/journal";
  auto fetch = [env, journal_url](std::string query) -> awaitable<core::Result<nlohmann::json>> {
    auto reply = co_await env->client().send({.url = journal_url + "?" + query});
    if (!reply.ok()) co_return reply.error();
    auto body = core::parse_json(reply->body);
    if (reply->status != 200 || !body.ok() || !body->is_object())
      co_return core::Error{core::make_error_code(core::Errc::parse_error),
                            "the IUT's journal answered " + std::to_string(reply->status)};
    co_return *body;
  };
  sources.push_back({"mcp",
                     [fetch]() -> awaitable<core::Result<std::uint64_t>> {
                       auto page = co_await fetch("limit=1&after=0");
                       if (!page.ok()) co_return page.error();
                       co_return page->value("last_seq", std::uint64_t{0});
                     },
                     [fetch](std::uint64_t after) -> awaitable<core::Result<nlohmann::json>> {
                       auto page = co_await fetch("after=" + std::to_string(after) + "&limit=" +
                                                  std::to_string(kMaxEvidenceEntriesPerJournal));
                       if (!page.ok()) co_return page.error();
                       co_return page->value("entries", nlohmann::json::array());
                     }});
  return sources;
}

awaitable<void> McpServerProfile::after_scenario() {
  // The token helpers put the clock back themselves; this guards against a body that stopped
  // half way (an exception between shifting and restoring).
  if (env_ != nullptr && env_->clock().offset() != core::Clock::duration::zero())
    env_->clock().reset();
  co_return;
}

}  // namespace toolauth::conformance
