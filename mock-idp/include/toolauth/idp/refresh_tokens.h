#pragma once
// Refresh tokens and their families. A family is every token descending from one grant (a
// sign-in, a device code, an OBO). Each redemption issues a new token in the family:
//   entra mode  - the presented token stays valid until it expires (Entra does not revoke it);
//   strict mode - the presented token is rotated out; presenting it again is reuse (RFC 9700
//                 §4.14.2): the whole family, including the newest token, is revoked.
// Only SHA-256 hashes of tokens are stored. Journals identify a family and a use by short
// hashes, so a conformance run can prove that no refresh token was used twice.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/idp/directory.h"
#include "toolauth/idp/secret_witness.h"

namespace toolauth::idp {

struct RefreshToken {
  std::string family_id;
  std::string client_id;
  std::string tenant;    // tenant name
  std::string user;      // user name
  std::string scope;     // granted delegated scopes, qualified (for `.default`-less refreshes)
  std::string resource;  // RFC 8707 resource the family is bound to, if any
  std::string session_id;
  core::Clock::time_point issued;
  core::Clock::time_point expires;
  enum class State { active, rotated, revoked } state = State::active;
  std::string token_hash;  // short hash for journals
};

class RefreshTokenStore {
 public:
  // A new token in `family_id` (a new family when empty); returns the token value.
  std::string issue(RefreshToken record);
  // The record for a presented token, or nullptr.
  RefreshToken* find(std::string_view token);
  // Marks `record` used under `rotation`: in strict mode it is rotated out.
  void mark_used(RefreshToken& record, RefreshRotation rotation);
  // Revokes every token of the family; returns how many were still usable.
  std::size_t revoke_family(std::string_view family_id);
  // Revokes every family of the user (optionally only those of one client).
  std::size_t revoke_user(std::string_view user, std::string_view client_id = {});
  void purge(core::Clock::time_point now);
  void clear() { tokens_.clear(); }

  nlohmann::json to_json() const;
  void load_json(const nlohmann::json& document);

  // Sees each secret issued (secret_witness.h); the witness outlives this.
  void witness_with(const SecretWitness* witness) { witness_ = witness; }

 private:
  std::map<std::string, RefreshToken, std::less<>> tokens_;  // keyed by SHA-256 of the token
  const SecretWitness* witness_ = nullptr;
};

}  // namespace toolauth::idp
