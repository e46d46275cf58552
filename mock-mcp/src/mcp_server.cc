#include "toolauth/mcp/mcp_server.h"

#include "toolauth/core/config.h"
#include "toolauth/core/json.h"
#include "toolauth/http/router.h"
#include "toolauth/http/server.h"
#include "toolauth/jose/local_tls.h"
#include "toolauth/mcp/mount_config.h"
#include "toolauth/service/admin.h"
#include "toolauth/service/server_files.h"
#include "toolauth/service/state_store.h"

namespace toolauth::mcp {

namespace {
constexpr std::string_view kStateCollection = "mcp";
}

struct McpServer::Impl {
  McpServerOptions options;
  core::SystemClock* clock;
  boost::asio::any_io_executor executor;
  std::filesystem::path temporary_dir;
  std::optional<jose::LocalTls> tls;
  std::unique_ptr<service::StateStore> store;
  service::Journal journal;
  service::FaultInjector faults;
  RevocationList revoked;
  std::unique_ptr<http::Client> client;
  McpContext context;
  nlohmann::json fixtures_document;
  std::string fixtures_source;
  std::map<std::string, std::unique_ptr<Mount>, std::less<>> mounts;
  nlohmann::json runtime_mounts = nlohmann::json::array();  // added through the admin plane
  http::Router router;
  http::RequestHandler handler;  // what the listeners serve: the router, maybe marked
  std::unique_ptr<http::Server> server;
  std::unique_ptr<http::Server> plain_server;
  std::string url;
  std::string http_url;
  bool ready = false;

  Impl(core::SystemClock& c, boost::asio::any_io_executor e) : clock(&c), executor(e), journal(c) {}
  ~Impl() {
    for (auto& [name, mount] : mounts) mount->end_sessions();
    if (!temporary_dir.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(temporary_dir, ignored);
    }
  }

  std::map<std::string, std::string> templates() const {
    auto values = options.templates;
    values["mcp_url"] = url;
    return values;
  }

  core::Result<void> add_mount(MountConfig config) {
    if (mounts.contains(config.name))
      return core::Error{core::Errc::invalid_argument, "mount " + config.name + " exists"};
    resolve_templates(config, templates());
    const auto name = config.name;
    mounts[name] = std::make_unique<Mount>(std::move(config), context, executor);
    mounts[name]->notes().on_change = [this] { persist(); };
    return {};
  }

  core::Result<void> load_fixture_mounts() {
    TOOLAUTH_ASSIGN_OR_RETURN(auto configs, load_mounts(fixtures_document, fixtures_source));
    for (auto& config : configs) TOOLAUTH_RETURN_IF_ERROR(add_mount(std::move(config)));
    return {};
  }

  nlohmann::json state() const {
    nlohmann::json notes = nlohmann::json::object();
    for (const auto& [name, mount] : mounts) notes[name] = mount->notes().to_json();
    return {{"notes", notes}, {"mounts", runtime_mounts}, {"revoked", revoked.list()}};
  }

  void persist() {
    if (!store) return;
    if (auto saved = store->put(kStateCollection, "runtime", state()); !saved.ok()) {
      options.logger.error("saving MCP state failed", {{"error", saved.error().message()}});
    }
  }

  void restore(const nlohmann::json& saved) {
    if (saved.contains("mounts") && saved["mounts"].is_array()) {
      for (const auto& definition : saved["mounts"]) {
        if (auto config = parse_mount(definition);
            config.ok() && add_mount(std::move(*config)).ok()) {
          runtime_mounts.push_back(definition);
        }
      }
    }
    if (saved.contains("revoked") && saved["revoked"].is_array()) {
      for (const auto& jti : saved["revoked"]) {
        if (jti.is_string()) revoked.revoke(jti.get<std::string>());
      }
    }
    if (saved.contains("notes") && saved["notes"].is_object()) {
      for (const auto& [name, notes] : saved["notes"].items()) {
        if (auto it = mounts.find(name); it != mounts.end()) it->second->notes().load_json(notes);
      }
    }
  }

  core::Result<void> reset() {
    for (auto& [name, mount] : mounts) mount->end_sessions();
    mounts.clear();
    runtime_mounts = nlohmann::json::array();
    revoked.clear();
    journal.clear();
    faults.clear();
    TOOLAUTH_RETURN_IF_ERROR(load_fixture_mounts());
    persist();
    return {};
  }

