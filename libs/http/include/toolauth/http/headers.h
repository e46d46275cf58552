#pragma once
// HTTP header fields: ordered, multi-valued, names compared without regard to ASCII case.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace toolauth::http {

bool iequals(std::string_view a, std::string_view b);

class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  // Appends a field (another value for an existing name is kept as well).
  void add(std::string name, std::string value);
  // Replaces every field of that name by one.
  void set(std::string name, std::string value);
  void remove(std::string_view name);

  // The first value of `name`.
  std::optional<std::string_view> get(std::string_view name) const;
  std::vector<std::string_view> get_all(std::string_view name) const;
  std::size_t count(std::string_view name) const;
  bool has(std::string_view name) const { return count(name) > 0; }

  const std::vector<Field>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

}  // namespace toolauth::http
