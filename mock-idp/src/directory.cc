#include "toolauth/idp/directory.h"

#include <algorithm>

namespace toolauth::idp {

bool iequals_ascii(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

namespace {
template <class T, class Pred>
auto* find_if_ptr(T& items, Pred pred) {
  auto it = std::find_if(items.begin(), items.end(), pred);
  return it == items.end() ? nullptr : &*it;
}
bool contains(const std::vector<std::string>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}
}  // namespace

bool Application::allows_grant(std::string_view grant_type) const {
  return contains(grants, grant_type);
}

bool Application::has_scope(std::string_view value) const {
  return std::any_of(scopes.begin(), scopes.end(),
                     [&](const Permission& p) { return p.value == value; });
}

bool Application::has_app_role(std::string_view value) const {
  return std::any_of(app_roles.begin(), app_roles.end(),
                     [&](const Permission& p) { return p.value == value; });
}

std::string_view to_string(IdentityKind kind) {
  switch (kind) {
    case IdentityKind::system_assigned:
      return "system-assigned";
    case IdentityKind::user_assigned:
      return "user-assigned";
    case IdentityKind::agent_blueprint:
      return "agent-blueprint";
    case IdentityKind::agent_identity:
      return "agent-identity";
  }
  return "unknown";
}

const Tenant* Directory::find_tenant(std::string_view id_or_domain) const {
  return find_if_ptr(tenants, [&](const Tenant& t) {
    return iequals_ascii(t.id, id_or_domain) || iequals_ascii(t.domain, id_or_domain);
  });
}

const Tenant* Directory::tenant_named(std::string_view name) const {
  return find_if_ptr(tenants, [&](const Tenant& t) { return t.name == name; });
}

const User* Directory::user_named(std::string_view name) const {
  return find_if_ptr(users, [&](const User& u) { return u.name == name; });
}

const User* Directory::find_user(std::string_view username, const Tenant* tenant) const {
  return find_if_ptr(users, [&](const User& u) {
    return iequals_ascii(u.username, username) && (tenant == nullptr || u.tenant == tenant->name);
  });
}

const User* Directory::user_by_oid(std::string_view oid) const {
  return find_if_ptr(users, [&](const User& u) { return iequals_ascii(u.oid, oid); });
}

const Application* Directory::application_named(std::string_view name) const {
  return find_if_ptr(applications, [&](const Application& a) { return a.name == name; });
}

const Application* Directory::find_application(std::string_view client_id) const {
  return find_if_ptr(applications,
                     [&](const Application& a) { return iequals_ascii(a.client_id, client_id); });
}

Application* Directory::find_application(std::string_view client_id) {
  return find_if_ptr(applications,
                     [&](const Application& a) { return iequals_ascii(a.client_id, client_id); });
}

const Application* Directory::find_resource(std::string_view identifier) const {
  return find_if_ptr(applications, [&](const Application& a) {
    if (iequals_ascii(a.client_id, identifier)) return true;
    if (identifier.size() == a.client_id.size() + 6 &&
        iequals_ascii(identifier.substr(0, 6), "api://") &&
        iequals_ascii(identifier.substr(6), a.client_id)) {
      return true;
    }
    return std::any_of(a.identifier_uris.begin(), a.identifier_uris.end(),
                       [&](const std::string& uri) { return iequals_ascii(uri, identifier); });
  });
}

const Identity* Directory::identity_named(std::string_view name) const {
  return find_if_ptr(identities, [&](const Identity& i) { return i.name == name; });
}

const Identity* Directory::find_identity(std::string_view client_id) const {
  return find_if_ptr(identities,
                     [&](const Identity& i) { return iequals_ascii(i.client_id, client_id); });
}

const Identity* Directory::find_identity_by_object_id(std::string_view object_id) const {
  return find_if_ptr(identities,
                     [&](const Identity& i) { return iequals_ascii(i.object_id, object_id); });
}

const Identity* Directory::find_identity_by_resource_id(std::string_view resource_id) const {
  return find_if_ptr(identities, [&](const Identity& i) {
    return !i.resource_id.empty() && iequals_ascii(i.resource_id, resource_id);
  });
}

}  // namespace toolauth::idp
