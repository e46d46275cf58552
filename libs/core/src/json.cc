#include "toolauth/core/json.h"

#include <string>
#include <utility>
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

// nlohmann's DOM builder (its json_sax_dom_parser), refusing a repeated key: each object is
// looked up as its members are added, so no set of seen keys is kept beside it. (nlohmann's
// parser callback sees every key too, but a parse with it costs 1.7 times as much.)
class StrictDomBuilder {
 public:
  using json = nlohmann::json;
  explicit StrictDomBuilder(json& root) : root_(root) {}

  bool null() { return add(nullptr); }
  bool boolean(bool value) { return add(value); }
  bool number_integer(json::number_integer_t value) { return add(value); }
  bool number_unsigned(json::number_unsigned_t value) { return add(value); }
  bool number_float(json::number_float_t value, const std::string&) { return add(value); }
  bool string(std::string& value) { return add(value); }
  bool binary(json::binary_t& value) { return add(json::binary(std::move(value))); }
  bool start_object(std::size_t) {
    open_.push_back(place(json::object()));
    return true;
  }
  bool key(std::string& name) {
    auto& members = open_.back()->get_ref<json::object_t&>();
    auto [member, added] = members.try_emplace(name);
    if (!added) throw DuplicateKey{name};
    member_ = &member->second;
    return true;
  }
  bool end_object() {
    open_.pop_back();
    return true;
  }
  bool start_array(std::size_t) {
    open_.push_back(place(json::array()));
    return true;
  }
  bool end_array() {
    open_.pop_back();
    return true;
  }
  // The parse_error or out_of_range (a number beyond double's range) exception, as the DOM
  // parser throws it.
  template <class Exception>
  bool parse_error(std::size_t, const std::string&, const Exception& error) {
    throw error;
  }

 private:
  template <class Value>
  bool add(Value&& value) {
    place(json(std::forward<Value>(value)));
    return true;
  }
  // Where a new value goes: the root, the end of the open array, or the member just named.
  json* place(json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    if (open_.back()->is_array()) {
      auto& items = open_.back()->get_ref<json::array_t&>();
      items.push_back(std::move(value));
      return &items.back();
    }
    *member_ = std::move(value);
    return member_;
  }

  json& root_;
  std::vector<json*> open_;  // the arrays and objects being filled, innermost last
  json* member_ = nullptr;   // the member of the innermost object named by the last key
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
  try {
    nlohmann::json parsed;
    StrictDomBuilder builder(parsed);
    nlohmann::json::sax_parse(text.begin(), text.end(), &builder);
    return parsed;
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
