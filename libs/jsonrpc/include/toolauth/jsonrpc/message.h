#pragma once
// JSON-RPC 2.0 messages as values, and their serialisation.
//
// Ids are a string or an integer and keep their type: "1" and 1 are different ids, and an
// integer id round-trips exactly across the whole int64 range. JSON null as an id exists only
// where the spec needs it: in a response answering something whose id could not be read
// (Response::id nullopt), and, for peers that are not MCP, in a request when
// ParseOptions::allow_null_id is on (Request::null_id). MCP forbids null ids in requests.
//
// Building messages to send:
//   Request ping{.method = "ping", .id = Id{std::int64_t{1}}};
//   Request note{.method = "notifications/initialized"};
//   Response ok{.id = request.id, .outcome = nlohmann::json::object()};
//   std::string body = serialize(ping);

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "toolauth/core/result.h"
#include "toolauth/jsonrpc/error_codes.h"

namespace toolauth::jsonrpc {

using Id = std::variant<std::int64_t, std::string>;

nlohmann::json id_to_json(const Id& id);
// The id in `value`. Errors: Errc::null_id for null, Errc::bad_id for anything else that is
// not a string or an integer within int64 (1.0, 1e3, true, {}, 2^63 are all refused).
core::Result<Id> id_from_json(const nlohmann::json& value);
// For logs: 7 for an integer, "7" (with the quotes) for a string, so the two stay apart.
std::string id_to_string(const Id& id);

// The result of a call: the `result` value, or the `error` object.
using Outcome = std::variant<nlohmann::json, RpcError>;

// A request, or a notification when it has no id.
struct Request {
  std::string method;
  std::optional<nlohmann::json> params{};  // an object or an array when present
  std::optional<Id> id{};
  // "id": null (only parsed with ParseOptions::allow_null_id): not a notification; the
  // response carries a null id.
  bool null_id = false;

  bool is_notification() const { return !id && !null_id; }
  bool operator==(const Request&) const = default;
};

struct Response {
  // nullopt serialises as null: only for errors answering a message whose id could not be
  // read (parse errors, invalid requests), or a request that had a null id.
  std::optional<Id> id{};
  Outcome outcome{};

  bool is_error() const { return outcome.index() == 1; }
  // Preconditions: !is_error() and is_error() respectively.
  const nlohmann::json& result() const { return std::get<0>(outcome); }
  const RpcError& error() const { return std::get<1>(outcome); }
  bool operator==(const Response&) const = default;
};

// {"jsonrpc": "2.0", "method": ..., "params": ... (when present), "id": ... (when present)}.
nlohmann::json to_json(const Request& request);
// {"jsonrpc": "2.0", "id": ..., "result": ...} or {..., "error": {...}}.
nlohmann::json to_json(const Response& response);

// Compact JSON text. Content never makes it throw: strings that are not valid UTF-8 (a
// handler's result can hold anything) are written with U+FFFD in place of the bad bytes,
// where nlohmann's dump() would throw.
std::string serialize(const nlohmann::json& message);
std::string serialize(const Request& request);
std::string serialize(const Response& response);

}  // namespace toolauth::jsonrpc
