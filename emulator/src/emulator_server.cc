#include "toolauth/emulator/emulator_server.h"

#include "toolauth/core/config.h"
#include "toolauth/core/json.h"
#include "toolauth/core/random.h"
#include "toolauth/emulator/agent_identity_tool_auth.h"
#include "toolauth/emulator/caller_authenticator.h"
#include "toolauth/emulator/consent_flow.h"
#include "toolauth/emulator/data_plane.h"
#include "toolauth/emulator/emulator_state.h"
#include "toolauth/emulator/hosted_agent_host.h"
#include "toolauth/emulator/hosted_call_registry.h"
#include "toolauth/emulator/managed_identity_tool_auth.h"
#include "toolauth/emulator/oauth2_tool_auth.h"
#include "toolauth/emulator/on_behalf_of_tool_auth.h"
#include "toolauth/emulator/response_engine.h"
#include "toolauth/emulator/runtime_api.h"
#include "toolauth/emulator/static_tool_auth.h"
#include "toolauth/emulator/toolbox_mcp_endpoint.h"
#include "toolauth/emulator/toolbox_proxy.h"
#include "toolauth/http/router.h"
#include "toolauth/http/server.h"
#include "toolauth/jose/local_tls.h"
#include "toolauth/service/admin.h"
#include "toolauth/service/server_files.h"
#include "toolauth/service/state_store.h"

namespace toolauth::emulator {

struct EmulatorServer::Impl {
  EmulatorServerOptions options;
  EmulatorDefects defects;
  core::SystemClock* clock;
  std::filesystem::path temporary_dir;
  std::optional<jose::LocalTls> tls;
  std::unique_ptr<service::StateStore> store;
  std::unique_ptr<EmulatorState> state;
  service::Journal journal;
  service::FaultInjector faults;
  EmulatorWorld world;
  std::unique_ptr<http::Client> client;
  std::unique_ptr<oauth::TokenEndpointClient> token_client;
  std::unique_ptr<oauth::ManagedIdentityClient> managed_identity;
  std::unique_ptr<oauth::TokenCache> token_cache;
  std::unique_ptr<service::StateStore> vault_memory;  // defect vault-in-memory only
  std::unique_ptr<oauth::TokenVault> vault;
  std::unique_ptr<ConsentFlow> consents;
  ToolAuthRegistry tool_auth;
  std::unique_ptr<CallerAuthenticator> callers;
  std::unique_ptr<ResponseEngine> engine;
  HostedCallRegistry hosted_calls;
  AgentIdentityToolAuth* agent_identity = nullptr;  // owned by tool_auth
  OnBehalfOfToolAuth* on_behalf_of = nullptr;       // owned by tool_auth
  OAuth2ToolAuth* oauth2 = nullptr;                 // owned by tool_auth
  // Declared after what it uses, so it goes (stopping its containers) before them.
  std::unique_ptr<HostedAgentHost> hosted;
  std::unique_ptr<DataPlane> data_plane;
  std::unique_ptr<ToolboxProxy> toolbox_proxy;
  std::unique_ptr<ToolboxMcpEndpoint> toolbox_mcp;
  std::unique_ptr<RuntimeApi> runtime_api;
  http::Router router;
  http::RequestHandler handler;  // what the listeners serve: the router, maybe marked
  std::unique_ptr<http::Server> server;
  std::unique_ptr<http::Server> plain_server;
  std::string url;
  std::string http_url;
  bool ready = false;

  explicit Impl(core::SystemClock& c) : clock(&c), journal(c) {}
  ~Impl() {
    // Requests hold references into these: the listeners go first.
    server.reset();
    plain_server.reset();
    if (!temporary_dir.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(temporary_dir, ignored);
    }
  }

