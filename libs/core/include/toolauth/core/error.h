#pragma once
// Error codes: every module declares one `enum class Errc` and registers it as a
// std::error_code category through `ErrorCategory<Errc>`, so callers compare against the
// exact enumerator (`ec == jose::Errc::token_expired`) and never against strings.

#include <string>
#include <string_view>
#include <system_error>

namespace toolauth::core {

// A module opts in by defining, next to its enum, the two free functions found by ADL:
//   std::string_view error_domain(Errc);   // category name, e.g. "toolauth.jose"
//   std::string_view error_message(Errc);  // fixed text per enumerator
template <class E>
class ErrorCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return error_domain(E{}).data(); }
  std::string message(int value) const override {
    return std::string(error_message(static_cast<E>(value)));
  }
};

template <class E>
const std::error_category& category_of() {
  static const ErrorCategory<E> category;
  return category;
}

// An error with the code callers branch on and a detail for humans (never a secret).
struct Error {
  std::error_code code;
  std::string detail;

  // "<category message>: <detail>", or only the category message when there is no detail.
  std::string message() const;
};

// Errors of libs/core itself.
enum class Errc {
  invalid_argument = 1,
  parse_error,
  not_found,
  io_error,
  config_invalid,
  limit_exceeded,
};
std::string_view error_domain(Errc);
std::string_view error_message(Errc);
inline std::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), category_of<Errc>()};
}

}  // namespace toolauth::core

template <>
struct std::is_error_code_enum<toolauth::core::Errc> : std::true_type {};
