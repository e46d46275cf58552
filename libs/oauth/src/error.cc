#include "toolauth/oauth/error.h"

namespace toolauth::oauth {

std::string_view error_domain(Errc) { return "toolauth.oauth"; }

std::string_view error_message(Errc e) {
  switch (e) {
    case Errc::invalid_argument:
      return "invalid argument";
    case Errc::consent_required:
      return "user consent required";
    case Errc::entry_unreadable:
      return "vault entry unreadable";
    case Errc::refresh_unavailable:
      return "token refresh temporarily unavailable";
    case Errc::refresh_rejected:
      return "token refresh rejected";
    case Errc::vault_key_invalid:
      return "invalid vault key";
    case Errc::storage_error:
      return "vault storage error";
  }
  return "unknown oauth error";
}

}  // namespace toolauth::oauth
