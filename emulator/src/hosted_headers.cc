#include "toolauth/emulator/hosted_headers.h"

#include <array>

#include "toolauth/jose/base64url.h"
#include "toolauth/jose/hash.h"

namespace toolauth::emulator {

bool forwarded_to_container(std::string_view name) {
  constexpr std::array<std::string_view, 12> kAllowed = {
      "content-type", "content-language", "accept",  "accept-language", "user-agent",
      "traceparent",  "tracestate",       "baggage", "request-id",      "x-ms-client-request-id",
      "x-request-id", "x-correlation-id"};
  for (auto allowed : kAllowed)
    if (http::iequals(name, allowed)) return true;
  return name.size() > 9 && http::iequals(name.substr(0, 9), "x-client-");
}

http::Headers container_request_headers(const http::Headers& caller_headers) {
  http::Headers out;
  for (const auto& [name, value] : caller_headers.fields())
    if (forwarded_to_container(name)) out.add(name, value);
  return out;
}

std::string hosted_user_id(std::string_view key, std::string_view tid, std::string_view oid) {
  return jose::base64url_encode(jose::hmac_sha256(key, std::string(tid) + "/" + std::string(oid)));
}

}  // namespace toolauth::emulator
