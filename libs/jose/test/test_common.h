#pragma once
// Shared fixture data for the jose tests. Keys are generated once per test process (RSA key
// generation is slow, more so under ASan) and never written anywhere: there are no key files.

#include <chrono>

#include "toolauth/core/clock.h"
#include "toolauth/jose/key.h"

namespace toolauth::jose::testing {

// 2023-11-14T22:13:20Z, the ManualClock default.
inline constexpr std::chrono::seconds kTestEpoch{1'700'000'000};

inline const PrivateKey& rsa_key() {
  static const PrivateKey key = PrivateKey::generate_rsa().value();
  return key;
}
inline const PrivateKey& other_rsa_key() {
  static const PrivateKey key = PrivateKey::generate_rsa().value();
  return key;
}
inline const PrivateKey& ec_key() {
  static const PrivateKey key = PrivateKey::generate_ec_p256().value();
  return key;
}

}  // namespace toolauth::jose::testing