  core::Result<void> reset() {
    TOOLAUTH_RETURN_IF_ERROR(state->seed(world, clock->unix_seconds()));
    if (token_cache) token_cache->clear();
    if (consents) consents->clear();
    if (hosted) hosted->reset();
    if (vault) {
      TOOLAUTH_ASSIGN_OR_RETURN(auto entries, vault->list());
      for (const auto& entry : entries) TOOLAUTH_RETURN_IF_ERROR(vault->revoke(entry.key));
    }
    journal.clear();
    faults.clear();
    return {};
  }

  // The token-based auth types: the Entra ones (managed identity, agent identity, OBO) and
  // OAuth2 identity passthrough with its vault (key: TOOLAUTH_VAULT_KEY, else
  // <state dir>/vault.key, else in memory) and consent routes.
  core::Result<void> install_token_auth(const std::string& idp_url,
                                        const std::filesystem::path& state_dir) {
    const auto logger = options.logger.with_component("emulator");
    token_client = std::make_unique<oauth::TokenEndpointClient>(*client, *clock, logger);
    managed_identity = std::make_unique<oauth::ManagedIdentityClient>(
        *client, *clock, oauth::ManagedIdentityEndpoint::imds(options.managed_identity_url),
        logger);
    token_cache = std::make_unique<oauth::TokenCache>(*clock);
    tool_auth.install(std::make_unique<CustomKeysToolAuth>(defects));
    tool_auth.install(
        std::make_unique<ManagedIdentityToolAuth>(*managed_identity, *token_cache, defects));
    auto on_behalf_of = std::make_unique<OnBehalfOfToolAuth>(*token_client, *token_cache,
                                                             world.client, idp_url, defects);
    auto agent_identity_auth = std::make_unique<AgentIdentityToolAuth>(
        *token_client, *token_cache, idp_url, defects, on_behalf_of.get());
    agent_identity = agent_identity_auth.get();
    this->on_behalf_of = on_behalf_of.get();
    tool_auth.install(std::move(agent_identity_auth));
    tool_auth.install(std::move(on_behalf_of));

    TOOLAUTH_ASSIGN_OR_RETURN(auto key, oauth::VaultKey::load_from_environment(state_dir));
    auto* vault_store = store.get();
    if (defects.has(Defect::vault_in_memory)) {
      // The tokens live and die with the process: a restart forgets every consent.
      TOOLAUTH_ASSIGN_OR_RETURN(vault_memory, service::StateStore::open(":memory:"));
      vault_store = vault_memory.get();
    }
    TOOLAUTH_ASSIGN_OR_RETURN(vault, oauth::TokenVault::open(*vault_store, std::move(key), *clock));
    consents =
        std::make_unique<ConsentFlow>(*state, *token_client, *vault, journal, *clock, url, defects);
    consents->mount(router);
    auto oauth2_auth =
        std::make_unique<OAuth2ToolAuth>(*consents, *vault, *token_client, *clock, defects);
    oauth2 = oauth2_auth.get();
    tool_auth.install(std::move(oauth2_auth));
    return {};
  }

  void add_admin_routes() {
    service::AdminHooks hooks;
    hooks.component = "emulator";
    hooks.clock = clock;
    hooks.journal = &journal;
    hooks.faults = &faults;
    hooks.admin_key = options.admin_key;
    hooks.ready = [this] { return ready; };
    hooks.reset = [this] { return reset(); };
    hooks.export_state = [this] { return store->export_documents(); };
    hooks.import_state = [this](const nlohmann::json& documents) {
      return store->import_documents(documents);
    };
    service::mount_admin(router, hooks);
    add_vault_routes();
  }

