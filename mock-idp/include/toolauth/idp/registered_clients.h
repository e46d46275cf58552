#pragma once
// Clients registered at runtime through RFC 7591 dynamic registration (client_registration.h).
// Each becomes an Application of the directory (registered_dynamically = true; a public client
// when it registered token_endpoint_auth_method "none"), so every endpoint authenticates it
// exactly as a fixture client. The record keeps what the directory has no field for: the
// metadata as registered, which the registration response returns and a restart restores.
//
// Registrations are runtime state: the IdP persists them, and reset (back to fixtures) drops
// them. At most kMaxClients exist at once, so open registration cannot exhaust memory.
// Registering may reallocate Directory::applications: nothing may keep an Application* across
// a suspension point.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/idp/directory.h"

namespace toolauth::idp {

struct ClientRegistration {
  std::string client_id;       // GUID
  std::string object_id;       // GUID of its service principal
  std::string tenant;          // tenant name
  std::string client_secret;   // empty for a public client (token_endpoint_auth_method none)
  std::int64_t issued_at = 0;  // Unix seconds
  // Validated RFC 7591 metadata (client_metadata.h).
  nlohmann::json metadata = nlohmann::json::object();

  // The Application the directory holds for this registration; its fixture-style name is the
  // client id, which is unique.
  Application application() const;
  // RFC 7591 §3.2.1: client_id, client_id_issued_at, client_secret with
  // client_secret_expires_at 0 (never) for a confidential client, then the metadata.
  nlohmann::json response() const;
};

class RegisteredClients {
 public:
  static constexpr std::size_t kMaxClients = 1000;

  // Adds `registration` and its Application to `directory`. False, and nothing added, when
  // kMaxClients are registered or the client id is taken.
  bool add(Directory& directory, ClientRegistration registration);
  const ClientRegistration* find(std::string_view client_id) const;
  std::size_t size() const { return clients_.size(); }
  // Forgets every registration; the caller replaces the directory (reset).
  void clear() { clients_.clear(); }

  // [{"client_id", "object_id", "tenant", "client_secret", "issued_at", "metadata"}]
  nlohmann::json to_json() const;
  // Replaces the registrations: the dynamically registered Applications leave `directory` and
  // those of `document` join it. An entry is skipped when malformed, when its metadata no
  // longer validates, when its tenant is unknown or not in the mcp profile, or when its client
  // id is taken.
  void load_json(const nlohmann::json& document, Directory& directory);

 private:
  std::vector<ClientRegistration> clients_;
};

}  // namespace toolauth::idp
