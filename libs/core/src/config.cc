#include "toolauth/core/config.h"

#include <fstream>
#include <sstream>

#include "toolauth/core/json.h"

namespace toolauth::core {

std::string ConfigProblem::to_string() const {
  return source + ": " + (path.empty() ? "/" : path) + ": " + message;
}

Result<nlohmann::json> load_json_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{Errc::io_error, file.string() + ": cannot be read"};
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = parse_json(text.str());
  if (!parsed.ok())
    return Error{Errc::config_invalid, file.string() + ": " + parsed.error().detail};
  return parsed;
}

std::string json_pointer_append(std::string_view pointer, std::string_view token) {
  std::string out(pointer);
  out.push_back('/');
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

ConfigNode::ConfigNode(ConfigReader* reader, const nlohmann::json* value, std::string path)
    : reader_(reader),
      value_(value),
      path_(std::move(path)),
      seen_(std::make_shared<std::set<std::string, std::less<>>>()) {}

bool ConfigNode::has(std::string_view key) const { return member(key) != nullptr; }

const nlohmann::json* ConfigNode::member(std::string_view key) const {
  if (!value_->is_object()) return nullptr;
  seen_->emplace(key);
  auto it = value_->find(key);
  return it == value_->end() ? nullptr : &*it;
}

void ConfigNode::problem(std::string message, std::string_view key) const {
  ConfigProblem p{reader_->source_, key.empty() ? path_ : json_pointer_append(path_, key),
                  std::move(message)};
  for (const auto& known : reader_->problems_) {
    if (known.path == p.path && known.message == p.message) return;
  }
  reader_->problems_.push_back(std::move(p));
}

namespace {
template <class T>
constexpr std::string_view type_name() {
  if constexpr (std::is_same_v<T, std::string>) return "a string";
  if constexpr (std::is_same_v<T, bool>) return "a boolean";
  if constexpr (std::is_same_v<T, std::int64_t>) return "an integer";
  if constexpr (std::is_same_v<T, double>) return "a number";
  if constexpr (std::is_same_v<T, std::vector<std::string>>) return "an array of strings";
  return "a value";
}
}  // namespace

template <class T>
std::optional<T> ConfigNode::convert(const nlohmann::json& value, std::string_view key) const {
  bool fits = false;
  if constexpr (std::is_same_v<T, std::string>) fits = value.is_string();
  if constexpr (std::is_same_v<T, bool>) fits = value.is_boolean();
  if constexpr (std::is_same_v<T, std::int64_t>) fits = value.is_number_integer();
  if constexpr (std::is_same_v<T, double>) fits = value.is_number();
  if constexpr (std::is_same_v<T, nlohmann::json>) fits = true;
  if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    fits = value.is_array();
    for (const auto& item : value) fits = fits && item.is_string();
  }
  if (!fits) {
    problem("expected " + std::string(type_name<T>()), key);
    return std::nullopt;
  }
  return value.get<T>();
}

template <class T>
std::optional<T> ConfigNode::required(std::string_view key) const {
  if (!value_->is_object()) {
    problem("expected an object");
    return std::nullopt;
  }
  const auto* value = member(key);
  if (value == nullptr) {
    problem("is required", key);
    return std::nullopt;
  }
  return convert<T>(*value, key);
}

template <class T>
T ConfigNode::optional(std::string_view key, T fallback) const {
  const auto* value = member(key);
  if (value == nullptr) return fallback;
  auto converted = convert<T>(*value, key);
  return converted ? std::move(*converted) : std::move(fallback);
}

#define TOOLAUTH_CONFIG_INSTANTIATE(T)                                           \
  template std::optional<T> ConfigNode::required<T>(std::string_view key) const; \
  template T ConfigNode::optional<T>(std::string_view key, T fallback) const;
TOOLAUTH_CONFIG_INSTANTIATE(std::string)
TOOLAUTH_CONFIG_INSTANTIATE(bool)
TOOLAUTH_CONFIG_INSTANTIATE(std::int64_t)
TOOLAUTH_CONFIG_INSTANTIATE(double)
TOOLAUTH_CONFIG_INSTANTIATE(std::vector<std::string>)
TOOLAUTH_CONFIG_INSTANTIATE(nlohmann::json)
#undef TOOLAUTH_CONFIG_INSTANTIATE

std::optional<ConfigNode> ConfigNode::object(std::string_view key, bool optional) const {
  const auto* value = member(key);
  if (value == nullptr) {
    if (!optional) problem("is required", key);
    return std::nullopt;
  }
  if (!value->is_object()) {
    problem("expected an object", key);
    return std::nullopt;
  }
  return ConfigNode(reader_, value, json_pointer_append(path_, key));
}

std::vector<ConfigNode> ConfigNode::array(std::string_view key, bool required) const {
  std::vector<ConfigNode> out;
  const auto* value = member(key);
  if (value == nullptr) {
    if (required) problem("is required", key);
    return out;
  }
  if (!value->is_array()) {
    problem("expected an array", key);
    return out;
  }
  const std::string base = json_pointer_append(path_, key);
  for (std::size_t i = 0; i < value->size(); ++i) {
    out.push_back(ConfigNode(reader_, &(*value)[i], base + "/" + std::to_string(i)));
  }
  return out;
}

std::vector<std::pair<std::string, ConfigNode>> ConfigNode::members(std::string_view key) const {
  std::vector<std::pair<std::string, ConfigNode>> out;
  const auto* value = member(key);
  if (value == nullptr) return out;
  if (!value->is_object()) {
    problem("expected an object", key);
    return out;
  }
  const std::string base = json_pointer_append(path_, key);
  for (const auto& [name, item] : value->items()) {
    out.emplace_back(name, ConfigNode(reader_, &item, json_pointer_append(base, name)));
  }
  return out;
}

void ConfigNode::reject_unknown_keys() const {
  if (!value_->is_object()) return;
  for (const auto& [key, item] : value_->items()) {
    if (!seen_->contains(key)) problem("unknown key", key);
  }
}

ConfigReader::ConfigReader(const nlohmann::json& document, std::string source)
    : document_(document), source_(std::move(source)) {}

Result<void> ConfigReader::result() const {
  if (problems_.empty()) return {};
  std::string detail;
  for (const auto& p : problems_) {
    if (!detail.empty()) detail += "\n";
    detail += p.to_string();
  }
  return Error{Errc::config_invalid, std::move(detail)};
}

}  // namespace toolauth::core
