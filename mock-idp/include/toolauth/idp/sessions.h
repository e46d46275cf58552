#pragma once
// Browser sign-in sessions of the login page: a random cookie value names a signed-in user,
// so a second authorization request skips the password (single sign-on) unless
// prompt=login. Only the cookie's hash is stored.

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "toolauth/core/clock.h"
#include "toolauth/idp/secret_witness.h"

namespace toolauth::idp {

inline constexpr std::string_view kSessionCookie = "toolauth_idp_session";

struct Session {
  std::string id;  // the public session id: `sid` in tokens
  std::string user;
  std::string tenant;
  core::Clock::time_point auth_time;
  core::Clock::time_point expires;
};

class SessionStore {
 public:
  // Starts a session; returns the cookie value.
  std::string start(Session session);
  // The live session for `cookie`, or nullptr.
  const Session* find(std::string_view cookie, core::Clock::time_point now) const;
  void end(std::string_view cookie);
  std::size_t end_user(std::string_view user);
  void clear() { sessions_.clear(); }

  nlohmann::json to_json() const;
  void load_json(const nlohmann::json& document);

  // Sees each secret issued (secret_witness.h); the witness outlives this.
  void witness_with(const SecretWitness* witness) { witness_ = witness; }

 private:
  std::map<std::string, Session, std::less<>> sessions_;  // keyed by SHA-256 of the cookie
  const SecretWitness* witness_ = nullptr;
};

}  // namespace toolauth::idp
