#pragma once
// Foundry's opt-in header for preview operations: `Foundry-Features: <Key>=<Version>[,...]`
// (reference/foundry-agent-service.md §5, §6.4), e.g. `Foundry-Features: Toolboxes=V1Preview`.
// A preview operation called without its key is refused with a 400 that names the header to
// send (inner code PreviewFeatureRequired), so a client sees what it forgot.

#include <optional>
#include <string_view>

#include "toolauth/emulator/api_error.h"
#include "toolauth/http/message.h"

namespace toolauth::emulator {

inline constexpr std::string_view kToolboxesPreview = "Toolboxes=V1Preview";
inline constexpr std::string_view kHostedAgentsPreview = "HostedAgents=V1Preview";

// Whether any Foundry-Features header of `request` lists `feature` (comma-separated, spaces
// around entries ignored; keys compare case-insensitively, as header values do in Azure).
bool has_foundry_feature(const http::Request& request, std::string_view feature);

// The 400 to answer when `feature` is missing; nullopt when it is there.
std::optional<ApiError> require_foundry_feature(const http::Request& request,
                                                std::string_view feature);

}  // namespace toolauth::emulator
