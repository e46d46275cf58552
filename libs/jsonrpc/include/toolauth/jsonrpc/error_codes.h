#pragma once
// JSON-RPC 2.0 error objects and the reasons this module refuses a message.
//
// Two layers, because they serve two readers:
// - RpcError is what goes on the wire: a code from the spec (or an application code), a short
//   message and optional data. The helpers build the standard ones with the spec's exact
//   message text ("Invalid Request"), optionally followed by ": <detail>".
// - Errc says precisely why the parser refused a message (bad_id, unknown_member, ...), so
//   callers and tests branch on the reason and logs can name it; rpc_code() maps each reason
//   to the JSON-RPC code to answer with.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "toolauth/core/error.h"

namespace toolauth::jsonrpc {

// The codes JSON-RPC 2.0 section 5.1 defines. -32000 to -32099 are left to servers.
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;

// An error object of a response. `data` is left to callers: the helpers below never set it.
struct RpcError {
  int code = kInternalError;
  std::string message{};
  std::optional<nlohmann::json> data{};

  bool operator==(const RpcError&) const = default;
};

// {"code": ..., "message": ..., "data": ...}, `data` only when present.
nlohmann::json to_json(const RpcError& error);

// Echoed text (a method name, a detail) is cut to this many bytes, on a UTF-8 character
// boundary, so a peer cannot make an error response larger than a few hundred bytes.
inline constexpr std::size_t kMaxEchoBytes = 256;

// {"code": -32700, "message": "Parse error"}, with ": <detail>" when one is given. Callers
// must not pass parser output: it can quote bytes of the input that are not valid UTF-8.
RpcError parse_error(std::string_view detail = {});
// -32600 "Invalid Request[: detail]".
RpcError invalid_request(std::string_view detail = {});
// -32601 "Method not found: <method>".
RpcError method_not_found(std::string_view method);
// -32602 "Invalid params[: detail]".
RpcError invalid_params(std::string_view detail = {});
// -32603 "Internal error", never with a detail: whatever went wrong inside stays inside.
RpcError internal_error();

// Why the parser refused a message (see parse.h). Registered as the "toolauth.jsonrpc"
// error category.
enum class Errc {
  invalid_json = 1,   // not JSON (syntax, invalid UTF-8, duplicate keys)
  limit_exceeded,     // body larger or nested deeper than core::JsonLimits
  batch_not_allowed,  // a JSON array while ParseOptions::allow_batch is off
  empty_batch,        // []
  batch_too_large,    // more elements than ParseOptions::max_batch_size
  not_an_object,      // a message (or batch element) that is not a JSON object
  bad_version,        // "jsonrpc" missing or not exactly "2.0"
  bad_method,         // "method" not a string
  bad_params,         // "params" neither object nor array
  params_not_object,  // "params" an array while ParseOptions::params_must_be_object is on
  bad_id,             // "id" not a string or an integer that fits in int64
  null_id,            // "id": null where it is not allowed
  missing_id,         // a response without "id"
  unknown_member,     // a top-level member the spec does not define
  not_a_message,      // none of "method", "result", "error"
  result_and_error,   // a response with both "result" and "error"
  bad_error_object,   // "error" without an integer "code" and a string "message"
};
std::string_view error_domain(Errc);
std::string_view error_message(Errc);
inline std::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), core::category_of<Errc>()};
}

// The JSON-RPC code to answer a message refused for `reason` with: kParseError for
// invalid_json and limit_exceeded (nothing was parsed), kInvalidParams for
// params_not_object (valid JSON-RPC, but not what this server accepts), kInvalidRequest
// for the rest.
int rpc_code(Errc reason);

}  // namespace toolauth::jsonrpc

template <>
struct std::is_error_code_enum<toolauth::jsonrpc::Errc> : std::true_type {};
