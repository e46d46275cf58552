#include "toolauth/idp/fixtures.h"

#include <algorithm>
#include <functional>
#include <set>

#include "toolauth/core/config.h"
#include "toolauth/core/unix_time.h"
#include "toolauth/jose/certificate.h"

namespace toolauth::idp {
namespace {

using core::ConfigNode;

constexpr std::string_view kKnownGrants[] = {
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "password",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:token-exchange",
    "user_fic",
};

template <class Enum>
Enum read_enum(const ConfigNode& node, std::string_view key, Enum fallback,
               std::initializer_list<std::pair<std::string_view, Enum>> names) {
  if (!node.has(key)) return fallback;
  const auto text = node.optional<std::string>(key, "");
  for (const auto& [name, value] : names) {
    if (name == text) return value;
  }
  std::string allowed;
  for (const auto& [name, value] : names)
    allowed += (allowed.empty() ? "" : ", ") + std::string(name);
  node.problem("must be one of " + allowed, key);
  return fallback;
}

std::string required_guid(const ConfigNode& node, std::string_view key) {
  auto value = node.required<std::string>(key);
  if (value && !is_guid(*value)) node.problem("must be a GUID", key);
  return value.value_or("");
}

std::vector<ClientSecret> read_secrets(const ConfigNode& node) {
  std::vector<ClientSecret> out;
  for (const auto& item : node.array("secrets")) {
    ClientSecret secret;
    secret.value = item.required<std::string>("value").value_or("");
    if (secret.value.size() < 16) item.problem("a secret needs at least 16 characters", "value");
    if (item.has("expires_unix")) {
      secret.expires = core::time_at_unix_seconds(item.optional<std::int64_t>("expires_unix", 0));
    }
    item.reject_unknown_keys();
    out.push_back(std::move(secret));
  }
  return out;
}

std::vector<FederatedCredential> read_federated(const ConfigNode& node) {
  std::vector<FederatedCredential> out;
  for (const auto& item : node.array("federated_credentials")) {
    FederatedCredential fic;
    fic.issuer = item.required<std::string>("issuer").value_or("");
    fic.subject = item.required<std::string>("subject").value_or("");
    fic.audiences =
        item.optional<std::vector<std::string>>("audiences", {"api://AzureADTokenExchange"});
    item.reject_unknown_keys();
    out.push_back(std::move(fic));
  }
  return out;
}

std::map<std::string, std::vector<std::string>> read_string_lists(const ConfigNode& node,
                                                                  std::string_view key) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [name, item] : node.members(key)) {
    auto values = item.json();
    if (!values.is_array() ||
        !std::all_of(values.begin(), values.end(), [](const auto& v) { return v.is_string(); })) {
      item.problem("expected an array of strings");
      continue;
    }
    out[name] = values.template get<std::vector<std::string>>();
  }
  return out;
}

std::vector<Permission> read_permissions(const ConfigNode& node, std::string_view key) {
  std::vector<Permission> out;
  for (const auto& item : node.array(key)) {
    Permission p;
    p.value = item.required<std::string>("value").value_or("");
    p.description = item.optional<std::string>("description", "");
    if (p.value.find(' ') != std::string::npos || p.value.find('/') != std::string::npos) {
      item.problem("must not contain spaces or '/'", "value");
    }
    item.reject_unknown_keys();
    out.push_back(std::move(p));
  }
  return out;
}

Tenant read_tenant(const ConfigNode& node) {
  Tenant t;
  t.name = node.required<std::string>("name").value_or("");
  t.id = required_guid(node, "id");
  t.domain = node.required<std::string>("domain").value_or("");
  t.profile = read_enum(node, "profile", TenantProfile::entra,
                        {{"entra", TenantProfile::entra}, {"mcp", TenantProfile::mcp}});
  const bool mcp = t.profile == TenantProfile::mcp;
  t.refresh_rotation =
      read_enum(node, "refresh_rotation", mcp ? RefreshRotation::strict : RefreshRotation::entra,
                {{"entra", RefreshRotation::entra}, {"strict", RefreshRotation::strict}});
  t.resource_parameter = read_enum(node, "resource_parameter",
                                   mcp ? ResourceParameter::accept : ResourceParameter::reject,
                                   {{"reject", ResourceParameter::reject},
                                    {"validate", ResourceParameter::validate},
                                    {"accept", ResourceParameter::accept}});
  t.allow_plain_pkce = node.optional<bool>("allow_plain_pkce", false);
  node.reject_unknown_keys();
  return t;
}

