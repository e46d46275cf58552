#pragma once
// MCP protocol constants (reference/mcp.md §1–§2): versions, header names, error codes.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace toolauth::mcp {

inline constexpr std::string_view kVersion20250326 = "2025-03-26";
inline constexpr std::string_view kVersion20250618 = "2025-06-18";
inline constexpr std::string_view kVersion20251125 = "2025-11-25";
// Newest first: negotiation answers the client's version when supported, else the newest.
inline constexpr std::array<std::string_view, 3> kSupportedVersions = {
    kVersion20251125, kVersion20250618, kVersion20250326};
inline constexpr std::string_view kLatestVersion = kVersion20251125;

inline constexpr std::string_view kSessionHeader = "Mcp-Session-Id";
inline constexpr std::string_view kProtocolVersionHeader = "MCP-Protocol-Version";
inline constexpr std::string_view kLastEventIdHeader = "Last-Event-ID";

// JSON-RPC error codes beyond the standard ones.
inline constexpr int kServerError = -32000;      // transport-level failures (SDK convention)
inline constexpr int kSessionNotFound = -32001;  // SDK convention for 404
inline constexpr int kResourceNotFound = -32002;

bool is_supported_version(std::string_view version);
// The version to answer an initialize request with.
std::string negotiate_version(std::string_view requested);
// Batches exist only in 2025-03-26.
inline bool allows_batches(std::string_view version) { return version == kVersion20250326; }
// SSE priming events (an id with empty data) and retry hints are 2025-11-25 behaviour.
inline bool wants_priming_event(std::string_view version) { return version >= kVersion20251125; }

}  // namespace toolauth::mcp
