#pragma once
// An IdentityProvider over the default world without any server, for unit tests of the code
// endpoints call: a manual clock, its own journal and fault injector, and a signing key
// generated once per test binary.

#include "test_world.h"
#include "toolauth/idp/identity_provider.h"

namespace toolauth::idp::testing {

struct InMemoryIdp {
  static constexpr std::string_view kBaseUrl = "https://localhost:4781";

  core::ManualClock clock;
  service::Journal journal{clock};
  service::FaultInjector faults;
  IdentityProvider idp{
      default_directory(),
      shared_keys(clock),
      clock,
      IdpOptions{.base_url = std::string(kBaseUrl), .mi_base_url = "http://localhost:4782"},
      journal,
      faults};

  static KeyRing shared_keys(const core::Clock& clock) {
    static const auto generated = KeyRing::generate(clock);
    // The ring keeps a pointer to its clock: a copy is rebuilt around this test's clock.
    return KeyRing::from_json(generated->to_json(), clock).value();
  }
};

}  // namespace toolauth::idp::testing
