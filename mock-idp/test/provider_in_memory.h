#pragma once
// An IdentityProvider over the default world on a ManualClock, without listeners: for unit
// tests of the pieces grants are made of.

#include <memory>

#include "test_world.h"
#include "toolauth/core/clock.h"
#include "toolauth/idp/identity_provider.h"
#include "toolauth/service/faults.h"
#include "toolauth/service/journal.h"

namespace toolauth::idp::testing {

struct ProviderInMemory {
  core::ManualClock clock;
  service::Journal journal{clock};
  service::FaultInjector faults;
  std::unique_ptr<IdentityProvider> idp;

  explicit ProviderInMemory(Directory directory = default_directory()) {
    auto keys = KeyRing::generate(clock);
    EXPECT_TRUE(keys.ok());
    idp = std::make_unique<IdentityProvider>(std::move(directory), std::move(*keys), clock,
                                             IdpOptions{.base_url = "https://localhost:4781"},
                                             journal, faults);
  }
  const Directory& directory() const { return idp->directory(); }
  const Tenant& tenant(std::string_view name) const { return *directory().tenant_named(name); }
};

}  // namespace toolauth::idp::testing
