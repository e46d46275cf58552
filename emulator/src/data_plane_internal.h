#pragma once
// Helpers shared by the data plane's route files.

#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "toolauth/core/json.h"
#include "toolauth/emulator/api_error.h"
#include "toolauth/emulator/data_plane.h"

namespace toolauth::emulator {

// The request body as a JSON object, or the 400 to answer with.
inline std::variant<nlohmann::json, ApiError> json_body(const http::Request& request) {
  auto body = core::parse_json(request.body);
  if (!body.ok()) return bad_request("The request body is not valid JSON: " + body.error().detail);
  if (!body->is_object()) return bad_request("The request body must be a JSON object.");
  return std::move(*body);
}

// Letters, digits, '-' and '_', starting with a letter or digit, at most 64 characters.
inline bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '-' && c != '_'))) return false;
  }
  return true;
}

// An OpenAI-style list: {"object": "list", "data", "has_more": false, "first_id", "last_id"}.
inline nlohmann::json list_of(nlohmann::json data, std::string_view id_key = "id") {
  nlohmann::json out = {{"object", "list"}, {"data", data}, {"has_more", false}};
  out["first_id"] = data.empty() ? nlohmann::json(nullptr) : data.front()[std::string(id_key)];
  out["last_id"] = data.empty() ? nlohmann::json(nullptr) : data.back()[std::string(id_key)];
  return out;
}

inline http::Response storage_failure(const core::Error& e) {
  return server_error("The emulator's state store failed: " + e.message()).response();
}

}  // namespace toolauth::emulator

namespace toolauth::emulator {

template <class F>
http::Router::Handler DataPlane::guarded(Version version, F handler) {
  return [this, version, handler = std::move(handler)](
             http::Request& request) -> boost::asio::awaitable<http::Response> {
    auto entered = co_await enter(request, version);
    http::Response response;
    if (auto* refused = std::get_if<http::Response>(&entered)) {
      response = std::move(*refused);
    } else {
      response = co_await handler(request, std::get<Scope>(entered));
    }
    if (auto id = request.headers.get("x-ms-client-request-id"))
      response.headers.set("x-ms-client-request-id", std::string(*id));
    response.headers.set("Cache-Control", "no-store");
    co_return response;
  };
}

}  // namespace toolauth::emulator