  // /_admin/vault: what the vault holds (never a token) and revocation by entry or by user.
  // Entry keys hold '/', so they travel in the query.
  void add_vault_routes() {
    auto seconds = [](core::Clock::time_point t) {
      return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    };
    router.add(http::Method::get, "/_admin/vault", [this, seconds](http::Request&) {
      if (!vault) return service::admin_error(404, "not_found", "this emulator has no vault");
      auto entries = vault->list();
      if (!entries.ok()) return service::admin_error(500, "vault_error", entries.error().message());
      nlohmann::json list = nlohmann::json::array();
      for (const auto& e : *entries) {
        list.push_back({{"key", e.key},
                        {"user", e.user},
                        {"scopes", e.scopes},
                        {"token_url", e.token_url},
                        {"key_id", e.key_id},
                        {"sealed_with_current_key", e.sealed_with_current_key},
                        {"has_refresh_token", e.has_refresh_token},
                        {"refresh_in_flight", e.refresh_in_flight},
                        {"readable", e.readable},
                        {"expires_at", seconds(e.expires_at)},
                        {"updated_at", seconds(e.updated_at)}});
      }
      return http::Response::json(200, {{"entries", list}});
    });
    router.add(http::Method::delete_, "/_admin/vault", [this](http::Request& request) {
      if (!vault) return service::admin_error(404, "not_found", "this emulator has no vault");
      auto query = request.query_params();
      if (!query.ok() || query->first_repeated() || query->has("key") == query->has("user"))
        return service::admin_error(400, "invalid_request", "give exactly one of key= or user=");
      if (auto key = query->get("key")) {
        auto revoked = vault->revoke(std::string(*key));
        if (!revoked.ok())
          return service::admin_error(500, "vault_error", revoked.error().message());
        if (!*revoked) return service::admin_error(404, "not_found", "no such vault entry");
        journal.record("admin", {{"action", "vault_revoke"}, {"entries", 1}});
        return http::Response::json(200, {{"revoked", 1}});
      }
      auto revoked = vault->revoke_user(std::string(*query->get("user")));
      if (!revoked.ok()) return service::admin_error(500, "vault_error", revoked.error().message());
      journal.record("admin", {{"action", "vault_revoke"}, {"entries", *revoked}});
      return http::Response::json(200, {{"revoked", *revoked}});
    });
  }
};

namespace {

// The key of x-agent-user-id, made once and kept in the state so the ids survive restarts.
core::Result<std::string> hosted_user_key(service::StateStore& store) {
  TOOLAUTH_ASSIGN_OR_RETURN(auto stored, store.get("hosted", "user_key"));
  if (stored && stored->is_string()) return stored->get<std::string>();
  std::string key = core::random_hex(32);
  TOOLAUTH_RETURN_IF_ERROR(store.put("hosted", "user_key", key));
  return key;
}

}  // namespace

EmulatorServer::EmulatorServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EmulatorServer::~EmulatorServer() = default;

core::Result<std::unique_ptr<EmulatorServer>> EmulatorServer::start(
    boost::asio::any_io_executor executor, core::SystemClock& clock,
    EmulatorServerOptions options) {
  auto impl = std::make_unique<Impl>(clock);
  impl->options = std::move(options);
  auto& o = impl->options;
  TOOLAUTH_ASSIGN_OR_RETURN(impl->defects, parse_emulator_defects(o.defects));
  impl->hosted_calls = HostedCallRegistry(impl->defects);
  TOOLAUTH_ASSIGN_OR_RETURN(auto files, service::open_server_files("emulator", o.state_dir, clock));
  impl->temporary_dir = files.temporary_dir;
  impl->tls.emplace(std::move(files.tls));
  impl->store = std::move(files.store);
  const auto& state_dir = files.dir;
  impl->state = std::make_unique<EmulatorState>(*impl->store);

  auto& handler = impl->handler;
  handler = impl->router.handler();
  if (impl->defects.any()) {
    // A mutant says so on every answer, so no observer can take it for the real thing.
    std::string names;
    for (const auto& n : impl->defects.names()) names += (names.empty() ? "" : ",") + n;
    handler = [inner = std::move(handler),
               names](http::Request& r) -> boost::asio::awaitable<http::Response> {
      auto response = co_await inner(r);
      response.headers.set("X-Toolauth-Defects", names);
      co_return response;
    };
  }
  impl->server = std::make_unique<http::Server>(executor, handler, o.limits,
                                                o.logger.with_component("emulator"));
  TOOLAUTH_ASSIGN_OR_RETURN(
      auto port, impl->server->listen({o.host, o.port,
                                       http::TlsCredentials{impl->tls->cert_chain_pem,
                                                            impl->tls->private_key_pem}}));
  impl->url =
      o.public_url.empty() ? "https://" + o.host + ":" + std::to_string(port) : o.public_url;
  while (!impl->url.empty() && impl->url.back() == '/') impl->url.pop_back();
  if (o.http_port) {
    impl->plain_server = std::make_unique<http::Server>(executor, handler, o.limits,
                                                        o.logger.with_component("emulator"));
    TOOLAUTH_ASSIGN_OR_RETURN(auto plain_port,
                              impl->plain_server->listen({o.host, *o.http_port, std::nullopt}));
    impl->http_url = "http://" + o.host + ":" + std::to_string(plain_port);
  }

  auto templates = o.templates;
  templates.try_emplace("idp_url", std::string(kDefaultIdpUrl));
  templates.try_emplace("mcp_url", std::string(kDefaultMcpUrl));
  templates["emulator_url"] = impl->url;
  templates["emulator_http_url"] = impl->http_url.empty() ? impl->url : impl->http_url;
  nlohmann::json document;
  std::string source;
  if (o.fixtures.empty()) {
    TOOLAUTH_ASSIGN_OR_RETURN(document, core::parse_json(default_emulator_fixtures()));
    source = "fixtures/default/emulator.json (built in)";
  } else {
    TOOLAUTH_ASSIGN_OR_RETURN(document, core::load_json_file(o.fixtures));
    source = o.fixtures.string();
  }
  TOOLAUTH_ASSIGN_OR_RETURN(impl->world, load_world(std::move(document), source, templates));
  TOOLAUTH_ASSIGN_OR_RETURN(auto seeded, impl->state->seeded());
  if (!seeded) TOOLAUTH_RETURN_IF_ERROR(impl->state->seed(impl->world, clock.unix_seconds()));

  impl->client = std::make_unique<http::Client>(
      executor,
      http::ClientOptions{.ca_file = o.ca_file.empty() ? impl->tls->ca_file.string() : o.ca_file});
  TOOLAUTH_RETURN_IF_ERROR(impl->install_token_auth(
      templates.at("idp_url"), o.state_dir.empty() ? std::filesystem::path() : state_dir));
  impl->callers =
      std::make_unique<CallerAuthenticator>(impl->world, *impl->client, clock, impl->defects);
  impl->engine =
      std::make_unique<ResponseEngine>(*impl->state, impl->tool_auth, *impl->client, impl->journal,
                                       clock, o.mcp_call_errors, impl->defects);
  impl->data_plane = std::make_unique<DataPlane>(impl->world, *impl->state, *impl->callers,
                                                 *impl->engine, impl->journal, clock, impl->url);
  TOOLAUTH_ASSIGN_OR_RETURN(auto user_key, hosted_user_key(*impl->store));
  o.hosted.ca_file = impl->tls->ca_file.string();
  o.hosted.defects = impl->defects;
  impl->hosted = std::make_unique<HostedAgentHost>(
      executor, impl->world, *impl->client, *impl->agent_identity, impl->hosted_calls,
      impl->journal, o.logger.with_component("emulator"), impl->url, std::move(user_key), o.hosted);
  TOOLAUTH_RETURN_IF_ERROR(impl->hosted->start());
  impl->data_plane->set_hosted(*impl->hosted);
  impl->router.set_pre_routing(service::admin_access_hook(o.admin_key));
  impl->data_plane->mount(impl->router);
  // Toolboxes' MCP endpoints: hosted agents call them with their agent token and call id.
  impl->toolbox_proxy =
      std::make_unique<ToolboxProxy>(*impl->state, impl->tool_auth, *impl->client, impl->journal);
  impl->toolbox_mcp =
      std::make_unique<ToolboxMcpEndpoint>(impl->world, *impl->state, *impl->callers,
                                           impl->hosted_calls, *impl->toolbox_proxy, impl->defects);
  impl->toolbox_mcp->mount(impl->router);
  impl->runtime_api = std::make_unique<RuntimeApi>(
      RuntimeApiServices{&impl->world, impl->state.get(), impl->callers.get(), &impl->hosted_calls,
                         impl->oauth2, impl->on_behalf_of, impl->agent_identity, &impl->journal},
      o.runtime_api, impl->defects);
  impl->runtime_api->mount(impl->router);
  impl->add_admin_routes();
  impl->ready = true;
  return std::unique_ptr<EmulatorServer>(new EmulatorServer(std::move(impl)));
}

const std::string& EmulatorServer::url() const { return impl_->url; }
const std::string& EmulatorServer::http_url() const { return impl_->http_url; }
const std::filesystem::path& EmulatorServer::ca_file() const { return impl_->tls->ca_file; }
const EmulatorWorld& EmulatorServer::world() const { return impl_->world; }
ToolAuthRegistry& EmulatorServer::tool_auth() { return impl_->tool_auth; }
HostedCallRegistry& EmulatorServer::hosted_calls() { return impl_->hosted_calls; }
HostedAgentHost& EmulatorServer::hosted() { return *impl_->hosted; }

nlohmann::json EmulatorServer::ready_document() const {
  nlohmann::json projects = nlohmann::json::array();
  for (const auto& project : impl_->world.projects) {
    nlohmann::json connections = nlohmann::json::array();
    if (auto list = impl_->state->connections(project.name); list.ok()) {
      for (const auto& c : *list) {
        connections.push_back({{"name", c.name},
                               {"id", c.id},
                               {"auth_type", to_string(c.auth_type)},
                               {"target", c.target}});
      }
    }
    nlohmann::json agents = nlohmann::json::array();
    if (auto list = impl_->state->agents(project.name); list.ok()) {
      for (const auto& a : *list) {
        auto tools = parse_mcp_tools(a.latest().definition, [](std::string_view id) {
          return std::optional<std::string>(std::string(id));
        });
        nlohmann::json entry = {
            {"name", a.name}, {"connection", nullptr}, {"require_approval", "always"}};
        if (tools.ok() && !tools->empty()) {
          entry["connection"] = (*tools)[0].connection.empty()
                                    ? nlohmann::json(nullptr)
                                    : nlohmann::json((*tools)[0].connection);
          entry["require_approval"] = (*tools)[0].require_approval.to_json();
        }
        agents.push_back(std::move(entry));
      }
    }
    projects.push_back({{"name", project.name},
                        {"url", impl_->url + "/api/projects/" + project.name},
                        {"connections", connections},
                        {"agents", agents}});
  }
  nlohmann::json emulator = {{"url", impl_->url}};
  if (!impl_->http_url.empty()) emulator["http_url"] = impl_->http_url;
  const auto ca = impl_->tls->ca_file.string();
  return {{"ca_file", ca},
          {"emulator", emulator},
          {"defects", impl_->defects.names()},
          {"env",
           {{"NODE_EXTRA_CA_CERTS", ca},
            {"SSL_CERT_FILE", ca},
            {"AZURE_AI_PROJECT_ENDPOINT",
             impl_->world.projects.empty()
                 ? impl_->url
                 : impl_->url + "/api/projects/" + impl_->world.projects.front().name}}},
          {"world", {{"projects", projects}}}};
}

const http::RequestHandler& EmulatorServer::handler() const { return impl_->handler; }

void EmulatorServer::stop() {
  impl_->ready = false;
  impl_->hosted->stop();
  impl_->server->stop();
  if (impl_->plain_server) impl_->plain_server->stop();
}

}  // namespace toolauth::emulator
