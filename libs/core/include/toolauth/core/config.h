#pragma once
// Configuration loading. Every problem names the file and the JSON pointer of the bad key
// ("fixtures/default/world.json: /users/1/password: expected a string"). Reading goes on
// after a problem, so `toolauth validate` reports all of them in one run.
//
//   ConfigReader reader(json, "world.json");
//   ConfigNode root = reader.root();
//   auto name = root.required<std::string>("name");
//   auto port = root.optional<std::int64_t>("port", 4781);
//   for (ConfigNode user : root.array("users")) { ... user.reject_unknown_keys(); }
//   root.reject_unknown_keys();
//   if (!reader.ok()) return reader.result().error();

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/result.h"

namespace toolauth::core {

struct ConfigProblem {
  std::string source;
  std::string path;  // JSON pointer; "" is the document root
  std::string message;

  std::string to_string() const;
};

// Reads and parses a JSON file (strictly, see json.h). Errors name the file, and for syntax
// errors the line and column.
Result<nlohmann::json> load_json_file(const std::filesystem::path& file);

// "/users/1/name" from "/users" and "1"; escapes '~' and '/' as RFC 6901 requires.
std::string json_pointer_append(std::string_view pointer, std::string_view token);

class ConfigReader;

// A position in a configuration document. Cheap to copy; refers to its ConfigReader, which
// must outlive it.
class ConfigNode {
 public:
  const std::string& path() const { return path_; }
  const nlohmann::json& json() const { return *value_; }
  bool has(std::string_view key) const;

  // A member that must be present. Records a problem and returns nullopt when it is missing
  // or of the wrong type. T is one of std::string, bool, std::int64_t, double,
  // std::vector<std::string> or nlohmann::json (any value).
  template <class T>
  std::optional<T> required(std::string_view key) const;
  // A member that may be absent (then `fallback`); a wrong type is still a problem.
  template <class T>
  T optional(std::string_view key, T fallback) const;

  // A nested object: required unless `optional` is set; nullopt when absent or not an object.
  std::optional<ConfigNode> object(std::string_view key, bool optional = false) const;
  // The elements of an array member (absent: empty, or a problem when `required`).
  std::vector<ConfigNode> array(std::string_view key, bool required = false) const;
  // The members of an object member as (name, node) pairs, for maps keyed by name.
  std::vector<std::pair<std::string, ConfigNode>> members(std::string_view key) const;

  // Records a problem at this node, or at its member `key`.
  void problem(std::string message, std::string_view key = {}) const;
  // Records a problem for every member that no accessor has read (typos must not pass).
  void reject_unknown_keys() const;

 private:
  friend class ConfigReader;
  ConfigNode(ConfigReader* reader, const nlohmann::json* value, std::string path);
  const nlohmann::json* member(std::string_view key) const;
  template <class T>
  std::optional<T> convert(const nlohmann::json& value, std::string_view key) const;

  ConfigReader* reader_;
  const nlohmann::json* value_;
  std::string path_;
  std::shared_ptr<std::set<std::string, std::less<>>> seen_;
};

class ConfigReader {
 public:
  // `document` must outlive the reader and every node taken from it.
  ConfigReader(const nlohmann::json& document, std::string source);

  ConfigNode root() { return ConfigNode(this, &document_, ""); }
  bool ok() const { return problems_.empty(); }
  const std::vector<ConfigProblem>& problems() const { return problems_; }
  // Errc::config_invalid with one problem per line in the detail, or success.
  Result<void> result() const;

 private:
  friend class ConfigNode;
  const nlohmann::json& document_;
  std::string source_;
  std::vector<ConfigProblem> problems_;
};

}  // namespace toolauth::core
