#include "toolauth/idp/session_cookie.h"

#include "toolauth/idp/sessions.h"

namespace toolauth::idp {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::optional<std::string> request_cookie(const http::Request& request, std::string_view name) {
  for (auto header : request.headers.get_all("cookie")) {
    while (!header.empty()) {
      const auto end = header.find(';');
      const auto pair = trim(header.substr(0, end));
      header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != name) continue;
      auto value = trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return std::string(value);
    }
  }
  return std::nullopt;
}

std::string session_cookie(std::string_view value, std::chrono::seconds max_age) {
  return std::string(kSessionCookie) + "=" + std::string(value) +
         "; Path=/; Max-Age=" + std::to_string(max_age.count()) +
         "; Secure; HttpOnly; SameSite=Lax";
}

std::string expired_session_cookie() {
  return std::string(kSessionCookie) + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax";
}

}  // namespace toolauth::idp
