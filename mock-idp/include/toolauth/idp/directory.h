#pragma once
// The directory of the mock IdP: tenants, users, applications (clients and APIs), managed
// identities and Entra Agent ID principals. Built from fixtures at start and on reset; the
// admin plane may add redirect URIs at runtime. Lookups are exact (GUIDs and App ID URIs
// compare case-insensitively, as Entra does; nothing else is normalised).
//
// Thread safety: read-only after construction except add_redirect_uri(); servers use it on
// their one io_context thread.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/clock.h"

namespace toolauth::idp {

// `entra` behaves like Entra ID; `mcp` adds what MCP clients need and Entra lacks
// (RFC 8414 metadata, dynamic registration, RFC 8707 `resource`, revocation, introspection).
enum class TenantProfile { entra, mcp };
// `entra`: a used refresh token stays valid until it expires. `strict`: RFC 9700 reuse
// detection, a rotated-out token presented again revokes its whole family.
enum class RefreshRotation { entra, strict };
// How the v2 endpoints treat RFC 8707 `resource`: Entra rejects it (AADSTS901002), newer
// Entra validates it against the scopes (AADSTS9010010), MCP authorization servers accept it.
enum class ResourceParameter { reject, validate, accept };

struct Tenant {
  std::string name;  // fixture handle, e.g. "contoso"
  std::string id;    // GUID
  std::string domain;
  TenantProfile profile = TenantProfile::entra;
  RefreshRotation refresh_rotation = RefreshRotation::entra;
  ResourceParameter resource_parameter = ResourceParameter::reject;
  bool allow_plain_pkce = false;  // lenient switch; `plain` is refused by default
};

struct User {
  std::string name;      // fixture handle, e.g. "alice"
  std::string username;  // UPN, e.g. alice@contoso.onmicrosoft.com
  std::string password;
  std::string oid;
  std::string tenant;  // tenant name
  std::string display_name;
  std::string given_name;
  std::string family_name;
  std::string email;
  // App roles assigned to the user: resource application name -> role values.
  std::map<std::string, std::vector<std::string>> app_roles;
  // For an agent user: the agent identity allowed to impersonate it (Entra Agent ID).
  std::string agent_identity;
};

struct ClientSecret {
  std::string value;
  std::optional<core::Clock::time_point> expires;
};

// A certificate credential: client assertions signed with its key are accepted when they name
// it by x5t (SHA-1) or x5t#S256.
struct ClientCertificate {
  std::string certificate_pem;
  std::string x5t;
  std::string x5t_s256;
};

// A federated identity credential: an external token (e.g. a managed identity's token for
// api://AzureADTokenExchange) accepted as the client assertion.
struct FederatedCredential {
  std::string issuer;
  std::string subject;
  std::vector<std::string> audiences;
};

struct Permission {
  std::string value;
  std::string description;
};

// An application registration with its service principal: a client, an API, or both.
struct Application {
  std::string name;  // fixture handle, e.g. "foundry"
  std::string client_id;
  std::string object_id;  // service principal object id: oid/sub of app-only tokens
  std::string tenant;     // home tenant name
  std::string display_name;
  bool multi_tenant = false;

  // Client side.
  bool public_client = false;
  std::vector<ClientSecret> secrets;
  std::vector<ClientCertificate> certificates;
  std::vector<FederatedCredential> federated_credentials;
  std::vector<std::string> redirect_uris;
  std::vector<std::string> post_logout_redirect_uris;
  std::vector<std::string> grants;  // RFC grant_type strings this client may use
  // Application permissions (client credentials): resource application name -> role values.
  std::map<std::string, std::vector<std::string>> app_permissions;

  // API side.
  std::vector<std::string> identifier_uris;  // App ID URIs, e.g. https://ai.azure.com
  std::vector<Permission> scopes;            // delegated permissions
  std::vector<Permission> app_roles;
  int access_token_version = 2;  // accessTokenAcceptedVersion: 1 or 2
  // Clients whose delegated requests need no consent: client application name -> scopes.
  std::map<std::string, std::vector<std::string>> preauthorized_clients;

  bool registered_dynamically = false;  // RFC 7591

  bool allows_grant(std::string_view grant_type) const;
  bool has_credentials() const {
    return !secrets.empty() || !certificates.empty() || !federated_credentials.empty();
  }
  bool has_scope(std::string_view value) const;
  bool has_app_role(std::string_view value) const;
};

enum class IdentityKind { system_assigned, user_assigned, agent_blueprint, agent_identity };
std::string_view to_string(IdentityKind kind);

// Managed identities and Entra Agent ID principals.
struct Identity {
  std::string name;
  IdentityKind kind = IdentityKind::system_assigned;
  std::string client_id;
  std::string object_id;
  std::string tenant;
  std::string resource_id;  // ARM id of a managed identity (mi_res_id / msi_res_id)
  // Blueprints hold credentials; agent identities name their blueprint and hold none.
  std::vector<ClientSecret> secrets;
  std::vector<FederatedCredential> federated_credentials;
  std::string blueprint;
  // Application permissions: resource application name -> role values.
  std::map<std::string, std::vector<std::string>> app_permissions;
};

// Delegated consent: `user` empty means admin consent for every user of the tenant.
struct ConsentGrant {
  std::string client;    // application name
  std::string resource;  // application name
  std::vector<std::string> scopes;
  std::string user;  // user name
  std::string tenant;
};

class Directory {
 public:
  std::vector<Tenant> tenants;
  std::vector<User> users;
  std::vector<Application> applications;
  std::vector<Identity> identities;
  std::vector<ConsentGrant> consents;  // from fixtures; runtime consents live in the IdP state

  // By GUID (case-insensitive) or domain (case-insensitive); not common/organizations.
  const Tenant* find_tenant(std::string_view id_or_domain) const;
  const Tenant* tenant_named(std::string_view name) const;
  const User* user_named(std::string_view name) const;
  // By UPN (case-insensitive), within `tenant` when given.
  const User* find_user(std::string_view username, const Tenant* tenant = nullptr) const;
  const User* user_by_oid(std::string_view oid) const;
  const Application* application_named(std::string_view name) const;
  const Application* find_application(std::string_view client_id) const;
  Application* find_application(std::string_view client_id);
  // An application whose App ID URI or client id (bare or as api://<id>) is `identifier`.
  const Application* find_resource(std::string_view identifier) const;
  const Identity* identity_named(std::string_view name) const;
  const Identity* find_identity(std::string_view client_id) const;
  const Identity* find_identity_by_object_id(std::string_view object_id) const;
  const Identity* find_identity_by_resource_id(std::string_view resource_id) const;
};

bool iequals_ascii(std::string_view a, std::string_view b);

}  // namespace toolauth::idp