User read_user(const ConfigNode& node) {
  User u;
  u.name = node.required<std::string>("name").value_or("");
  u.username = node.required<std::string>("username").value_or("");
  u.password = node.required<std::string>("password").value_or("");
  u.oid = required_guid(node, "oid");
  u.tenant = node.required<std::string>("tenant").value_or("");
  u.display_name = node.optional<std::string>("display_name", u.name);
  u.given_name = node.optional<std::string>("given_name", "");
  u.family_name = node.optional<std::string>("family_name", "");
  u.email = node.optional<std::string>("email", "");
  u.app_roles = read_string_lists(node, "app_roles");
  u.agent_identity = node.optional<std::string>("agent_identity", "");
  node.reject_unknown_keys();
  return u;
}

Application read_application(const ConfigNode& node) {
  Application a;
  a.name = node.required<std::string>("name").value_or("");
  a.client_id = required_guid(node, "client_id");
  a.object_id = required_guid(node, "object_id");
  a.tenant = node.required<std::string>("tenant").value_or("");
  a.display_name = node.optional<std::string>("display_name", a.name);
  a.multi_tenant = node.optional<bool>("multi_tenant", false);
  a.public_client = node.optional<bool>("public_client", false);
  a.secrets = read_secrets(node);
  for (const auto& item : node.array("certificates")) {
    auto pem = item.required<std::string>("certificate_pem");
    item.reject_unknown_keys();
    if (!pem) continue;
    auto certificate = jose::Certificate::from_pem(*pem);
    if (!certificate.ok()) {
      item.problem("not a PEM certificate", "certificate_pem");
      continue;
    }
    a.certificates.push_back({*pem, certificate->x5t(), certificate->x5t_s256()});
  }
  a.federated_credentials = read_federated(node);
  a.redirect_uris = node.optional<std::vector<std::string>>("redirect_uris", {});
  a.post_logout_redirect_uris =
      node.optional<std::vector<std::string>>("post_logout_redirect_uris", {});
  a.grants = node.optional<std::vector<std::string>>("grants", {});
  for (const auto& grant : a.grants) {
    if (std::find(std::begin(kKnownGrants), std::end(kKnownGrants), grant) ==
        std::end(kKnownGrants)) {
      node.problem("unknown grant type \"" + grant + "\"", "grants");
    }
  }
  a.app_permissions = read_string_lists(node, "app_permissions");
  a.identifier_uris = node.optional<std::vector<std::string>>("identifier_uris", {});
  a.scopes = read_permissions(node, "scopes");
  a.app_roles = read_permissions(node, "app_roles");
  a.access_token_version = static_cast<int>(node.optional<std::int64_t>("access_token_version", 2));
  if (a.access_token_version != 1 && a.access_token_version != 2)
    node.problem("must be 1 or 2", "access_token_version");
  a.preauthorized_clients = read_string_lists(node, "preauthorized_clients");
  if (a.public_client && a.has_credentials())
    node.problem("a public client cannot hold credentials");
  node.reject_unknown_keys();
  return a;
}

Identity read_identity(const ConfigNode& node) {
  Identity i;
  i.name = node.required<std::string>("name").value_or("");
  i.kind = read_enum(node, "kind", IdentityKind::system_assigned,
                     {{"system-assigned", IdentityKind::system_assigned},
                      {"user-assigned", IdentityKind::user_assigned},
                      {"agent-blueprint", IdentityKind::agent_blueprint},
                      {"agent-identity", IdentityKind::agent_identity}});
  if (!node.has("kind")) node.problem("is required", "kind");
  i.client_id = required_guid(node, "client_id");
  i.object_id = required_guid(node, "object_id");
  i.tenant = node.required<std::string>("tenant").value_or("");
  i.resource_id = node.optional<std::string>("resource_id", "");
  i.secrets = read_secrets(node);
  i.federated_credentials = read_federated(node);
  i.blueprint = node.optional<std::string>("blueprint", "");
  i.app_permissions = read_string_lists(node, "app_permissions");
  const bool managed =
      i.kind == IdentityKind::system_assigned || i.kind == IdentityKind::user_assigned;
  if (managed && i.resource_id.empty())
    node.problem("a managed identity needs its ARM resource id", "resource_id");
  if (i.kind == IdentityKind::agent_identity && i.blueprint.empty())
    node.problem("is required", "blueprint");
  if (i.kind != IdentityKind::agent_identity && !i.blueprint.empty()) {
    node.problem("only agent identities have a blueprint", "blueprint");
  }
  if (i.kind != IdentityKind::agent_blueprint &&
      (!i.secrets.empty() || !i.federated_credentials.empty())) {
    node.problem("only an agent identity blueprint holds credentials");
  }
  node.reject_unknown_keys();
  return i;
}

