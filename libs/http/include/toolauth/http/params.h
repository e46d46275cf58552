#pragma once
// Query strings and application/x-www-form-urlencoded bodies (parsed with Boost.URL).
// OAuth forbids repeating a request parameter (RFC 6749 §3.1), so Params keeps every
// occurrence and `first_repeated` tells a handler to answer invalid_request.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "toolauth/core/result.h"

namespace toolauth::http {

class Params {
 public:
  using Item = std::pair<std::string, std::string>;

  Params() = default;
  Params(std::initializer_list<Item> items) : items_(items) {}

  void add(std::string name, std::string value);
  // The first value of `name`.
  std::optional<std::string_view> get(std::string_view name) const;
  std::string get_or(std::string_view name, std::string_view fallback) const;
  std::vector<std::string_view> get_all(std::string_view name) const;
  std::size_t count(std::string_view name) const;
  bool has(std::string_view name) const { return count(name) > 0; }
  // The name of the first parameter that occurs more than once, if any.
  std::optional<std::string> first_repeated() const;

  const std::vector<Item>& items() const { return items_; }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<Item> items_;
};

// '+' decodes to a space in both, as browsers send forms either way. Errors:
// Errc::malformed_query for invalid percent-encoding.
core::Result<Params> parse_query(std::string_view query);
core::Result<Params> parse_form(std::string_view body);

// "a=1&b=x+y" with every name and value percent-encoded for a form body or query.
std::string encode_form(const Params& params);
// `url` with `params` appended to its query (after any existing parameters, before any
// fragment). Errors: Errc::invalid_url.
core::Result<std::string> append_query(std::string_view url, const Params& params);

// Percent-decodes one path segment. Errors: Errc::malformed_query.
core::Result<std::string> decode_path_segment(std::string_view segment);

}  // namespace toolauth::http
