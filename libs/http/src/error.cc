#include "toolauth/http/error.h"

namespace toolauth::http {

std::string_view error_domain(Errc) { return "toolauth.http"; }

std::string_view error_message(Errc e) {
  switch (e) {
    case Errc::malformed_query:
      return "malformed query or form encoding";
    case Errc::repeated_parameter:
      return "parameter repeated";
    case Errc::invalid_url:
      return "invalid URL";
    case Errc::unsupported_scheme:
      return "unsupported URL scheme";
    case Errc::connect_failed:
      return "connection failed";
    case Errc::tls_failed:
      return "TLS handshake or verification failed";
    case Errc::timeout:
      return "timed out";
    case Errc::connection_closed:
      return "connection closed by peer";
    case Errc::response_too_large:
      return "response too large";
    case Errc::protocol_error:
      return "HTTP protocol error";
    case Errc::bind_failed:
      return "cannot listen";
  }
  return "unknown http error";
}

}  // namespace toolauth::http