// Checks that need the whole directory: references and uniqueness.
void cross_check(const ConfigNode& root, const Directory& d) {
  std::set<std::string> names, ids;
  auto unique = [&](const ConfigNode& at, std::string_view section, const std::string& name,
                    const std::string& id) {
    if (!name.empty() && !names.insert(std::string(section) + ":" + name).second)
      at.problem("duplicate name \"" + name + "\"", "name");
    if (!id.empty() && !ids.insert(id).second) at.problem("duplicate id " + id);
  };
  auto tenant_exists = [&](const ConfigNode& at, const std::string& name) {
    if (!name.empty() && d.tenant_named(name) == nullptr)
      at.problem("no tenant named \"" + name + "\"", "tenant");
  };
  auto check_roles = [&](const ConfigNode& at, std::string_view key,
                         const std::map<std::string, std::vector<std::string>>& roles) {
    for (const auto& [resource, values] : roles) {
      const auto* app = d.application_named(resource);
      if (app == nullptr) {
        at.problem("no application named \"" + resource + "\"", key);
        continue;
      }
      for (const auto& role : values) {
        if (!app->has_app_role(role))
          at.problem("application \"" + resource + "\" has no app role \"" + role + "\"", key);
      }
    }
  };
  const auto tenants = root.array("tenants");
  for (std::size_t i = 0; i < d.tenants.size() && i < tenants.size(); ++i) {
    unique(tenants[i], "tenant", d.tenants[i].name, d.tenants[i].id);
  }
  const auto users = root.array("users");
  for (std::size_t i = 0; i < d.users.size() && i < users.size(); ++i) {
    const auto& u = d.users[i];
    unique(users[i], "user", u.name, u.oid);
    tenant_exists(users[i], u.tenant);
    check_roles(users[i], "app_roles", u.app_roles);
    if (!u.agent_identity.empty() && d.identity_named(u.agent_identity) == nullptr) {
      users[i].problem("no identity named \"" + u.agent_identity + "\"", "agent_identity");
    }
  }
  const auto applications = root.array("applications");
  for (std::size_t i = 0; i < d.applications.size() && i < applications.size(); ++i) {
    const auto& a = d.applications[i];
    unique(applications[i], "application", a.name, a.client_id);
    tenant_exists(applications[i], a.tenant);
    check_roles(applications[i], "app_permissions", a.app_permissions);
    for (const auto& [client, scopes] : a.preauthorized_clients) {
      if (d.application_named(client) == nullptr)
        applications[i].problem("no application named \"" + client + "\"", "preauthorized_clients");
      for (const auto& scope : scopes) {
        if (!a.has_scope(scope))
          applications[i].problem("no scope \"" + scope + "\" on this application",
                                  "preauthorized_clients");
      }
    }
  }
  const auto identities = root.array("identities");
  for (std::size_t i = 0; i < d.identities.size() && i < identities.size(); ++i) {
    const auto& id = d.identities[i];
    unique(identities[i], "identity", id.name, id.client_id);
    tenant_exists(identities[i], id.tenant);
    check_roles(identities[i], "app_permissions", id.app_permissions);
    if (!id.blueprint.empty()) {
      const auto* bp = d.identity_named(id.blueprint);
      if (bp == nullptr || bp->kind != IdentityKind::agent_blueprint) {
        identities[i].problem("no agent identity blueprint named \"" + id.blueprint + "\"",
                              "blueprint");
      }
    }
  }
  const auto consents = root.array("consents");
  for (std::size_t i = 0; i < d.consents.size() && i < consents.size(); ++i) {
    const auto& c = d.consents[i];
    const auto* agent = d.identity_named(c.client);
    if (d.application_named(c.client) == nullptr &&
        (agent == nullptr || agent->kind != IdentityKind::agent_identity)) {
      consents[i].problem("no application or agent identity named \"" + c.client + "\"", "client");
    }
    const auto* resource = d.application_named(c.resource);
    if (resource == nullptr) {
      consents[i].problem("no application named \"" + c.resource + "\"", "resource");
    } else {
      for (const auto& scope : c.scopes) {
        if (!resource->has_scope(scope))
          consents[i].problem("no scope \"" + scope + "\" on \"" + c.resource + "\"", "scopes");
      }
    }
    if (!c.user.empty() && d.user_named(c.user) == nullptr)
      consents[i].problem("no user named \"" + c.user + "\"", "user");
    tenant_exists(consents[i], c.tenant);
  }
}

}  // namespace

