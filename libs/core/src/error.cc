#include "toolauth/core/error.h"

namespace toolauth::core {

std::string Error::message() const {
  std::string text = code.message();
  if (!detail.empty()) text += ": " + detail;
  return text;
}

std::string_view error_domain(Errc) { return "toolauth.core"; }

std::string_view error_message(Errc e) {
  switch (e) {
    case Errc::invalid_argument:
      return "invalid argument";
    case Errc::parse_error:
      return "parse error";
    case Errc::not_found:
      return "not found";
    case Errc::io_error:
      return "I/O error";
    case Errc::config_invalid:
      return "invalid configuration";
    case Errc::limit_exceeded:
      return "limit exceeded";
  }
  return "unknown core error";
}

}  // namespace toolauth::core
