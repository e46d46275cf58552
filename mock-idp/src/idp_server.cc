#include "toolauth/idp/idp_server.h"

#include "toolauth/core/config.h"
#include "toolauth/core/json.h"
#include "toolauth/http/router.h"
#include "toolauth/http/server.h"
#include "toolauth/idp/admin_routes.h"
#include "toolauth/idp/client_registration.h"
#include "toolauth/idp/discovery.h"
#include "toolauth/idp/fixtures.h"
#include "toolauth/idp/json_fields.h"
#include "toolauth/idp/managed_identity.h"
#include "toolauth/idp/sign_in.h"
#include "toolauth/idp/token_endpoint.h"
#include "toolauth/idp/token_management.h"
#include "toolauth/jose/hash.h"
#include "toolauth/jose/local_tls.h"
#include "toolauth/service/admin.h"
#include "toolauth/service/server_files.h"
#include "toolauth/service/state_store.h"

namespace toolauth::idp {

namespace {
constexpr std::string_view kStateCollection = "idp";
}

struct IdpServer::Impl {
  IdpServerOptions options;
  core::SystemClock* clock = nullptr;
  std::filesystem::path temporary_dir;  // removed on destruction when no state_dir was given
  std::optional<jose::LocalTls> tls;
  std::unique_ptr<service::StateStore> store;
  service::Journal journal;
  service::FaultInjector faults;
  nlohmann::json fixtures_document;
  std::string fixtures_source;
  std::unique_ptr<IdentityProvider> provider;
  std::unique_ptr<TokenEndpoint> token_endpoint;
  http::Router sts_router;
  http::Router mi_router;
  std::unique_ptr<http::Server> sts;
  std::unique_ptr<http::Server> mi;
  std::string url;
  std::string mi_url;
  std::string identity_header;  // the App Service X-IDENTITY-HEADER secret
  bool ready = false;

  explicit Impl(core::SystemClock& c) : clock(&c), journal(c) {}
  ~Impl() {
    if (!temporary_dir.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(temporary_dir, ignored);
    }
  }

  core::Result<Directory> load_fixtures() const {
    auto directory = load_directory(fixtures_document, fixtures_source);
    if (!directory.ok()) return directory.error();
    auto templates = options.templates;
    templates["idp_url"] = url;
    resolve_templates(*directory, templates);
    return directory;
  }

  // Everything worth keeping across a restart, as one document.
  nlohmann::json runtime_state() const {
    return {{"consents", provider->consents().to_json()},
            {"redirect_uris", provider->runtime_redirect_uris_json()},
            {"sessions", provider->sessions().to_json()},
            {"refresh_tokens", provider->refresh_tokens().to_json()},
            {"lifetimes", provider->lifetime_overrides_json()},
            {"registered_clients", provider->registered_clients().to_json()},
            {"revoked_tokens", provider->revoked_tokens().to_json()}};
  }

  void persist() {
    if (!store) return;
    auto saved = store->put(kStateCollection, "runtime", runtime_state());
    if (!saved.ok())
      options.logger.error("saving IdP state failed", {{"error", saved.error().message()}});
  }

  void restore(const nlohmann::json& state) {
    // Clients first: consents and redirect URIs naming them are dropped otherwise.
    provider->registered_clients().load_json(
        state.contains("registered_clients") ? state["registered_clients"] : nlohmann::json(),
        provider->directory());
    provider->revoked_tokens().load_json(state.contains("revoked_tokens") ? state["revoked_tokens"]
                                                                          : nlohmann::json());
    provider->consents().load_json(state.contains("consents") ? state["consents"]
                                                              : nlohmann::json());
    if (state.contains("redirect_uris") && state["redirect_uris"].is_array()) {
      for (const auto& item : state["redirect_uris"]) {
        provider->add_redirect_uri(string_field(item, "client_id"),
                                   string_field(item, "redirect_uri"));
      }
    }
    provider->sessions().load_json(state.contains("sessions") ? state["sessions"]
                                                              : nlohmann::json());
    provider->refresh_tokens().load_json(state.contains("refresh_tokens") ? state["refresh_tokens"]
                                                                          : nlohmann::json());
    if (state.contains("lifetimes") && state["lifetimes"].is_object()) {
      for (const auto& [client, seconds] : state["lifetimes"].items()) {
        if (seconds.is_number_integer())
          provider->set_access_token_lifetime(client,
                                              std::chrono::seconds(seconds.get<std::int64_t>()));
      }
    }
  }

  core::Result<void> reset() {
    TOOLAUTH_ASSIGN_OR_RETURN(auto directory, load_fixtures());
    provider->reset(std::move(directory));
    journal.clear();
    faults.clear();
    return {};
  }

