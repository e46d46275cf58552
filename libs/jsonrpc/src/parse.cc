#include "toolauth/jsonrpc/parse.h"

#include <array>
#include <limits>
#include <string>
#include <utility>

namespace toolauth::jsonrpc {
namespace {

using nlohmann::json;

// A member name or similar piece of input, quoted for a detail. Long ones are described
// rather than quoted, so the detail stays short and no UTF-8 sequence is cut.
std::string quote(std::string_view text) {
  constexpr std::size_t kMaxQuoted = 64;
  if (text.size() > kMaxQuoted) return "(a " + std::to_string(text.size()) + "-byte name)";
  return serialize(json(text));
}

struct Refusal {
  std::optional<Id> id;
  bool looks_like_response = false;

  // `extra` must not quote the input beyond what quote() allows unless the reason is
  // invalid_json, whose detail is kept out of the response.
  Invalid operator()(Errc reason, std::string extra = {}) const {
    std::string detail(error_message(reason));
    if (!extra.empty()) detail += ": " + extra;
    RpcError error;
    switch (rpc_code(reason)) {
      case kParseError:
        // The parser's message can quote invalid input; the peer gets the bare code.
        error = reason == Errc::invalid_json ? parse_error() : parse_error(detail);
        break;
      case kInvalidParams:
        error = invalid_params(detail);
        break;
      default:
        error = invalid_request(detail);
        break;
    }
    return Invalid{.error = std::move(error),
                   .id = id,
                   .looks_like_response = looks_like_response,
                   .reason = core::Error{reason, std::move(extra)}};
  }
};

bool is_one_of(std::string_view key, const std::array<std::string_view, 4>& allowed) {
  for (std::string_view a : allowed) {
    if (key == a) return true;
  }
  return false;
}

constexpr std::array<std::string_view, 4> kRequestMembers = {"jsonrpc", "method", "params", "id"};
constexpr std::array<std::string_view, 4> kResponseMembers = {"jsonrpc", "id", "result", "error"};

// The "error" member of a response, or nullopt when it is malformed (`why` says how).
std::optional<RpcError> read_error_object(json& value, std::string& why) {
  if (!value.is_object()) {
    why = std::string("error is ") + value.type_name();
    return std::nullopt;
  }
  RpcError error;
  auto code = value.find("code");
  if (code == value.end() || !code->is_number_integer()) {
    why = "missing or non-integer code";
    return std::nullopt;
  }
  // Compare in the type nlohmann holds: non-negative integers are unsigned.
  const bool fits = code->is_number_unsigned()
                        ? code->get<std::uint64_t>() <=
                              static_cast<std::uint64_t>(std::numeric_limits<int>::max())
                        : code->get<std::int64_t>() >= std::numeric_limits<int>::min() &&
                              code->get<std::int64_t>() <= std::numeric_limits<int>::max();
  if (!fits) {
    why = "code out of range";
    return std::nullopt;
  }
  error.code = static_cast<int>(code->get<std::int64_t>());
  auto message = value.find("message");
  if (message == value.end() || !message->is_string()) {
    why = "missing or non-string message";
    return std::nullopt;
  }
  error.message = std::move(message->get_ref<std::string&>());
  for (auto& [key, member] : value.items()) {
    if (key == "data") {
      error.data = std::move(member);
    } else if (key != "code" && key != "message") {
      why = "unknown member " + quote(key);
      return std::nullopt;
    }
  }
  return error;
}

Incoming parse_one(json&& value, const ParseOptions& options) {
  if (!value.is_object()) {
    return Refusal{}(Errc::not_an_object, std::string("got ") + value.type_name());
  }
  const bool has_method = value.contains("method");
  Refusal refuse{
      .id = std::nullopt,
      .looks_like_response = !has_method && (value.contains("result") || value.contains("error"))};

  // The id first, so every later refusal can carry it.
  bool null_id = false;
  std::optional<core::Error> bad_id;
  const auto id_member = value.find("id");
  if (id_member != value.end()) {
    auto id = id_from_json(*id_member);
    if (id.ok()) {
      refuse.id = std::move(*id);
    } else if (id.code() == Errc::null_id) {
      null_id = true;
    } else {
      bad_id = id.error();
    }
  }

  const auto version = value.find("jsonrpc");
  if (version == value.end()) return refuse(Errc::bad_version, "missing");
  if (!version->is_string() || version->get_ref<const std::string&>() != "2.0") {
    return refuse(Errc::bad_version);
  }
  if (bad_id) return refuse(Errc::bad_id, bad_id->detail);

  const auto& allowed = has_method ? kRequestMembers : kResponseMembers;
  for (const auto& [key, member] : value.items()) {
    if (!is_one_of(key, allowed)) return refuse(Errc::unknown_member, quote(key));
  }

  if (has_method) {
    auto method = value.find("method");
    if (!method->is_string()) {
      return refuse(Errc::bad_method, std::string("method is ") + method->type_name());
    }
    Request request;
    request.method = std::move(method->get_ref<std::string&>());
    if (auto params = value.find("params"); params != value.end()) {
      if (!params->is_object() && !params->is_array()) {
        return refuse(Errc::bad_params, std::string("params is ") + params->type_name());
      }
      if (options.params_must_be_object && !params->is_object()) {
        return refuse(Errc::params_not_object);
      }
      request.params = std::move(*params);
    }
    if (null_id && !options.allow_null_id) return refuse(Errc::null_id);
    request.id = refuse.id;
    request.null_id = null_id;
    return request;
  }

  if (!refuse.looks_like_response) return refuse(Errc::not_a_message);
  if (id_member == value.end()) return refuse(Errc::missing_id);
  auto result = value.find("result");
  auto error = value.find("error");
  if (result != value.end() && error != value.end()) return refuse(Errc::result_and_error);
  if (result != value.end()) {
    // A null id is how a server answers what it could not read: that answer is an error.
    if (null_id && !options.allow_null_id) return refuse(Errc::null_id, "in a result");
    return Response{.id = refuse.id, .outcome = std::move(*result)};
  }
  std::string why;
  auto rpc_error = read_error_object(*error, why);
  if (!rpc_error) return refuse(Errc::bad_error_object, why);
  return Response{.id = refuse.id, .outcome = std::move(*rpc_error)};
}

Parsed single(Incoming message) {
  Parsed parsed;
  parsed.messages.push_back(std::move(message));
  return parsed;
}

}  // namespace

Parsed parse_message(std::string_view body, const ParseOptions& options) {
  auto value = core::parse_json(body, options.limits);
  if (!value.ok()) {
    const Errc reason =
        value.code() == core::Errc::limit_exceeded ? Errc::limit_exceeded : Errc::invalid_json;
    return single(Refusal{}(reason, value.error().detail));
  }
  return parse_value(std::move(*value), options);
}

Parsed parse_value(nlohmann::json value, const ParseOptions& options) {
  if (!value.is_array()) return single(parse_one(std::move(value), options));
  if (!options.allow_batch) return single(Refusal{}(Errc::batch_not_allowed));
  if (value.empty()) return single(Refusal{}(Errc::empty_batch));
  if (value.size() > options.max_batch_size) {
    return single(Refusal{}(Errc::batch_too_large, std::to_string(value.size()) +
                                                       " elements, at most " +
                                                       std::to_string(options.max_batch_size)));
  }
  Parsed parsed{.messages = {}, .batch = true};
  parsed.messages.reserve(value.size());
  for (auto& element : value) parsed.messages.push_back(parse_one(std::move(element), options));
  return parsed;
}

Incoming parse_incoming(nlohmann::json value, const ParseOptions& options) {
  return parse_one(std::move(value), options);
}

Response error_response(const Invalid& invalid) {
  return Response{.id = invalid.looks_like_response ? std::nullopt : invalid.id,
                  .outcome = invalid.error};
}

}  // namespace toolauth::jsonrpc
