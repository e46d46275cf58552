#include "toolauth/core/json.h"

#include <set>
#include <string>
#include <vector>

namespace toolauth::core {
namespace {

// Line and column (both 1-based) of byte offset `offset`.
std::string position_of(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Deepest nesting of arrays and objects, counted outside strings. Returns the offset of the
// first bracket that goes past `max_depth`, or npos.
std::size_t find_excess_depth(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return i;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

struct DuplicateKey {
  std::string key;
};

}  // namespace

Result<nlohmann::json> parse_json(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Error{Errc::limit_exceeded, "JSON document of " + std::to_string(text.size()) +
                                           " bytes exceeds " + std::to_string(limits.max_bytes)};
  }
  if (auto at = find_excess_depth(text, limits.max_depth); at != std::string_view::npos) {
    return Error{Errc::limit_exceeded, "JSON nesting deeper than " +
                                           std::to_string(limits.max_depth) + " at " +
                                           position_of(text, at)};
  }
  // One set of keys per open object; a repeated key aborts the parse.
  std::vector<std::set<std::string>> open_objects;
  auto on_event = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) {
      open_objects.emplace_back();
    } else if (event == Event::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == Event::key && !open_objects.empty()) {
      auto key = parsed.get<std::string>();
      if (!open_objects.back().insert(key).second) throw DuplicateKey{std::move(key)};
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), on_event);
  } catch (const nlohmann::json::parse_error& e) {
    std::string reason = e.what();
    // nlohmann prefixes "[json.exception.parse_error.101] parse error at line L, column C: ".
    if (auto colon = reason.find(": "); colon != std::string::npos) reason.erase(0, colon + 2);
    return Error{Errc::parse_error,
                 position_of(text, e.byte == 0 ? 0 : e.byte - 1) + ": " + reason};
  } catch (const nlohmann::json::out_of_range& e) {
    // A number beyond double's range (1e999): nlohmann reports it as out_of_range.406, not as a
    // parse_error, and without a position.
    std::string reason = e.what();
    if (auto bracket = reason.find("] "); bracket != std::string::npos)
      reason.erase(0, bracket + 2);
    return Error{Errc::parse_error, reason};
  } catch (const DuplicateKey& e) {
    return Error{Errc::parse_error, "duplicate object key \"" + e.key + "\""};
  }
}

}  // namespace toolauth::core
