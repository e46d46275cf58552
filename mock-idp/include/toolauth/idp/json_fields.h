#pragma once
// Reading members of untrusted JSON (token claims, request bodies) without exceptions:
// nlohmann's value() throws when a member exists with another type.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace toolauth::idp {

// The member as a string, or "" when absent or not a string.
inline std::string string_field(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline std::optional<std::int64_t> integer_field(const nlohmann::json& object,
                                                 std::string_view key) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

}  // namespace toolauth::idp
