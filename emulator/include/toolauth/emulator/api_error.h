#pragma once
// Errors of the data plane in the OpenAI/Azure shape (reference/foundry-agent-service.md §7):
//   {"error": {"code", "message", "type", "param", "innererror"?: {"code"}}}
// with the `x-ms-error-code` header set to the code, as Azure services send it. The
// innererror code names the exact reason (TokenExpired, InvalidAudience, ...) so clients and
// tests can tell refusals apart without parsing messages.

#include <optional>
#include <string>
#include <string_view>

#include "toolauth/http/message.h"

namespace toolauth::emulator {

struct ApiError {
  int status = 400;
  std::string code;     // "invalid_request", "not_found", "Unauthorized", ...
  std::string message;  // never holds a secret
  std::string type = "invalid_request_error";
  std::optional<std::string> param;
  std::string inner_code;  // optional finer reason

  http::Response response() const;
};

ApiError bad_request(std::string message, std::optional<std::string> param = std::nullopt);
ApiError not_found(std::string message);
ApiError server_error(std::string message);

}  // namespace toolauth::emulator
