#include "toolauth/idp/consents.h"

#include <algorithm>

#include "toolauth/idp/json_fields.h"

namespace toolauth::idp {

namespace {
void add_unique(std::vector<std::string>& into, const std::vector<std::string>& values) {
  for (const auto& value : values) {
    if (std::find(into.begin(), into.end(), value) == into.end()) into.push_back(value);
  }
}
bool applies(const ConsentGrant& g, std::string_view client, const Application& resource,
             const User& user) {
  return g.client == client && g.resource == resource.name && g.tenant == user.tenant &&
         (g.user.empty() || g.user == user.name);
}
}  // namespace

std::vector<std::string> ConsentStore::granted(const Application& client,
                                               const Application& resource,
                                               const User& user) const {
  std::vector<std::string> scopes;
  if (auto it = resource.preauthorized_clients.find(client.name);
      it != resource.preauthorized_clients.end()) {
    add_unique(scopes, it->second);
  }
  add_unique(scopes, granted(client.name, resource, user));
  return scopes;
}

std::vector<std::string> ConsentStore::granted(std::string_view client_name,
                                               const Application& resource,
                                               const User& user) const {
  std::vector<std::string> scopes;
  for (const auto* list : {&directory_->consents, &runtime_}) {
    for (const auto& g : *list) {
      if (applies(g, client_name, resource, user)) add_unique(scopes, g.scopes);
    }
  }
  return scopes;
}

bool ConsentStore::covers(const Application& client, const Application& resource, const User& user,
                          const std::vector<std::string>& scopes) const {
  const auto have = granted(client, resource, user);
  return std::all_of(scopes.begin(), scopes.end(), [&](const std::string& s) {
    return std::find(have.begin(), have.end(), s) != have.end();
  });
}

void ConsentStore::grant(const Application& client, const Application& resource, const User& user,
                         const std::vector<std::string>& scopes) {
  for (auto& g : runtime_) {
    if (g.client == client.name && g.resource == resource.name && g.user == user.name) {
      add_unique(g.scopes, scopes);
      return;
    }
  }
  runtime_.push_back({client.name, resource.name, scopes, user.name, user.tenant});
}

std::size_t ConsentStore::revoke(std::string_view client, std::string_view resource,
                                 std::string_view user) {
  return std::erase_if(runtime_, [&](const ConsentGrant& g) {
    return (client.empty() || g.client == client) && (resource.empty() || g.resource == resource) &&
           (user.empty() || g.user == user);
  });
}

nlohmann::json ConsentStore::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& g : runtime_) {
    out.push_back({{"client", g.client},
                   {"resource", g.resource},
                   {"scopes", g.scopes},
                   {"user", g.user},
                   {"tenant", g.tenant}});
  }
  return out;
}

void ConsentStore::load_json(const nlohmann::json& grants) {
  runtime_.clear();
  if (!grants.is_array()) return;
  for (const auto& item : grants) {
    if (!item.is_object()) continue;
    ConsentGrant g;
    g.client = string_field(item, "client");
    g.resource = string_field(item, "resource");
    g.user = string_field(item, "user");
    g.tenant = string_field(item, "tenant");
    if (auto it = item.find("scopes"); it != item.end() && it->is_array()) {
      for (const auto& scope : *it) {
        if (scope.is_string()) g.scopes.push_back(scope.get<std::string>());
      }
    }
    const bool client_known =
        directory_->application_named(g.client) || directory_->identity_named(g.client);
    if (client_known && directory_->application_named(g.resource) &&
        directory_->user_named(g.user)) {
      runtime_.push_back(std::move(g));
    }
  }
}

}  // namespace toolauth::idp
