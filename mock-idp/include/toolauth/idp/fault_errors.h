#pragma once
// Renders an injected fault (service::FaultAction) as the STS would fail: an Entra error body
// when the fault names an OAuth error or an AADSTS code, a bare status otherwise, 429 with
// Retry-After, or a dropped connection.

#include <optional>

#include "toolauth/http/message.h"
#include "toolauth/idp/identity_provider.h"
#include "toolauth/service/faults.h"

namespace toolauth::idp {

// nullopt when the action only adds latency.
std::optional<http::Response> fault_response(const IdentityProvider& idp,
                                             const http::Request& request,
                                             const service::FaultAction& action);

}  // namespace toolauth::idp
