#include "toolauth/core/redact.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace toolauth::core {
namespace {

// ASCII only, without the locale lookup of std::tolower: this runs for every character of
// every journalled string.
char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Names up to this length are normalised on the stack; longer ones in a string.
constexpr std::size_t kShortName = 64;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_base64url(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

bool is_token_char(char c) {
  return is_base64url(c) || c == '.' || c == '~' || c == '+' || c == '/' || c == '=';
}

// Length of a JWS/JWE compact serialisation starting at `text[pos]` ("eyJ" + two or more
// dot-separated base64url segments), or 0 when there is none.
std::size_t jwt_length_at(std::string_view text, std::size_t pos) {
  if (text.substr(pos, 3) != "eyJ") return 0;
  std::size_t end = pos;
  int dots = 0;
  while (end < text.size() && (is_base64url(text[end]) || text[end] == '.')) {
    if (text[end] == '.') ++dots;
    ++end;
  }
  return dots >= 2 ? end - pos : 0;
}

bool starts_with_icase(std::string_view text, std::size_t pos, std::string_view word) {
  if (text.size() - pos < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (lower_ascii(text[pos + i]) != word[i]) return false;
  }
  return true;
}

// If `name=` ends at `eq`, returns the name (the run of name characters before '=').
std::string_view parameter_name_before(std::string_view text, std::size_t eq) {
  std::size_t begin = eq;
  while (begin > 0 && (is_base64url(text[begin - 1]))) --begin;
  if (begin == eq) return {};
  if (begin > 0 &&
      std::string_view("?& \t\"'(,;\n").find(text[begin - 1]) == std::string_view::npos)
    return {};
  return text.substr(begin, eq - begin);
}

// Whether redact_text could change `text`: it holds a JWT start, a Bearer/Basic scheme, or a
// `name=` / `name:` whose name is sensitive. Most journalled strings (URLs, hosts, media
// types, methods) hold none of them and are passed over in one cheap scan.
bool may_hold_secret(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '=' || c == ':') {
      const auto name = parameter_name_before(text, i);
      if (!name.empty() && is_sensitive_name(name)) return true;
      continue;
    }
    if (c == 'e' && text.substr(i, 3) == "eyJ") return true;
    if ((c == 'b' || c == 'B') &&
        (starts_with_icase(text, i, "bearer ") || starts_with_icase(text, i, "basic ")))
      return true;
  }
  return false;
}

}  // namespace

bool is_sensitive_name(std::string_view raw_name) {
  // Normalised into a buffer on the stack: no allocation for the names journals see.
  char buffer[kShortName];
  std::string long_name;
  std::string_view name;
  if (raw_name.size() <= kShortName) {
    for (std::size_t i = 0; i < raw_name.size(); ++i) {
      const char c = lower_ascii(raw_name[i]);
      buffer[i] = c == '-' ? '_' : c;
    }
    name = std::string_view(buffer, raw_name.size());
  } else {
    long_name.reserve(raw_name.size());
    for (char c : raw_name) long_name.push_back(lower_ascii(c) == '-' ? '_' : lower_ascii(c));
    name = long_name;
  }
  static constexpr std::array<std::string_view, 8> kExact = {
      "token",           "code", "device_code", "user_code", "code_verifier", "x_identity_header",
      "identity_header", "sig"};
  if (std::find(kExact.begin(), kExact.end(), name) != kExact.end()) return true;
  static constexpr std::array<std::string_view, 4> kSuffixes = {"_token", "secret", "password",
                                                                "key"};
  for (auto suffix : kSuffixes) {
    if (ends_with(name, suffix)) return true;
  }
  static constexpr std::array<std::string_view, 4> kContains = {"assertion", "authorization",
                                                                "cookie", "credential"};
  for (auto part : kContains) {
    if (name.find(part) != std::string_view::npos) return true;
  }
  return false;
}

std::string redact_text(std::string_view text) {
  if (!may_hold_secret(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (auto n = jwt_length_at(text, i); n > 0) {
      out += kRedacted;
      i += n;
      continue;
    }
    bool scheme = false;
    for (std::string_view word : {std::string_view("bearer "), std::string_view("basic ")}) {
      if (starts_with_icase(text, i, word) && (i == 0 || !is_base64url(text[i - 1]))) {
        std::size_t end = i + word.size();
        while (end < text.size() && is_token_char(text[end])) ++end;
        if (end > i + word.size()) {
          out.append(text.substr(i, word.size()));
          out += kRedacted;
          i = end;
          scheme = true;
        }
        break;
      }
    }
    if (scheme) continue;
    out.push_back(text[i]);
    if (text[i] == '=' || text[i] == ':') {
      const auto name = parameter_name_before(text, i);
      if (!name.empty() && is_sensitive_name(name)) {
        std::size_t end = i + 1;
        while (end < text.size() && text[end] == ' ' && text[i] == ':') ++end;
        // `name=value` ends at the next parameter separator; a header-style `name: value`
        // runs to the end of the line, so "Authorization: Bearer x" loses scheme and token.
        const std::string_view stops = text[i] == '=' ? "& \t\"'#),;\n" : "\"',;\r\n";
        std::size_t value_end = end;
        while (value_end < text.size() && stops.find(text[value_end]) == std::string_view::npos)
          ++value_end;
        if (value_end > end) {
          out.append(text.substr(i + 1, end - i - 1));
          out += kRedacted;
          i = value_end;
          continue;
        }
      }
    }
    ++i;
  }
  return out;
}

nlohmann::json redact_json(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [key, item] : value.items()) {
        const bool secret = is_sensitive_name(key) && !item.is_null() && !item.is_boolean() &&
                            !(item.is_string() && item.get_ref<const std::string&>().empty());
        out[key] = secret ? nlohmann::json(kRedacted) : redact_json(item);
      }
      return out;
    }
    case nlohmann::json::value_t::array: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : value) out.push_back(redact_json(item));
      return out;
    }
    case nlohmann::json::value_t::string:
      return redact_text(value.get_ref<const std::string&>());
    default:
      return value;
  }
}

void redact_json_in_place(nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object:
      for (auto& [key, item] : value.items()) {
        const bool secret = !item.is_null() && !item.is_boolean() &&
                            !(item.is_string() && item.get_ref<const std::string&>().empty()) &&
                            is_sensitive_name(key);
        if (secret) {
          item = kRedacted;
        } else {
          redact_json_in_place(item);
        }
      }
      return;
    case nlohmann::json::value_t::array:
      for (auto& item : value) redact_json_in_place(item);
      return;
    case nlohmann::json::value_t::string: {
      auto& text = value.get_ref<std::string&>();
      if (!may_hold_secret(text)) return;
      auto redacted = redact_text(text);
      if (redacted != text) text = std::move(redacted);
      return;
    }
    default:
      return;
  }
}

}  // namespace toolauth::core
