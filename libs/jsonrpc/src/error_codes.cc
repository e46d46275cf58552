#include "toolauth/jsonrpc/error_codes.h"

namespace toolauth::jsonrpc {
namespace {

// `text` cut to at most kMaxEchoBytes without splitting a UTF-8 sequence: a cut in the
// middle of one would make the response unserialisable.
std::string_view clip(std::string_view text) {
  if (text.size() <= kMaxEchoBytes) return text;
  std::size_t end = kMaxEchoBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

RpcError standard(int code, std::string_view message, std::string_view detail) {
  RpcError error{.code = code, .message = std::string(message), .data = std::nullopt};
  if (!detail.empty()) {
    error.message += ": ";
    error.message += clip(detail);
  }
  return error;
}

}  // namespace

nlohmann::json to_json(const RpcError& error) {
  nlohmann::json out = {{"code", error.code}, {"message", error.message}};
  if (error.data) out["data"] = *error.data;
  return out;
}

RpcError parse_error(std::string_view detail) {
  return standard(kParseError, "Parse error", detail);
}

RpcError invalid_request(std::string_view detail) {
  return standard(kInvalidRequest, "Invalid Request", detail);
}

RpcError method_not_found(std::string_view method) {
  return standard(kMethodNotFound, "Method not found", method);
}

RpcError invalid_params(std::string_view detail) {
  return standard(kInvalidParams, "Invalid params", detail);
}

RpcError internal_error() { return standard(kInternalError, "Internal error", {}); }

std::string_view error_domain(Errc) { return "toolauth.jsonrpc"; }

std::string_view error_message(Errc e) {
  switch (e) {
    case Errc::invalid_json:
      return "not valid JSON";
    case Errc::limit_exceeded:
      return "JSON size or depth limit exceeded";
    case Errc::batch_not_allowed:
      return "batches are not allowed";
    case Errc::empty_batch:
      return "empty batch";
    case Errc::batch_too_large:
      return "batch too large";
    case Errc::not_an_object:
      return "message is not a JSON object";
    case Errc::bad_version:
      return "\"jsonrpc\" must be \"2.0\"";
    case Errc::bad_method:
      return "\"method\" must be a string";
    case Errc::bad_params:
      return "\"params\" must be an object or an array";
    case Errc::params_not_object:
      return "\"params\" must be an object";
    case Errc::bad_id:
      return "\"id\" must be a string or an integer";
    case Errc::null_id:
      return "\"id\" must not be null";
    case Errc::missing_id:
      return "response without \"id\"";
    case Errc::unknown_member:
      return "unknown member";
    case Errc::not_a_message:
      return "neither a request nor a response";
    case Errc::result_and_error:
      return "response with both \"result\" and \"error\"";
    case Errc::bad_error_object:
      return "\"error\" must have an integer \"code\" and a string \"message\"";
  }
  return "unknown jsonrpc error";
}

int rpc_code(Errc reason) {
  switch (reason) {
    case Errc::invalid_json:
    case Errc::limit_exceeded:
      return kParseError;
    case Errc::params_not_object:
      return kInvalidParams;
    default:
      return kInvalidRequest;
  }
}

}  // namespace toolauth::jsonrpc
