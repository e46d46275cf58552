#pragma once
// Errors of libs/service (admin plane, journal, fault injection, state store, ready file).

#include <string_view>
#include <system_error>

#include "toolauth/core/error.h"

namespace toolauth::service {

enum class Errc {
  storage_error = 1,  // SQLite refused: the detail carries SQLite's own message
  not_found,          // no such document, rule or entry
  invalid_rule,       // a fault rule that does not validate; the detail names the bad key
  invalid_query,      // journal query parameters that do not parse
  io_error,           // file system (ready file)
  invalid_document,   // JSON that cannot be stored or imported (wrong shape, invalid UTF-8)
};
std::string_view error_domain(Errc);
std::string_view error_message(Errc);
inline std::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), core::category_of<Errc>()};
}

}  // namespace toolauth::service

template <>
struct std::is_error_code_enum<toolauth::service::Errc> : std::true_type {};
