#include "toolauth/mcp/request_record.h"

#include "toolauth/core/redact.h"

namespace toolauth::mcp {

std::vector<http::Headers::Field> RequestRecord::kept_headers(const http::Headers& headers,
                                                              std::string_view session_header) {
  std::vector<http::Headers::Field> kept;
  kept.reserve(headers.fields().size());
  for (const auto& [name, value] : headers.fields()) {
    if (http::iequals(name, session_header)) continue;
    // As core::redact_json_in_place treats a member: a sensitive name loses a non-empty value,
    // any other value loses what looks like a credential.
    if (!value.empty() && core::is_sensitive_name(name)) {
      kept.emplace_back(name, core::kRedacted);
    } else {
      kept.emplace_back(name, core::redact_text(value));
    }
  }
  return kept;
}

nlohmann::json RequestRecord::render() const {
  nlohmann::json header_object = nlohmann::json::object();
  for (const auto& [name, value] : headers) header_object[name] = value;
  nlohmann::json fields = nlohmann::json::object();
  fields["mount"] = mount;
  fields["http_method"] = http_method;
  fields["status"] = status;
  fields["auth"] = to_string(auth);
  fields["outcome"] = allowed ? "allowed" : "denied";
  fields["reason"] = reason;
  fields["principal"] = principal ? principal->to_json() : Principal().to_json();
  fields["headers"] = std::move(header_object);
  if (session) fields["session"] = *session;
  if (rpc) fields["rpc"] = *rpc;
  if (!tool.empty()) fields["tool"] = tool;
  if (fault) fields["fault"] = true;
  return fields;
}

}  // namespace toolauth::mcp