bool is_guid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (text[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

core::Result<Directory> load_directory(const nlohmann::json& document, const std::string& source) {
  core::ConfigReader reader(document, source);
  auto root = reader.root();
  Directory d;
  for (const auto& node : root.array("tenants", true)) d.tenants.push_back(read_tenant(node));
  for (const auto& node : root.array("users")) d.users.push_back(read_user(node));
  for (const auto& node : root.array("applications"))
    d.applications.push_back(read_application(node));
  for (const auto& node : root.array("identities")) d.identities.push_back(read_identity(node));
  for (const auto& node : root.array("consents")) {
    ConsentGrant c;
    c.client = node.required<std::string>("client").value_or("");
    c.resource = node.required<std::string>("resource").value_or("");
    c.scopes =
        node.required<std::vector<std::string>>("scopes").value_or(std::vector<std::string>{});
    c.user = node.optional<std::string>("user", "");
    c.tenant = node.required<std::string>("tenant").value_or("");
    node.reject_unknown_keys();
    d.consents.push_back(std::move(c));
  }
  root.reject_unknown_keys();
  if (reader.ok()) cross_check(root, d);
  TOOLAUTH_RETURN_IF_ERROR(reader.result());
  return d;
}

void resolve_templates(Directory& directory, const std::map<std::string, std::string>& values) {
  // Returns false when a template has no value.
  auto resolve = [&](std::string& text) {
    std::size_t open;
    while ((open = text.find('{')) != std::string::npos) {
      const auto close = text.find('}', open);
      if (close == std::string::npos) return true;
      auto it = values.find(text.substr(open + 1, close - open - 1));
      if (it == values.end()) return false;
      text.replace(open, close - open + 1, it->second);
    }
    return true;
  };
  auto resolve_all = [&](std::vector<std::string>& list) {
    std::erase_if(list, [&](std::string& uri) { return !resolve(uri); });
  };
  auto resolve_federated = [&](std::vector<FederatedCredential>& list) {
    std::erase_if(list, [&](FederatedCredential& fic) { return !resolve(fic.issuer); });
  };
  for (auto& app : directory.applications) {
    resolve_all(app.redirect_uris);
    resolve_all(app.post_logout_redirect_uris);
    resolve_all(app.identifier_uris);
    resolve_federated(app.federated_credentials);
  }
  for (auto& identity : directory.identities) resolve_federated(identity.federated_credentials);
}

nlohmann::json world_json(const Directory& d,
                          const std::function<std::string(const Tenant&)>& issuer_of) {
  nlohmann::json world = {{"tenants", nlohmann::json::array()},
                          {"users", nlohmann::json::array()},
                          {"clients", nlohmann::json::array()},
                          {"resources", nlohmann::json::array()},
                          {"identities", nlohmann::json::array()}};
  for (const auto& t : d.tenants) {
    world["tenants"].push_back({{"name", t.name},
                                {"id", t.id},
                                {"domain", t.domain},
                                {"issuer", issuer_of(t)},
                                {"profile", t.profile == TenantProfile::mcp ? "mcp" : "entra"}});
  }
  for (const auto& u : d.users) {
    world["users"].push_back({{"name", u.name},
                              {"username", u.username},
                              {"password", u.password},
                              {"oid", u.oid},
                              {"tenant", u.tenant}});
  }
  for (const auto& a : d.applications) {
    if (!a.grants.empty() || a.public_client || a.has_credentials()) {
      nlohmann::json client = {{"name", a.name},
                               {"client_id", a.client_id},
                               {"tenant", a.tenant},
                               {"redirect_uris", a.redirect_uris},
                               {"grants", a.grants}};
      if (!a.secrets.empty()) client["client_secret"] = a.secrets.front().value;
      world["clients"].push_back(std::move(client));
    }
    if (!a.identifier_uris.empty() || !a.scopes.empty() || !a.app_roles.empty()) {
      nlohmann::json scopes = nlohmann::json::array(), roles = nlohmann::json::array();
      for (const auto& s : a.scopes) scopes.push_back(s.value);
      for (const auto& r : a.app_roles) roles.push_back(r.value);
      world["resources"].push_back(
          {{"name", a.name},
           {"client_id", a.client_id},
           {"app_id_uri",
            a.identifier_uris.empty() ? "api://" + a.client_id : a.identifier_uris.front()},
           {"scopes", scopes},
           {"roles", roles},
           {"access_token_version", a.access_token_version}});
    }
  }
  for (const auto& i : d.identities) {
    nlohmann::json identity = {{"name", i.name},
                               {"kind", to_string(i.kind)},
                               {"client_id", i.client_id},
                               {"object_id", i.object_id},
                               {"tenant", i.tenant}};
    if (!i.resource_id.empty()) identity["resource_id"] = i.resource_id;
    if (!i.blueprint.empty()) identity["blueprint"] = i.blueprint;
    if (!i.secrets.empty()) identity["client_secret"] = i.secrets.front().value;
    world["identities"].push_back(std::move(identity));
  }
  return world;
}

}  // namespace toolauth::idp
