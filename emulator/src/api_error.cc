#include "toolauth/emulator/api_error.h"

namespace toolauth::emulator {

http::Response ApiError::response() const {
  nlohmann::json error = {{"code", code},
                          {"message", message},
                          {"type", type},
                          {"param", param ? nlohmann::json(*param) : nlohmann::json(nullptr)}};
  if (!inner_code.empty()) error["innererror"] = {{"code", inner_code}};
  auto r = http::Response::json(status, {{"error", error}});
  r.headers.set("x-ms-error-code", code);
  return r;
}

ApiError bad_request(std::string message, std::optional<std::string> param) {
  return {400, "invalid_request", std::move(message), "invalid_request_error", std::move(param),
          {}};
}

ApiError not_found(std::string message) {
  return {404, "not_found", std::move(message), "invalid_request_error", std::nullopt, {}};
}

ApiError server_error(std::string message) {
  return {500, "server_error", std::move(message), "server_error", std::nullopt, {}};
}

}  // namespace toolauth::emulator
