#pragma once
// The `scope` parameter resolved against the directory (Entra v2 semantics,
// reference/entra-oauth.md §2.5): OIDC scopes, at most one resource, and either explicit
// delegated permissions on it or `<resource>/.default`.
//
// A resource scope is "<identifier>/<permission>" where the identifier is an App ID URI, a
// client id, or api://<client id>; everything before the last '/' names the resource. A scope
// without '/' ("User.Read") is a Microsoft Graph permission, as in Entra.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/result.h"
#include "toolauth/idp/aad_error.h"
#include "toolauth/idp/directory.h"

namespace toolauth::idp {

inline constexpr std::string_view kOidcScopes[] = {"openid", "profile", "email", "offline_access"};
inline constexpr std::string_view kGraphClientId = "00000003-0000-0000-c000-000000000000";

struct ScopeRequest {
  std::vector<std::string> oidc;          // the OIDC scopes asked for, in request order
  const Application* resource = nullptr;  // null when only OIDC scopes were asked for
  std::string resource_identifier;        // the identifier as the client wrote it
  std::vector<std::string> permissions;   // explicit delegated permissions on `resource`
  bool dot_default = false;               // <resource>/.default

  bool wants(std::string_view oidc_scope) const;
};

// Errors: invalid_scope (70011) for an empty or unknown scope, multiple_resources (700022),
// unknown_resource (500011). Bare scope names belong to `bare_scope_resource` when given
// (an RFC 8707 resource), else to Microsoft Graph.
core::Result<ScopeRequest, AadError> parse_scopes(const Directory& directory,
                                                  std::string_view scope,
                                                  std::string_view tenant_for_errors,
                                                  const Application* bare_scope_resource = nullptr);

// `scope` together with an RFC 8707 `resource` (empty when absent), as the tenant's profile
// says: reject -> AADSTS901002; validate -> the resource must name the scope's resource
// (AADSTS9010010); accept -> the resource must be an absolute URI without fragment naming a
// registered API (else invalid_target), bare scope names are its permissions, no permission
// means `.default`, and `*audience` receives the resource, which becomes the token's `aud`.
core::Result<ScopeRequest, AadError> resolve_scopes(const Directory& directory,
                                                    const Tenant& tenant, std::string_view scope,
                                                    std::string_view resource,
                                                    std::optional<std::string>* audience);

// The resource named by an RFC 8707 `resource` or a managed identity's `resource`: an App ID
// URI or client id, with or without a trailing '/'.
const Application* find_resource_lenient(const Directory& directory, std::string_view identifier);

// "api://x/Tools.Read api://x/Tools.Invoke": `permissions` qualified by the identifier the
// client used, as Entra's response `scope` lists them.
std::string qualified_scopes(std::string_view identifier,
                             const std::vector<std::string>& permissions);

std::string join(const std::vector<std::string>& items, std::string_view separator = " ");
std::vector<std::string> split_spaces(std::string_view text);

}  // namespace toolauth::idp
