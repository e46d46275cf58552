#pragma once
// Strict JSON parsing for anything that arrives from outside (request bodies, fixtures):
// syntax errors carry line and column, nesting depth is bounded (a deeply nested document
// must not exhaust the stack), and duplicate object keys are refused (two parsers reading
// the same document differently is how smuggling starts).

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "toolauth/core/result.h"

namespace toolauth::core {

struct JsonLimits {
  std::size_t max_depth = 64;
  std::size_t max_bytes = 8 * 1024 * 1024;
};

// Errors: Errc::limit_exceeded for size or depth, Errc::parse_error for everything else
// (including invalid UTF-8 and duplicate keys); the detail gives line and column.
Result<nlohmann::json> parse_json(std::string_view text, const JsonLimits& limits = {});

}  // namespace toolauth::core
