#include "toolauth/emulator/auth_type.h"

namespace toolauth::emulator {

std::string_view to_string(AuthType type) {
  switch (type) {
    case AuthType::none:
      return "None";
    case AuthType::custom_keys:
      return "CustomKeys";
    case AuthType::project_managed_identity:
      return "ProjectManagedIdentity";
    case AuthType::agentic_identity_token:
      return "AgenticIdentityToken";
    case AuthType::oauth2:
      return "OAuth2";
    case AuthType::user_entra_token:
      return "UserEntraToken";
  }
  return "None";
}

std::optional<AuthType> parse_auth_type(std::string_view name) {
  static constexpr std::pair<std::string_view, AuthType> kAzdNames[] = {
      {"none", AuthType::none},
      {"custom-keys", AuthType::custom_keys},
      {"project-managed-identity", AuthType::project_managed_identity},
      {"agentic-identity", AuthType::agentic_identity_token},
      {"oauth2", AuthType::oauth2},
      {"user-entra-token", AuthType::user_entra_token}};
  for (auto type : kAllAuthTypes) {
    if (to_string(type) == name) return type;
  }
  for (const auto& [azd, type] : kAzdNames) {
    if (azd == name) return type;
  }
  return std::nullopt;
}

std::string_view credential_type(AuthType type) {
  switch (type) {
    case AuthType::project_managed_identity:
      return "AAD";
    case AuthType::agentic_identity_token:
      return "AgenticIdentityToken_Preview";
    default:
      return to_string(type);
  }
}

bool needs_audience(AuthType type) {
  return type == AuthType::project_managed_identity || type == AuthType::agentic_identity_token ||
         type == AuthType::user_entra_token;
}

}  // namespace toolauth::emulator
