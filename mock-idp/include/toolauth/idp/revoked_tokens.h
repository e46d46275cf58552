#pragma once
// Access tokens revoked through RFC 7009. Access tokens are self-contained JWTs that resource
// servers verify offline, so revocation cannot recall them; what it can do is make
// introspection (RFC 7662) report them inactive. A revoked token's `uti` is remembered until
// the token would have expired anyway, so the set never holds more than the tokens alive.
//
// Revocations survive restarts (the IdP persists them) and reset: reset keeps the signing keys,
// so tokens issued before it still verify, and a revoked one must stay revoked.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "toolauth/core/clock.h"

namespace toolauth::idp {

class RevokedTokens {
 public:
  // Remembers `uti` until `expires`; forgets entries whose token has expired by `now`.
  void revoke(const std::string& uti, core::Clock::time_point expires, core::Clock::time_point now);
  bool revoked(std::string_view uti) const { return entries_.find(uti) != entries_.end(); }
  std::size_t size() const { return entries_.size(); }

  // [{"uti", "expires"}] with expires in Unix seconds.
  nlohmann::json to_json() const;
  // Replaces the set; malformed entries are skipped.
  void load_json(const nlohmann::json& document);

 private:
  std::map<std::string, core::Clock::time_point, std::less<>> entries_;  // uti -> token expiry
};

}  // namespace toolauth::idp