  void add_routes();
};

void McpServer::Impl::add_routes() {
  for (auto method : {http::Method::get, http::Method::post, http::Method::delete_}) {
    router.add(
        method, "/mcp/{name}", [this](http::Request& r) -> boost::asio::awaitable<http::Response> {
          auto it = mounts.find(r.param("name"));
          if (it == mounts.end())
            co_return rpc_error_response(404, -32000, "No MCP server is mounted at " + r.path);
          co_return co_await it->second->handle(r);
        });
  }
  router.add(http::Method::get, "/.well-known/oauth-protected-resource/mcp/{name}",
             [this](http::Request& r) {
               auto it = mounts.find(r.param("name"));
               const auto document = it == mounts.end() ? nlohmann::json()
                                                        : it->second->protected_resource_metadata();
               if (document.is_null()) return http::Response::json(404, {{"error", "not_found"}});
               auto response = http::Response::json(200, document);
               response.headers.set("Access-Control-Allow-Origin", "*");
               return response;
             });

  service::AdminHooks hooks;
  hooks.component = "mcp";
  hooks.clock = clock;
  hooks.journal = &journal;
  hooks.faults = &faults;
  hooks.admin_key = options.admin_key;
  hooks.ready = [this] { return ready; };
  hooks.reset = [this] { return reset(); };
  hooks.export_state = [this]() -> core::Result<nlohmann::json> {
    persist();
    return store->export_documents();
  };
  hooks.import_state = [this](const nlohmann::json& documents) -> core::Result<void> {
    TOOLAUTH_RETURN_IF_ERROR(store->import_documents(documents));
    TOOLAUTH_ASSIGN_OR_RETURN(auto saved, store->get(kStateCollection, "runtime"));
    TOOLAUTH_RETURN_IF_ERROR(reset());
    if (saved) restore(*saved);
    persist();
    return {};
  };
  service::mount_admin(router, hooks);

  router.add(http::Method::get, "/_admin/mounts", [this](http::Request&) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [name, mount] : mounts) {
      auto item = mount->describe();
      item["sessions"] = mount->session_count();
      list.push_back(std::move(item));
    }
    return http::Response::json(200, {{"mounts", list}});
  });
  router.add(http::Method::post, "/_admin/mounts", [this](http::Request& r) {
    auto body = core::parse_json(r.body);
    if (!body.ok()) return service::admin_error(400, "invalid_request", body.error().message());
    auto config = parse_mount(*body);
    if (!config.ok()) return service::admin_error(400, "invalid_mount", config.error().detail);
    auto added = add_mount(std::move(*config));
    if (!added.ok()) return service::admin_error(409, "mount_exists", added.error().message());
    runtime_mounts.push_back(*body);
    persist();
    const auto name = (*body)["name"].get<std::string>();
    journal.record("admin", {{"action", "add_mount"}, {"mount", name}});
    return http::Response::json(201, mounts[name]->describe());
  });
  router.add(http::Method::delete_, "/_admin/mounts/{name}", [this](http::Request& r) {
    auto it = mounts.find(r.param("name"));
    if (it == mounts.end()) return service::admin_error(404, "not_found", "no such mount");
    it->second->end_sessions();
    mounts.erase(it);
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& m : runtime_mounts) {
      if (!(m.contains("name") && m["name"] == r.param("name"))) kept.push_back(m);
    }
    runtime_mounts = std::move(kept);
    persist();
    journal.record("admin", {{"action", "remove_mount"}, {"mount", r.param("name")}});
    return http::Response::empty(204);
  });
  router.add(http::Method::post, "/_admin/revoke", [this](http::Request& r) {
    auto body = core::parse_json(r.body);
    if (!body.ok() || !body->is_object() || !body->contains("jti") || !(*body)["jti"].is_string() ||
        body->size() != 1) {
      return service::admin_error(400, "invalid_request", "the body must be {\"jti\": \"...\"}");
    }
    revoked.revoke((*body)["jti"].get<std::string>());
    persist();
    journal.record("admin", {{"action", "revoke"}});
    return http::Response::json(200, {{"revoked", revoked.list().size()}});
  });
}

McpServer::McpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
McpServer::~McpServer() = default;

