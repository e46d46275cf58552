#include "toolauth/idp/identity_provider.h"

#include <algorithm>

#include "toolauth/core/random.h"

namespace toolauth::idp {

IdentityProvider::IdentityProvider(Directory directory, KeyRing keys, const core::Clock& clock,
                                   IdpOptions options, service::Journal& journal,
                                   service::FaultInjector& faults)
    : directory_(std::move(directory)),
      keys_(std::move(keys)),
      clock_(&clock),
      options_(std::move(options)),
      tokens_(keys_, clock, options_.base_url),
      consents_(directory_),
      journal_(&journal),
      faults_(&faults) {
  tokens_.witness_with(&secret_witness_);
  codes_.witness_with(&secret_witness_);
  refresh_tokens_.witness_with(&secret_witness_);
  sessions_.witness_with(&secret_witness_);
  device_codes_.witness_with(&secret_witness_);
}

std::chrono::seconds IdentityProvider::access_token_lifetime(std::string_view client_id) const {
  auto it = lifetime_overrides_.find(client_id);
  return it == lifetime_overrides_.end() ? options_.lifetimes.access_token : it->second;
}

void IdentityProvider::set_access_token_lifetime(std::string client_id,
                                                 std::chrono::seconds lifetime) {
  lifetime_overrides_[std::move(client_id)] = lifetime;
}

nlohmann::json IdentityProvider::lifetime_overrides_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [client, lifetime] : lifetime_overrides_) out[client] = lifetime.count();
  return out;
}

core::Result<const Tenant*, AadError> IdentityProvider::resolve_tenant(std::string_view segment,
                                                                       bool* multi) const {
  *multi = false;
  if (segment == "common" || segment == "organizations") {
    *multi = true;
    return static_cast<const Tenant*>(nullptr);
  }
  if (const auto* tenant = directory_.find_tenant(segment)) return tenant;
  return aad::unknown_tenant(segment);
}

ErrorContext IdentityProvider::error_context(const http::Request& request) const {
  std::string correlation(request.headers.get("client-request-id").value_or(""));
  if (correlation.empty()) {
    if (auto query = request.query_params(); query.ok())
      correlation = query->get_or("client-request-id", "");
  }
  // Echo only what looks like an id: the value ends up in a response body.
  if (correlation.size() > 64 ||
      correlation.find_first_not_of("0123456789abcdefABCDEF-") != std::string::npos) {
    correlation.clear();
  }
  return ErrorContext{clock_->now(), correlation, options_.base_url};
}

http::Response IdentityProvider::error(const http::Request& request, const AadError& e) const {
  return render_error(e, error_context(request));
}

void IdentityProvider::record_exchange_grant(const std::string& uti, ExchangeGrant grant) {
  const auto now = clock_->now();
  std::erase_if(exchange_grants_, [&](const auto& item) { return item.second.expires < now; });
  exchange_grants_[uti] = std::move(grant);
}

const IdentityProvider::ExchangeGrant* IdentityProvider::find_exchange_grant(
    std::string_view uti) const {
  auto it = exchange_grants_.find(uti);
  if (it == exchange_grants_.end() || it->second.expires < clock_->now()) return nullptr;
  return &it->second;
}

bool IdentityProvider::add_redirect_uri(const std::string& client_id, const std::string& uri) {
  auto* app = directory_.find_application(client_id);
  const bool absolute = uri.starts_with("https://") || uri.starts_with("http://");
  if (app == nullptr || !absolute || uri.find('#') != std::string::npos) return false;
  if (std::find(app->redirect_uris.begin(), app->redirect_uris.end(), uri) ==
      app->redirect_uris.end()) {
    app->redirect_uris.push_back(uri);
  }
  const std::pair<std::string, std::string> entry{app->client_id, uri};
  if (std::find(runtime_redirect_uris_.begin(), runtime_redirect_uris_.end(), entry) ==
      runtime_redirect_uris_.end()) {
    runtime_redirect_uris_.push_back(entry);
  }
  return true;
}

nlohmann::json IdentityProvider::runtime_redirect_uris_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [client_id, uri] : runtime_redirect_uris_)
    out.push_back({{"client_id", client_id}, {"redirect_uri", uri}});
  return out;
}

void IdentityProvider::reset(Directory directory) {
  directory_ = std::move(directory);
  consents_ = ConsentStore(directory_);
  codes_.clear();
  refresh_tokens_.clear();
  sessions_.clear();
  assertion_ids_.clear();
  registered_clients_.clear();
  pending_.clear();
  device_codes_.clear();
  lifetime_overrides_.clear();
  exchange_grants_.clear();
  for (const auto& [client_id, uri] : std::vector(runtime_redirect_uris_))
    add_redirect_uri(client_id, uri);
  changed();
}

}  // namespace toolauth::idp
