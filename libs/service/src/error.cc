#include "toolauth/service/error.h"

namespace toolauth::service {

std::string_view error_domain(Errc) { return "toolauth.service"; }

std::string_view error_message(Errc e) {
  switch (e) {
    case Errc::storage_error:
      return "storage error";
    case Errc::not_found:
      return "not found";
    case Errc::invalid_rule:
      return "invalid fault rule";
    case Errc::invalid_query:
      return "invalid journal query";
    case Errc::io_error:
      return "I/O error";
    case Errc::invalid_document:
      return "invalid document";
  }
  return "unknown service error";
}

}  // namespace toolauth::service