  core::Result<KeyRing> load_or_create_keys() {
    if (store) {
      TOOLAUTH_ASSIGN_OR_RETURN(auto saved, store->get(kStateCollection, "keys"));
      if (saved) return KeyRing::from_json(*saved, *clock);
    }
    TOOLAUTH_ASSIGN_OR_RETURN(auto keys, KeyRing::generate(*clock));
    if (store) TOOLAUTH_RETURN_IF_ERROR(store->put(kStateCollection, "keys", keys.to_json()));
    return keys;
  }

  // Generated once and kept, so processes started with the ready document's IDENTITY_HEADER
  // keep working across restarts.
  core::Result<std::string> load_or_create_identity_header() {
    TOOLAUTH_ASSIGN_OR_RETURN(auto saved, store->get(kStateCollection, "identity_header"));
    if (saved && saved->is_string() && !saved->get<std::string>().empty())
      return saved->get<std::string>();
    std::string header = jose::random_token(32);
    TOOLAUTH_RETURN_IF_ERROR(store->put(kStateCollection, "identity_header", header));
    return header;
  }
};

std::string_view default_idp_fixtures();

IdpServer::IdpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
IdpServer::~IdpServer() = default;

core::Result<std::unique_ptr<IdpServer>> IdpServer::start(boost::asio::any_io_executor executor,
                                                          core::SystemClock& clock,
                                                          IdpServerOptions options) {
  auto impl = std::make_unique<Impl>(clock);
  impl->options = std::move(options);
  auto& o = impl->options;

  TOOLAUTH_ASSIGN_OR_RETURN(auto files, service::open_server_files("idp", o.state_dir, clock));
  impl->temporary_dir = files.temporary_dir;
  impl->tls.emplace(std::move(files.tls));
  impl->store = std::move(files.store);

  if (o.fixtures.empty()) {
    TOOLAUTH_ASSIGN_OR_RETURN(impl->fixtures_document, core::parse_json(default_idp_fixtures()));
    impl->fixtures_source = "fixtures/default/idp.json (built in)";
  } else {
    TOOLAUTH_ASSIGN_OR_RETURN(impl->fixtures_document, core::load_json_file(o.fixtures));
    impl->fixtures_source = o.fixtures.string();
  }

  // Listeners first: with port 0 the public URLs, which issuers and templates use, are known
  // only once bound. Nothing is served before the io_context runs, after routes are in place.
  auto* raw = impl.get();
  impl->sts = std::make_unique<http::Server>(executor, impl->sts_router.handler(), o.limits,
                                             o.logger.with_component("idp"));
  impl->mi = std::make_unique<http::Server>(executor, impl->mi_router.handler(), o.limits,
                                            o.logger.with_component("idp-mi"));
  TOOLAUTH_ASSIGN_OR_RETURN(auto port,
                            impl->sts->listen({o.host, o.port,
                                               http::TlsCredentials{impl->tls->cert_chain_pem,
                                                                    impl->tls->private_key_pem}}));
  TOOLAUTH_ASSIGN_OR_RETURN(auto mi_port, impl->mi->listen({o.host, o.mi_port, std::nullopt}));
  impl->url =
      o.public_url.empty() ? "https://" + o.host + ":" + std::to_string(port) : o.public_url;
  impl->mi_url = o.mi_public_url.empty() ? "http://" + o.host + ":" + std::to_string(mi_port)
                                         : o.mi_public_url;
  while (!impl->url.empty() && impl->url.back() == '/') impl->url.pop_back();
  while (!impl->mi_url.empty() && impl->mi_url.back() == '/') impl->mi_url.pop_back();

  TOOLAUTH_ASSIGN_OR_RETURN(auto directory, impl->load_fixtures());
  TOOLAUTH_ASSIGN_OR_RETURN(auto keys, impl->load_or_create_keys());
  TOOLAUTH_ASSIGN_OR_RETURN(impl->identity_header, impl->load_or_create_identity_header());
  IdpOptions idp_options;
  idp_options.base_url = impl->url;
  idp_options.mi_base_url = impl->mi_url;
  impl->provider = std::make_unique<IdentityProvider>(std::move(directory), std::move(keys), clock,
                                                      idp_options, impl->journal, impl->faults);
  TOOLAUTH_ASSIGN_OR_RETURN(auto saved, impl->store->get(kStateCollection, "runtime"));
  if (saved) impl->restore(*saved);
  impl->provider->on_change = [raw] { raw->persist(); };

  impl->token_endpoint = std::make_unique<TokenEndpoint>(*impl->provider);
  register_grants(*impl->token_endpoint);
  auto& router = impl->sts_router;
  router.set_pre_routing(service::admin_access_hook(o.admin_key));
  add_discovery_routes(router, *impl->provider);
  router.add(http::Method::post, "/{tenant}/oauth2/v2.0/token",
             [raw](http::Request& r) { return raw->token_endpoint->handle(r, false); });
  router.add(http::Method::post, "/{tenant}/oauth2/token",
             [raw](http::Request& r) { return raw->token_endpoint->handle(r, true); });
  add_registration_routes(router, *impl->provider);
  add_token_management_routes(router, *impl->provider);
  add_user_flow_routes(router, *impl->provider);

  service::AdminHooks hooks;
  hooks.component = "idp";
  hooks.clock = &clock;
  hooks.journal = &impl->journal;
  hooks.faults = &impl->faults;
  hooks.admin_key = o.admin_key;
  hooks.ready = [raw] { return raw->ready; };
  hooks.reset = [raw] { return raw->reset(); };
  hooks.export_state = [raw]() -> core::Result<nlohmann::json> {
    raw->persist();
    return raw->store->export_documents();
  };
  hooks.import_state = [raw](const nlohmann::json& documents) -> core::Result<void> {
    // The signing keys are part of the state: a round trip must bring back the keys that
    // signed the tokens it restores. They are checked before anything changes.
    std::optional<KeyRing> keys;
    const auto collection =
        documents.is_object() ? documents.find(kStateCollection) : documents.end();
    if (collection != documents.end() && collection->is_object()) {
      if (auto saved = collection->find("keys"); saved != collection->end()) {
        TOOLAUTH_ASSIGN_OR_RETURN(keys, KeyRing::from_json(*saved, *raw->clock));
      }
    }
    TOOLAUTH_RETURN_IF_ERROR(raw->store->import_documents(documents));
    if (keys) {
      raw->provider->keys() = std::move(*keys);
    } else {
      TOOLAUTH_RETURN_IF_ERROR(
          raw->store->put(kStateCollection, "keys", raw->provider->keys().to_json()));
    }
    TOOLAUTH_ASSIGN_OR_RETURN(auto state, raw->store->get(kStateCollection, "runtime"));
    raw->restore(state.value_or(nlohmann::json::object()));
    return {};
  };
  service::mount_admin(router, hooks);
  add_idp_admin_routes(router, *impl->provider, [raw]() -> core::Result<void> {
    return raw->store->put(kStateCollection, "keys", raw->provider->keys().to_json());
  });
  impl->mi_router.set_pre_routing(service::admin_access_hook(o.admin_key));
  service::mount_admin(impl->mi_router,
                       {.component = "idp-mi", .ready = [raw] { return raw->ready; }});
  add_managed_identity_routes(impl->mi_router, *impl->provider, impl->identity_header);

  impl->ready = true;
  return std::unique_ptr<IdpServer>(new IdpServer(std::move(impl)));
}

const std::string& IdpServer::url() const { return impl_->url; }
const std::string& IdpServer::mi_url() const { return impl_->mi_url; }
const std::filesystem::path& IdpServer::ca_file() const { return impl_->tls->ca_file; }
IdentityProvider& IdpServer::provider() { return *impl_->provider; }
bool IdpServer::ready() const { return impl_->ready; }
http::RequestHandler IdpServer::handler() const { return impl_->sts_router.handler(); }
http::RequestHandler IdpServer::mi_handler() const { return impl_->mi_router.handler(); }

nlohmann::json IdpServer::ready_document() const {
  const auto& p = *impl_->provider;
  return {
      {"ca_file", impl_->tls->ca_file.string()},
      {"idp", {{"url", impl_->url}, {"mi_url", impl_->mi_url}}},
      {"env",
       {{"NODE_EXTRA_CA_CERTS", impl_->tls->ca_file.string()},
        {"SSL_CERT_FILE", impl_->tls->ca_file.string()},
        {"AZURE_AUTHORITY_HOST", impl_->url},
        {"AZURE_POD_IDENTITY_AUTHORITY_HOST", impl_->mi_url},
        {"IDENTITY_ENDPOINT", impl_->mi_url + "/msi/token"},
        {"IDENTITY_HEADER", impl_->identity_header}}},
      {"world",
       world_json(p.directory(), [&p](const Tenant& t) { return p.tokens().issuer_v2(t); })},
  };
}

void IdpServer::stop() {
  impl_->ready = false;
  impl_->sts->stop();
  impl_->mi->stop();
}

}  // namespace toolauth::idp
