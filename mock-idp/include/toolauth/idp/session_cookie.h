#pragma once
// The sign-in session cookie (sessions.h kSessionCookie) on the wire (RFC 6265): HttpOnly so
// scripts cannot read it, Secure because the STS is HTTPS only, SameSite=Lax so it still
// comes along on the top-level redirect from a client to /authorize, Path=/.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "toolauth/http/message.h"

namespace toolauth::idp {

// The value of cookie `name` in the request's Cookie headers, if present.
std::optional<std::string> request_cookie(const http::Request& request, std::string_view name);
// Set-Cookie values that start and end the session.
std::string session_cookie(std::string_view value, std::chrono::seconds max_age);
std::string expired_session_cookie();

}  // namespace toolauth::idp
