#include "toolauth/emulator/api_version.h"

#include <algorithm>
#include <array>

namespace toolauth::emulator {

namespace {
// v1 and the previews of the project data plane; ARM's connection versions for the control plane.
constexpr std::array<std::string_view, 8> kVersions = {"v1",
                                                       "2025-05-01",
                                                       "2025-05-15-preview",
                                                       "2025-07-01-preview",
                                                       "2025-10-01-preview",
                                                       "2025-11-15-preview",
                                                       "2025-04-01-preview",
                                                       "2025-06-01"};
}  // namespace

std::span<const std::string_view> supported_api_versions() { return kVersions; }

std::optional<ApiError> check_api_version(const http::Request& request) {
  auto query = request.query_params();
  if (!query.ok()) return bad_request("The query string is malformed.");
  const auto values = query->get_all("api-version");
  if (values.empty()) {
    return ApiError{400,
                    "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required for all requests.",
                    "invalid_request_error",
                    "api-version",
                    {}};
  }
  if (values.size() > 1 ||
      std::find(kVersions.begin(), kVersions.end(), values.front()) == kVersions.end()) {
    std::string list;
    for (auto v : kVersions) list += (list.empty() ? "" : ", ") + std::string(v);
    return ApiError{400,
                    "UnsupportedApiVersion",
                    "The HTTP resource that matches the request URI does not support the API "
                    "version '" +
                        std::string(values.front()) + "'. Supported versions: " + list + ".",
                    "invalid_request_error",
                    "api-version",
                    {}};
  }
  return std::nullopt;
}

}  // namespace toolauth::emulator
