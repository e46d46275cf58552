#pragma once
// Authorization codes: single use, short-lived, bound to the client, the redirect URI, the
// PKCE challenge and the sign-in. Only the SHA-256 of a code is kept, so the store (and any
// export of it) never holds a usable code.

#include <map>
#include <optional>
#include <string>

#include "toolauth/core/clock.h"
#include "toolauth/idp/secret_witness.h"

namespace toolauth::idp {

struct AuthCode {
  std::string client_id;
  std::string redirect_uri;
  std::string tenant;    // tenant name the user signed in to
  std::string user;      // user name
  std::string scope;     // the scope string of the authorization request
  std::string resource;  // RFC 8707 resource of the authorization request, if any
  std::string nonce;
  std::string code_challenge;
  std::string code_challenge_method;  // "S256" or "plain"
  std::string session_id;
  core::Clock::time_point auth_time;
  core::Clock::time_point expires;
  bool redeemed = false;
  // Refresh-token family issued from this code: revoked if the code is replayed (RFC 6749 §4.1.2).
  std::string family_id;
};

class AuthCodeStore {
 public:
  // Stores `code` and returns the code value to hand to the client.
  std::string issue(AuthCode code);
  // The record for `code`, redeemed or not; nullptr when unknown. Expired records are kept
  // until purge() so a late redemption reports "expired" rather than "unknown".
  AuthCode* find(std::string_view code);
  void purge(core::Clock::time_point now);
  void clear() { codes_.clear(); }
  std::size_t size() const { return codes_.size(); }

  // Sees each secret issued (secret_witness.h); the witness outlives this.
  void witness_with(const SecretWitness* witness) { witness_ = witness; }

 private:
  std::map<std::string, AuthCode, std::less<>> codes_;  // keyed by SHA-256 of the code
  const SecretWitness* witness_ = nullptr;
};

}  // namespace toolauth::idp
