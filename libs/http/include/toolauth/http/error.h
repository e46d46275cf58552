#pragma once
// Errors of libs/http.

#include <string_view>
#include <system_error>

#include "toolauth/core/error.h"

namespace toolauth::http {

enum class Errc {
  malformed_query = 1,  // bad percent-encoding in a query string or form body
  repeated_parameter,   // a parameter that must appear once appeared more often
  invalid_url,
  unsupported_scheme,
  connect_failed,
  tls_failed,
  timeout,
  connection_closed,
  response_too_large,
  protocol_error,  // the peer sent something that is not valid HTTP/1.1
  bind_failed,
};
std::string_view error_domain(Errc);
std::string_view error_message(Errc);
inline std::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), core::category_of<Errc>()};
}

}  // namespace toolauth::http

template <>
struct std::is_error_code_enum<toolauth::http::Errc> : std::true_type {};
