#pragma once
// Device authorizations (RFC 8628, Entra's shape in reference/entra-oauth.md §1.6): the
// device polls with a long random device_code while the user enters the short user_code at
// /devicelogin, signs in and consents. Only the SHA-256 of a device code is kept; user codes
// are short-lived, single-purpose and shown to the user, so they are kept as they are.

#include <map>
#include <string>
#include <string_view>

#include "toolauth/core/clock.h"
#include "toolauth/idp/secret_witness.h"

namespace toolauth::idp {

// Entra's user codes are nine letters and digits; this alphabet leaves out look-alikes
// (0/O, 1/I) so a person can type what they read.
inline constexpr std::string_view kUserCodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
inline constexpr std::size_t kUserCodeLength = 9;
// Seconds the device waits between polls (RFC 8628 §3.2); Entra sends 5.
inline constexpr int kDevicePollInterval = 5;
// Bounds memory when devices ask for codes nobody enters: the soonest to expire goes first.
inline constexpr std::size_t kMaxDeviceAuthorizations = 10'000;

struct DeviceAuthorization {
  enum class State { pending, approved, declined, redeemed };
  std::string client_id;
  std::string tenant_segment;  // as in the devicecode request's path
  std::string tenant;          // tenant name; empty on /common and /organizations
  std::string scope;
  std::string resource;  // RFC 8707 resource, if any
  std::string user_code;
  core::Clock::time_point expires{};
  State state = State::pending;
  // Set when the user approved.
  std::string user;
  std::string user_tenant;
  std::string session_id;
  core::Clock::time_point auth_time{};
};

class DeviceCodeStore {
 public:
  struct Issued {
    std::string device_code;
    std::string user_code;
  };
  // Stores `authorization` under a new device code and a user code no live authorization
  // uses.
  Issued issue(DeviceAuthorization authorization);
  // The authorization a device polls with, or nullptr when unknown. Expired ones are kept
  // until purge() so a late poll gets expired_token rather than bad_verification_code.
  DeviceAuthorization* find(std::string_view device_code);
  // The pending, unexpired authorization whose user code is `user_code` (case, spaces and
  // dashes ignored), or nullptr.
  DeviceAuthorization* find_by_user_code(std::string_view user_code, core::Clock::time_point now);
  void purge(core::Clock::time_point now);
  void clear() {
    authorizations_.clear();
    by_user_code_.clear();
  }
  std::size_t size() const { return authorizations_.size(); }

  // "abcd-efgh j" -> "ABCDEFGHJ".
  static std::string normalise_user_code(std::string_view user_code);

  // Sees each secret issued (secret_witness.h); the witness outlives this.
  void witness_with(const SecretWitness* witness) { witness_ = witness; }

 private:
  void erase(std::map<std::string, DeviceAuthorization, std::less<>>::iterator it);

  std::map<std::string, DeviceAuthorization, std::less<>> authorizations_;  // SHA-256 of code
  std::map<std::string, std::string, std::less<>> by_user_code_;  // user code -> SHA-256 of code
  const SecretWitness* witness_ = nullptr;
};

}  // namespace toolauth::idp
