// Fuzz target: query strings and application/x-www-form-urlencoded bodies (http::parse_query,
// parse_form) and path-segment decoding. Beyond "no crash": what parses re-encodes
// (encode_form) into text that parses back to the same parameters, in the same order, and
// Params::first_repeated agrees with a count of the names.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "toolauth/http/params.h"

namespace http = toolauth::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto params = http::parse_form(input); params.ok()) {
    auto again = http::parse_form(http::encode_form(*params));
    if (!again.ok() || again->items() != params->items()) std::abort();
    bool repeated = false;
    for (const auto& [name, value] : params->items()) repeated |= params->count(name) > 1;
    if (repeated != params->first_repeated().has_value()) std::abort();
    if (auto url = http::append_query("https://localhost/cb?x=1#frag", *params); url.ok()) {
      const auto query = url->substr(url->find('?') + 1, url->find('#') - url->find('?') - 1);
      auto appended = http::parse_query(query);
      if (!appended.ok() || appended->items().size() != params->items().size() + 1) std::abort();
    }
  }
  if (auto segment = http::decode_path_segment(input); segment.ok()) {
    if (segment->size() > input.size()) std::abort();
  }
  return 0;
}
