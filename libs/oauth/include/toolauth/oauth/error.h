#pragma once
// Errors of libs/oauth that are not token endpoint answers (those are oauth::TokenError, which
// keeps the endpoint's own error, AADSTS code and HTTP status).

#include <string_view>
#include <system_error>

#include "toolauth/core/error.h"

namespace toolauth::oauth {

enum class Errc {
  invalid_argument = 1,  // a URL, verifier, scope or key that cannot be used as given
  consent_required,      // no delegated tokens for this entry (never stored, revoked, or the
                         // refresh token was refused with invalid_grant): ask the user again
  entry_unreadable,      // a vault row that does not decrypt (tampered, or sealed under
                         // another key); the detail says which, never what it held
  refresh_unavailable,   // a refresh failed for a reason that may pass (5xx, 429, network)
  refresh_rejected,      // a refresh was refused for a reason retrying will not fix
                         // (invalid_client, unauthorized_client, ...): a configuration error
  vault_key_invalid,     // TOOLAUTH_VAULT_KEY or vault.key is not base64url of 32 bytes, or
                         // the key file is readable by others
  storage_error,         // the state store refused
};
std::string_view error_domain(Errc);  // "toolauth.oauth"
std::string_view error_message(Errc);
inline std::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), core::category_of<Errc>()};
}

}  // namespace toolauth::oauth

template <>
struct std::is_error_code_enum<toolauth::oauth::Errc> : std::true_type {};
