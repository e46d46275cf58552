#pragma once
// Which of a caller's request headers reach a hosted agent's container
// (reference/foundry-agent-service.md §6.1): an allow-list, so anything new is kept out.
//
//   passed: x-client-*, content-type, content-language, accept, accept-language, user-agent,
//           traceparent, tracestate, baggage, x-ms-client-request-id, x-request-id,
//           request-id, x-correlation-id
//   never:  everything else, notably Authorization, Cookie, Host, x-forwarded-*, and the
//           platform's own x-agent-* headers (a caller cannot choose its call id or user id)
//
// The platform then adds x-agent-user-id (hosted_user_id()) and x-agent-foundry-call-id.

#include <string>
#include <string_view>

#include "toolauth/http/headers.h"

namespace toolauth::emulator {

bool forwarded_to_container(std::string_view header_name);
http::Headers container_request_headers(const http::Headers& caller_headers);

// x-agent-user-id: a stable key per user for the container to partition by, that is not the
// user's object id: base64url(HMAC-SHA256(key, "<tid>/<oid>")), 43 characters. `key` is the
// emulator's (kept in its state, so the id survives restarts).
std::string hosted_user_id(std::string_view key, std::string_view tid, std::string_view oid);

}  // namespace toolauth::emulator
