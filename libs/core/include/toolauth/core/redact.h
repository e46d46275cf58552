#pragma once
// Redaction of secrets before anything is logged or journalled. Two layers:
// 1. by name: values of fields, headers and query/form parameters whose name marks a secret
//    (access_token, client_secret, code, password, x-api-key, authorization, ...);
// 2. by shape: JWT-looking strings and `Bearer`/`Basic` credentials inside free text, so a
//    token that reached a message by accident is still never printed.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace toolauth::core {

inline constexpr std::string_view kRedacted = "[redacted]";

// Case-insensitive; '-' and '_' are treated alike.
bool is_sensitive_name(std::string_view name);

// `text` with JWT-shaped substrings, `Bearer`/`Basic` credentials and the values of
// sensitive `name=value` parameters replaced by kRedacted.
std::string redact_text(std::string_view text);

// A copy of `value` where sensitive keys have their value replaced and every string has
// gone through redact_text.
nlohmann::json redact_json(const nlohmann::json& value);
// The same, in place: no copy of the document, and strings are only rewritten when redaction
// changes them (journals redact every record on the request path).
void redact_json_in_place(nlohmann::json& value);

}  // namespace toolauth::core
