#pragma once
// Renders an injected fault (service::FaultAction) as the STS would fail: an Entra error body
// when the fault names an OAuth error or an AADSTS code, a bare status otherwise, 429 with
// Retry-After, or a dropped connection.

#include <boost/asio/awaitable.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "toolauth/http/message.h"
#include "toolauth/idp/identity_provider.h"
#include "toolauth/service/faults.h"

namespace toolauth::idp {

// nullopt when the action only adds latency.
std::optional<http::Response> fault_response(const IdentityProvider& idp,
                                             const http::Request& request,
                                             const service::FaultAction& action);

// Takes the fault `context` selects ({"endpoint": ..., "client_id": ...}), if any, waits its
// latency and renders it. Marks the journal `entry` (fault, and for an answer outcome "fault"
// and status); the caller records it. nullopt: serve the request as usual. An endpoint that
// honours "after_handling" passes `after_handling`: such a fault is put there instead, for
// answer_after_handling() once the request has been carried out.
boost::asio::awaitable<std::optional<http::Response>> injected_fault(
    IdentityProvider& idp, const http::Request& request,
    const std::map<std::string, std::string>& context, nlohmann::json& entry,
    std::optional<service::FaultAction>* after_handling = nullptr);

// The answer to a request already carried out under an "after_handling" fault: `answer`
// after the fault's latency, or the fault's own answer (a dropped connection, an error).
boost::asio::awaitable<http::Response> answer_after_handling(const IdentityProvider& idp,
                                                             const http::Request& request,
                                                             const service::FaultAction& fault,
                                                             http::Response answer);

}  // namespace toolauth::idp
