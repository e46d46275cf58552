#include "toolauth/mcp/protocol.h"

#include <algorithm>

namespace toolauth::mcp {

bool is_supported_version(std::string_view version) {
  return std::find(kSupportedVersions.begin(), kSupportedVersions.end(), version) !=
         kSupportedVersions.end();
}

std::string negotiate_version(std::string_view requested) {
  return std::string(is_supported_version(requested) ? requested : kLatestVersion);
}

}  // namespace toolauth::mcp
