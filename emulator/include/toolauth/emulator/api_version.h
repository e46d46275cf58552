#pragma once
// The api-version query parameter of the Foundry project data plane: `v1` and the preview
// versions the references name are accepted; anything else, or none, gets Azure's 400.

#include <optional>
#include <span>
#include <string_view>

#include "toolauth/emulator/api_error.h"
#include "toolauth/http/message.h"

namespace toolauth::emulator {

std::span<const std::string_view> supported_api_versions();

// nullopt when the request names a supported version exactly once; otherwise the error
// (MissingApiVersionParameter or UnsupportedApiVersion) to answer with.
std::optional<ApiError> check_api_version(const http::Request& request);

}  // namespace toolauth::emulator
