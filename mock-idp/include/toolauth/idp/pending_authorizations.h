#pragma once
// Sign-ins in progress: an authorization request (or a device code the user entered) waiting
// for the user to pick an account, type a password and consent. They live server-side only,
// keyed by a random flow id that the pages carry in a hidden field, and expire after
// kPendingLifetime.
//
// Every form the pages render carries a fresh anti-CSRF token bound to its flow; posting the
// form consumes it, so a forged (wrong), stale (an earlier form of the flow) or replayed
// token is refused. Only SHA-256 hashes of flow ids and tokens are kept.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "toolauth/core/clock.h"
#include "toolauth/idp/authorization_request.h"

namespace toolauth::idp {

inline constexpr std::chrono::minutes kPendingLifetime{15};
// Bounds memory when clients start flows nobody finishes: the oldest flow goes first.
inline constexpr std::size_t kMaxPendingAuthorizations = 10'000;

struct PendingAuthorization {
  enum class Kind { authorize, device };
  Kind kind = Kind::authorize;
  AuthorizationRequest request;  // for device flows: client, tenant, scope and resource only
  std::string user_code;         // device flows: the normalised user code
  std::string flow_hash;         // short hash of the flow id, for journals
  // Set once the user has signed in.
  std::string user;  // user name
  std::string session_id;
  core::Clock::time_point auth_time{};
  // The user signed in by the browser's session when the picker was shown (prompt=
  // select_account): picking that account again needs no password.
  std::string session_user;
  core::Clock::time_point expires{};
};

class PendingAuthorizationStore {
 public:
  // Stores `pending` (expiring at now + kPendingLifetime) and returns its flow id.
  std::string start(PendingAuthorization pending, core::Clock::time_point now);
  // The live flow for `flow_id`, or nullptr (unknown or expired).
  PendingAuthorization* find(std::string_view flow_id, core::Clock::time_point now);
  // A fresh anti-CSRF token for the next form of the flow; earlier tokens stop working.
  std::string issue_csrf_token(std::string_view flow_id);
  // True when `token` is the flow's current token, which is then used up (a token works once).
  // A wrong token changes nothing, so guessing cannot cancel the user's form.
  bool consume_csrf_token(std::string_view flow_id, std::string_view token);
  void finish(std::string_view flow_id);
  void purge(core::Clock::time_point now);
  void clear() { flows_.clear(); }
  std::size_t size() const { return flows_.size(); }

 private:
  struct Entry {
    PendingAuthorization pending;
    std::string csrf_hash;  // SHA-256 of the current token; empty when none is live
    std::uint64_t order = 0;
  };
  std::map<std::string, Entry, std::less<>> flows_;  // keyed by SHA-256 of the flow id
  std::uint64_t next_order_ = 0;
};

}  // namespace toolauth::idp