core::Result<std::unique_ptr<McpServer>> McpServer::start(boost::asio::any_io_executor executor,
                                                          core::SystemClock& clock,
                                                          McpServerOptions options) {
  auto impl = std::make_unique<Impl>(clock, executor);
  impl->options = std::move(options);
  auto& o = impl->options;
  TOOLAUTH_ASSIGN_OR_RETURN(auto files, service::open_server_files("mcp", o.state_dir, clock));
  impl->temporary_dir = files.temporary_dir;
  impl->tls.emplace(std::move(files.tls));
  impl->store = std::move(files.store);
  if (o.fixtures.empty()) {
    TOOLAUTH_ASSIGN_OR_RETURN(impl->fixtures_document, core::parse_json(default_mcp_fixtures()));
    impl->fixtures_source = "fixtures/default/mcp.json (built in)";
  } else {
    TOOLAUTH_ASSIGN_OR_RETURN(impl->fixtures_document, core::load_json_file(o.fixtures));
    impl->fixtures_source = o.fixtures.string();
  }

  impl->client = std::make_unique<http::Client>(
      executor, http::ClientOptions{.ca_file = o.jwks_ca_file.empty() ? impl->tls->ca_file.string()
                                                                      : o.jwks_ca_file});
  auto& handler = impl->handler;
  handler = impl->router.handler();
  if (o.defects.any()) {
    // A mutant says so on every answer, so no observer can take it for the real thing.
    std::string names;
    for (const auto& n : o.defects.names()) names += (names.empty() ? "" : ",") + n;
    handler = [inner = std::move(handler),
               names](http::Request& r) -> boost::asio::awaitable<http::Response> {
      auto response = co_await inner(r);
      response.headers.set("X-Toolauth-Defects", names);
      co_return response;
    };
  }
  impl->server =
      std::make_unique<http::Server>(executor, handler, o.limits, o.logger.with_component("mcp"));
  TOOLAUTH_ASSIGN_OR_RETURN(
      auto port, impl->server->listen({o.host, o.port,
                                       http::TlsCredentials{impl->tls->cert_chain_pem,
                                                            impl->tls->private_key_pem}}));
  impl->url =
      o.public_url.empty() ? "https://" + o.host + ":" + std::to_string(port) : o.public_url;
  while (!impl->url.empty() && impl->url.back() == '/') impl->url.pop_back();
  std::vector<std::uint16_t> ports = {port};
  if (o.http_port) {
    impl->plain_server =
        std::make_unique<http::Server>(executor, handler, o.limits, o.logger.with_component("mcp"));
    TOOLAUTH_ASSIGN_OR_RETURN(auto plain_port,
                              impl->plain_server->listen({o.host, *o.http_port, std::nullopt}));
    impl->http_url = "http://" + o.host + ":" + std::to_string(plain_port);
    ports.push_back(plain_port);
  }

  auto& c = impl->context;
  c.clock = &clock;
  c.client = impl->client.get();
  c.revoked = &impl->revoked;
  c.journal = &impl->journal;
  c.faults = &impl->faults;
  c.logger = o.logger.with_component("mcp");
  c.public_url = impl->url;
  c.defects = o.defects;
  for (auto listening : ports) {
    const std::string p = std::to_string(listening);
    for (const char* host : {"localhost:", "127.0.0.1:", "[::1]:"})
      c.allowed_hosts.push_back(host + p);
  }
  if (auto url = std::string_view(impl->url); url.find("://") != std::string_view::npos) {
    auto authority = url.substr(url.find("://") + 3);
    c.allowed_hosts.emplace_back(authority.substr(0, authority.find('/')));
  }

  TOOLAUTH_RETURN_IF_ERROR(impl->load_fixture_mounts());
  TOOLAUTH_ASSIGN_OR_RETURN(auto saved, impl->store->get(kStateCollection, "runtime"));
  if (saved) impl->restore(*saved);
  impl->router.set_pre_routing(service::admin_access_hook(o.admin_key));
  impl->add_routes();
  impl->ready = true;
  return std::unique_ptr<McpServer>(new McpServer(std::move(impl)));
}

const std::string& McpServer::url() const { return impl_->url; }
const std::string& McpServer::http_url() const { return impl_->http_url; }
const std::filesystem::path& McpServer::ca_file() const { return impl_->tls->ca_file; }

service::Journal& McpServer::journal() { return impl_->journal; }

Mount* McpServer::mount(std::string_view name) {
  auto it = impl_->mounts.find(name);
  return it == impl_->mounts.end() ? nullptr : it->second.get();
}

nlohmann::json McpServer::ready_document() const {
  nlohmann::json mounts = nlohmann::json::array();
  for (const auto& [name, mount] : impl_->mounts) mounts.push_back(mount->describe());
  return {{"ca_file", impl_->tls->ca_file.string()},
          {"defects", impl_->options.defects.names()},
          {"mcp", impl_->http_url.empty()
                      ? nlohmann::json{{"url", impl_->url}}
                      : nlohmann::json{{"url", impl_->url}, {"http_url", impl_->http_url}}},
          {"env", {{"NODE_EXTRA_CA_CERTS", impl_->tls->ca_file.string()}}},
          {"world", {{"mounts", mounts}}}};
}

const http::RequestHandler& McpServer::handler() const { return impl_->handler; }

void McpServer::stop() {
  impl_->ready = false;
  for (auto& [name, mount] : impl_->mounts) mount->end_sessions();
  impl_->server->stop();
  if (impl_->plain_server) impl_->plain_server->stop();
}

}  // namespace toolauth::mcp
