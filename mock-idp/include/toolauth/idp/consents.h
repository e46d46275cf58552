#pragma once
// Delegated consent: which scopes a user (or an administrator, for every user of a tenant) has
// granted a client on a resource. Fixture grants and the resource's pre-authorized clients are
// permanent; grants made on the consent page are runtime state the IdP persists, and the admin
// plane can revoke them.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "toolauth/idp/directory.h"

namespace toolauth::idp {

class ConsentStore {
 public:
  explicit ConsentStore(const Directory& directory) : directory_(&directory) {}

  // Every scope of `resource` that `client` may use for `user` without asking.
  std::vector<std::string> granted(const Application& client, const Application& resource,
                                   const User& user) const;
  // The same for a client that is no application registration (an Entra agent identity): only
  // grants naming it apply, as nothing pre-authorizes it.
  std::vector<std::string> granted(std::string_view client_name, const Application& resource,
                                   const User& user) const;
  // True when `scopes` are all granted.
  bool covers(const Application& client, const Application& resource, const User& user,
              const std::vector<std::string>& scopes) const;
  // Records the user's consent (merged with earlier grants).
  void grant(const Application& client, const Application& resource, const User& user,
             const std::vector<std::string>& scopes);
  // Removes runtime grants matching every non-empty argument (names); returns how many.
  std::size_t revoke(std::string_view client, std::string_view resource, std::string_view user);

  const std::vector<ConsentGrant>& runtime_grants() const { return runtime_; }
  nlohmann::json to_json() const;
  // Replaces the runtime grants; entries naming unknown principals are dropped.
  void load_json(const nlohmann::json& grants);
  void clear() { runtime_.clear(); }

 private:
  const Directory* directory_;
  std::vector<ConsentGrant> runtime_;
};

}  // namespace toolauth::idp
