#pragma once
// How a project connection authenticates the MCP calls made through it. The ARM names are
// canonical (what the ready document and the data plane show); azd's kebab-case names are
// accepted on input as well.

#include <optional>
#include <string_view>

namespace toolauth::emulator {

enum class AuthType {
  none,
  custom_keys,
  project_managed_identity,
  agentic_identity_token,
  oauth2,
  user_entra_token,
};

inline constexpr AuthType kAllAuthTypes[] = {AuthType::none,
                                             AuthType::custom_keys,
                                             AuthType::project_managed_identity,
                                             AuthType::agentic_identity_token,
                                             AuthType::oauth2,
                                             AuthType::user_entra_token};

// "None", "CustomKeys", "ProjectManagedIdentity", "AgenticIdentityToken", "OAuth2",
// "UserEntraToken".
std::string_view to_string(AuthType type);
// The ARM name or the azd name ("none", "custom-keys", "project-managed-identity",
// "agentic-identity", "oauth2", "user-entra-token"); nullopt for anything else.
std::optional<AuthType> parse_auth_type(std::string_view name);
// The data plane's credentials.type for this auth type (CredentialType of api-version v1).
std::string_view credential_type(AuthType type);
// Whether connections of this type need an `audience` (the resource tokens are requested for).
bool needs_audience(AuthType type);

}  // namespace toolauth::emulator
