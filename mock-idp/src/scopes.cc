#include "toolauth/idp/scopes.h"

#include <algorithm>

namespace toolauth::idp {

bool ScopeRequest::wants(std::string_view oidc_scope) const {
  return std::find(oidc.begin(), oidc.end(), oidc_scope) != oidc.end();
}

std::vector<std::string> split_spaces(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t end = i;
    while (end < text.size() && text[end] != ' ') ++end;
    if (end > i) out.emplace_back(text.substr(i, end - i));
    i = end;
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

const Application* find_resource_lenient(const Directory& directory, std::string_view identifier) {
  if (const auto* app = directory.find_resource(identifier)) return app;
  if (!identifier.empty() && identifier.back() == '/')
    return directory.find_resource(identifier.substr(0, identifier.size() - 1));
  return directory.find_resource(std::string(identifier) + "/");
}

std::string qualified_scopes(std::string_view identifier,
                             const std::vector<std::string>& permissions) {
  std::string out;
  for (const auto& permission : permissions) {
    if (!out.empty()) out.push_back(' ');
    out += std::string(identifier) + "/" + permission;
  }
  return out;
}

core::Result<ScopeRequest, AadError> parse_scopes(const Directory& directory,
                                                  std::string_view scope,
                                                  std::string_view tenant_for_errors,
                                                  const Application* bare_scope_resource) {
  ScopeRequest request;
  const auto tokens = split_spaces(scope);
  if (tokens.empty()) return aad::invalid_scope(scope);
  for (const auto& token : tokens) {
    if (std::find(std::begin(kOidcScopes), std::end(kOidcScopes), token) != std::end(kOidcScopes)) {
      if (!request.wants(token)) request.oidc.push_back(token);
      continue;
    }
    std::string identifier, permission;
    const Application* resource = nullptr;
    if (const auto slash = token.rfind('/'); slash != std::string::npos) {
      identifier = token.substr(0, slash);
      permission = token.substr(slash + 1);
      if (identifier.empty() || permission.empty()) return aad::invalid_scope(token);
      resource = find_resource_lenient(directory, identifier);
      if (resource == nullptr) return aad::unknown_resource(identifier, tenant_for_errors);
    } else {
      resource =
          bare_scope_resource ? bare_scope_resource : directory.find_application(kGraphClientId);
      if (resource == nullptr) return aad::invalid_scope(token);
      identifier = resource->identifier_uris.empty() ? resource->client_id
                                                     : resource->identifier_uris.front();
      permission = token;
    }
    if (request.resource != nullptr && request.resource != resource)
      return aad::multiple_resources();
    if (request.resource == nullptr) {
      request.resource = resource;
      request.resource_identifier = identifier;
    }
    if (permission == ".default") {
      request.dot_default = true;
    } else if (!resource->has_scope(permission)) {
      return aad::invalid_scope(token);
    } else if (std::find(request.permissions.begin(), request.permissions.end(), permission) ==
               request.permissions.end()) {
      request.permissions.push_back(permission);
    }
  }
  // `.default` asks for whatever is consented; mixing it with explicit permissions is ambiguous.
  if (request.dot_default && !request.permissions.empty()) {
    return aad::invalid_scope(request.resource_identifier + "/.default");
  }
  return request;
}

}  // namespace toolauth::idp

namespace toolauth::idp {

core::Result<ScopeRequest, AadError> resolve_scopes(const Directory& directory,
                                                    const Tenant& tenant, std::string_view scope,
                                                    std::string_view resource,
                                                    std::optional<std::string>* audience) {
  if (resource.empty()) return parse_scopes(directory, scope, tenant.domain);
  switch (tenant.resource_parameter) {
    case ResourceParameter::reject:
      return aad::resource_parameter_unsupported();
    case ResourceParameter::validate: {
      TOOLAUTH_ASSIGN_OR_RETURN(auto parsed, parse_scopes(directory, scope, tenant.domain));
      if (parsed.resource == nullptr ||
          find_resource_lenient(directory, resource) != parsed.resource) {
        return aad::resource_parameter_mismatch();
      }
      return parsed;
    }
    case ResourceParameter::accept:
      break;
  }
  // RFC 8707 §2: an absolute URI without a fragment.
  const auto scheme_end = resource.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0 ||
      resource.find('#') != std::string_view::npos ||
      resource.find(' ') != std::string_view::npos) {
    return aad::invalid_target(resource);
  }
  const auto* api = find_resource_lenient(directory, resource);
  if (api == nullptr) return aad::invalid_target(resource);
  ScopeRequest parsed;
  if (!split_spaces(scope).empty()) {
    TOOLAUTH_ASSIGN_OR_RETURN(parsed, parse_scopes(directory, scope, tenant.domain, api));
  }
  if (parsed.resource != nullptr && parsed.resource != api) return aad::invalid_target(resource);
  parsed.resource = api;
  parsed.resource_identifier = std::string(resource);
  if (parsed.permissions.empty()) parsed.dot_default = true;
  *audience = std::string(resource);
  return parsed;
}

}  // namespace toolauth::idp
