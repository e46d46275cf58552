#include "toolauth/emulator/foundry_features.h"

#include "toolauth/http/headers.h"

namespace toolauth::emulator {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

bool has_foundry_feature(const http::Request& request, std::string_view feature) {
  for (auto header : request.headers.get_all("foundry-features")) {
    while (!header.empty()) {
      const auto comma = header.find(',');
      const auto entry = trim(header.substr(0, comma));
      if (http::iequals(entry, feature)) return true;
      if (comma == std::string_view::npos) break;
      header.remove_prefix(comma + 1);
    }
  }
  return false;
}

std::optional<ApiError> require_foundry_feature(const http::Request& request,
                                                std::string_view feature) {
  if (has_foundry_feature(request, feature)) return std::nullopt;
  return ApiError{400,
                  "preview_feature_required",
                  "This operation is in preview: send the header 'Foundry-Features: " +
                      std::string(feature) + "' to opt in.",
                  "invalid_request_error",
                  "Foundry-Features",
                  "PreviewFeatureRequired"};
}

}  // namespace toolauth::emulator
