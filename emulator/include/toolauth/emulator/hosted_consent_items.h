#pragma once
// `oauth_consent_request` items a hosted agent's container asked for (runtime API, an emulator
// extension), and how they reach the caller (reference/foundry-agent-service.md §2.1, hosted
// emitters): when the container's answer returns, the items go into what the caller gets.
//
//   JSON   appended to `output`; `status` becomes "incomplete"
//   SSE    before the terminal event, per item `response.output_item.added` then
//          `response.output_item.done` ({type, sequence_number?, output_index, item}); a
//          terminal `response.completed` becomes `response.incomplete` (its response's status
//          "incomplete", the items appended to its output); `response.failed` and
//          `response.incomplete` keep their type. Sequence numbers, when the container sends
//          them, stay consecutive. A stream without a terminal event gets the items at its end.
//
// An answer that is not a JSON object (or an event stream whose data is not) is left as it is.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "toolauth/http/message.h"

namespace toolauth::emulator {

// {"type": "oauth_consent_request", "id": "oacr_<50 hex>", "created_by": {}, "consent_link",
//  "server_label"}: the id is 25 random bytes, as hosted emitters make them.
nlohmann::json oauth_consent_request_item(std::string consent_link, std::string server_label);

// A JSON response body with `items` inserted (unchanged when `items` is empty or the body is
// not a JSON object).
std::string with_consent_items(const std::string& body, const std::vector<nlohmann::json>& items);

// An event stream with `items` inserted before its terminal event.
std::vector<http::SseEvent> with_consent_items(std::vector<http::SseEvent> events,
                                               const std::vector<nlohmann::json>& items);

}  // namespace toolauth::emulator
