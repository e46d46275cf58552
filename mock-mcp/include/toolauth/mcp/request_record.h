#pragma once
// What the journal keeps of one request to a mount (its "mcp" entry), as plain values: one is
// made for every request, and the JSON is built only when the admin journal is read.
//
//   {"mount", "http_method", "status", "auth", "outcome": "allowed"|"denied", "reason",
//    "principal": Principal::to_json(), "headers": {name: value},
//    "session": short hash of Mcp-Session-Id (when sent),
//    "rpc": [JSON-RPC methods, "(response)" for a response] and "tool" (when parsed),
//    "fault": true (when an injected fault answered)}
//
// A repeated header keeps its last value. The record never holds a secret: credential
// headers are redacted when it is made (the session id, a capability, is only hashed).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/http/headers.h"
#include "toolauth/mcp/principal.h"
#include "toolauth/service/journal.h"

namespace toolauth::mcp {

struct RequestRecord final : service::JournalFields {
  std::string mount;
  std::string http_method;
  int status = 0;
  AuthKind auth = AuthKind::none;
  bool allowed = false;
  std::string reason;
  std::shared_ptr<const Principal> principal;  // null renders as the anonymous principal
  std::vector<http::Headers::Field> headers;   // already redacted, without Mcp-Session-Id
  std::optional<std::string> session;          // short hash of the session id
  std::optional<std::vector<std::string>> rpc;
  std::string tool;  // empty: none
  bool fault = false;

  // `headers` as the record keeps them: minus `session_header`, each credential redacted
  // (core::redact_json's rules for a {name: value} object, applied now rather than on read).
  static std::vector<http::Headers::Field> kept_headers(const http::Headers& headers,
                                                        std::string_view session_header);

  nlohmann::json render() const override;
};

}  // namespace toolauth::mcp
