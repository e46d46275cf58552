#pragma once
// Parsing of received JSON-RPC 2.0 messages, strictly, by either side of a connection: a
// server receives requests, notifications and responses to its own requests (MCP servers
// ask clients for sampling and elicitation), a client receives all three as well.
//
// Parsing never fails as a whole: every message, or batch element, comes out as a Request,
// a Response, or an Invalid that carries the error response to send back and the exact
// reason (Errc). Rules (JSON-RPC 2.0, plus what MCP adds):
// - the body is strict JSON (core::parse_json: size and depth limits, no duplicate keys);
//   otherwise one Invalid with -32700 and a null id;
// - "jsonrpc" is exactly "2.0"; no top-level member beyond jsonrpc/method/params/id
//   (requests) or jsonrpc/id/result/error (responses);
// - "method" is a string; "params", when present, an object or an array (only an object
//   with params_must_be_object, as MCP sends);
// - "id" is a string or an integer within int64: never a fraction, a boolean, an object;
//   null only in error responses, or with allow_null_id (MCP forbids null ids);
// - a response has an "id" and exactly one of "result" and "error", and "error" has an
//   integer "code", a string "message" and optionally "data";
// - a JSON array is a batch only with allow_batch (MCP 2025-03-26 had batches, 2025-06-18
//   removed them); otherwise, or when empty or longer than max_batch_size, it is one
//   Invalid Request.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "toolauth/core/error.h"
#include "toolauth/core/json.h"
#include "toolauth/jsonrpc/error_codes.h"
#include "toolauth/jsonrpc/message.h"

namespace toolauth::jsonrpc {

// The defaults are MCP 2025-06-18: no batches, no null ids.
struct ParseOptions {
  bool allow_batch = false;
  bool allow_null_id = false;
  // Refuse array params with -32602 (MCP's params are always objects).
  bool params_must_be_object = false;
  core::JsonLimits limits{};
  std::size_t max_batch_size = 100;
};

// A message, or batch element, that was refused.
struct Invalid {
  // The error to answer with (see error_response()).
  RpcError error{};
  // The message's "id" when it could be read.
  std::optional<Id> id{};
  // It had "result" or "error" and no "method": a malformed response. A client can fail
  // the pending request `id` with it; a server answers it with a null id, since echoing the
  // id back would look like an answer to the peer's own request of that id.
  bool looks_like_response = false;
  // Errc, and a detail for logs. The detail can quote the input (the parser's message for
  // invalid JSON): it is never sent to the peer, and goes to logs only through redaction.
  core::Error reason{};
};

using Incoming = std::variant<Request, Response, Invalid>;

// What one body held. Not a batch: exactly one message. A batch: one entry per element,
// in order.
struct Parsed {
  std::vector<Incoming> messages{};
  bool batch = false;
};

// Parses a received body (an HTTP request body, one line of stdio).
Parsed parse_message(std::string_view body, const ParseOptions& options = {});
// The same for an already-parsed JSON value (the size and depth limits are not applied:
// they were the business of whoever parsed it).
Parsed parse_value(nlohmann::json value, const ParseOptions& options = {});
// Exactly one message, e.g. the data of one SSE event; an array is Errc::not_an_object.
Incoming parse_incoming(nlohmann::json value, const ParseOptions& options = {});

// The error response a server sends for `invalid`: its error, and its id unless the id
// could not be read or the message looked like a response (then null).
Response error_response(const Invalid& invalid);

}  // namespace toolauth::jsonrpc
