// Fuzz target: JSON-RPC 2.0 decoding (jsonrpc::parse_message) with MCP's options (no batches,
// no null ids, object params) and with JSON-RPC's own (batches, null ids). Beyond "no crash":
// every message accepted serialises to text that parses back to the same message, and every
// refused one has an error response that serialises and parses as a response.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "toolauth/jsonrpc/parse.h"

namespace jsonrpc = toolauth::jsonrpc;

namespace {

template <class Message>
void check_round_trip(const Message& message, const jsonrpc::ParseOptions& options) {
  auto again = jsonrpc::parse_message(jsonrpc::serialize(message), options);
  if (again.batch || again.messages.size() != 1) std::abort();
  const auto* same = std::get_if<Message>(&again.messages.front());
  if (same == nullptr || !(*same == message)) std::abort();
}

void check(std::string_view input, const jsonrpc::ParseOptions& options) {
  const auto parsed = jsonrpc::parse_message(input, options);
  if (parsed.messages.empty()) std::abort();
  if (parsed.batch && (!options.allow_batch || parsed.messages.size() > options.max_batch_size))
    std::abort();
  for (const auto& message : parsed.messages) {
    if (const auto* request = std::get_if<jsonrpc::Request>(&message)) {
      if (options.params_must_be_object && request->params && !request->params->is_object())
        std::abort();
      check_round_trip(*request, options);
    } else if (const auto* response = std::get_if<jsonrpc::Response>(&message)) {
      check_round_trip(*response, options);
    } else {
      const auto answer = jsonrpc::error_response(std::get<jsonrpc::Invalid>(message));
      if (!answer.is_error()) std::abort();
      check_round_trip(answer, options);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check(input, {.params_must_be_object = true});
  check(input, {.allow_batch = true, .allow_null_id = true});
  return 0;
}
