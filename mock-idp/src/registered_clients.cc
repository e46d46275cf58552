#include "toolauth/idp/registered_clients.h"

#include <algorithm>

#include "toolauth/idp/client_metadata.h"
#include "toolauth/idp/fixtures.h"
#include "toolauth/idp/json_fields.h"

namespace toolauth::idp {

namespace {
std::vector<std::string> strings_of(const nlohmann::json& metadata, std::string_view key) {
  std::vector<std::string> out;
  auto it = metadata.find(key);
  if (it == metadata.end() || !it->is_array()) return out;
  for (const auto& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}
}  // namespace

Application ClientRegistration::application() const {
  Application a;
  a.name = client_id;
  a.client_id = client_id;
  a.object_id = object_id;
  a.tenant = tenant;
  a.display_name = string_field(metadata, "client_name");
  if (a.display_name.empty()) a.display_name = "Dynamically registered client " + client_id;
  a.public_client = client_secret.empty();
  if (!client_secret.empty()) a.secrets.push_back({client_secret, std::nullopt});
  a.redirect_uris = strings_of(metadata, "redirect_uris");
  a.grants = strings_of(metadata, "grant_types");
  a.registered_dynamically = true;
  return a;
}

nlohmann::json ClientRegistration::response() const {
  nlohmann::json out = metadata;
  out["client_id"] = client_id;
  out["client_id_issued_at"] = issued_at;
  if (!client_secret.empty()) {
    out["client_secret"] = client_secret;
    out["client_secret_expires_at"] = 0;
  }
  return out;
}

bool RegisteredClients::add(Directory& directory, ClientRegistration registration) {
  if (clients_.size() >= kMaxClients || directory.find_application(registration.client_id) ||
      directory.find_identity(registration.client_id)) {
    return false;
  }
  directory.applications.push_back(registration.application());
  clients_.push_back(std::move(registration));
  return true;
}

const ClientRegistration* RegisteredClients::find(std::string_view client_id) const {
  auto it = std::find_if(clients_.begin(), clients_.end(), [&](const ClientRegistration& c) {
    return iequals_ascii(c.client_id, client_id);
  });
  return it == clients_.end() ? nullptr : &*it;
}

nlohmann::json RegisteredClients::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : clients_) {
    out.push_back({{"client_id", c.client_id},
                   {"object_id", c.object_id},
                   {"tenant", c.tenant},
                   {"client_secret", c.client_secret},
                   {"issued_at", c.issued_at},
                   {"metadata", c.metadata}});
  }
  return out;
}

void RegisteredClients::load_json(const nlohmann::json& document, Directory& directory) {
  std::erase_if(directory.applications,
                [](const Application& a) { return a.registered_dynamically; });
  clients_.clear();
  if (!document.is_array()) return;
  for (const auto& item : document) {
    if (!item.is_object()) continue;
    ClientRegistration c;
    c.client_id = string_field(item, "client_id");
    c.object_id = string_field(item, "object_id");
    c.tenant = string_field(item, "tenant");
    c.client_secret = string_field(item, "client_secret");
    c.issued_at = integer_field(item, "issued_at").value_or(0);
    // A state document may come from outside (PUT /_admin/state): it gets the checks a
    // registration request gets.
    const auto found = item.find("metadata");
    auto metadata = validate_client_metadata(found != item.end() ? *found : nlohmann::json());
    const auto* tenant = directory.tenant_named(c.tenant);
    if (!is_guid(c.client_id) || !is_guid(c.object_id) || !metadata.ok() || tenant == nullptr ||
        tenant->profile != TenantProfile::mcp) {
      continue;
    }
    const bool public_client = string_field(*metadata, "token_endpoint_auth_method") == "none";
    if (public_client != c.client_secret.empty()) continue;
    c.metadata = std::move(*metadata);
    add(directory, std::move(c));
  }
}

}  // namespace toolauth::idp
