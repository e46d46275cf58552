#pragma once
// The JWKS cache moved to libs/service (the emulator verifies caller tokens with it too).

#include "toolauth/service/jwks_cache.h"

namespace toolauth::mcp {

using JwksCache = service::JwksCache;

}  // namespace toolauth::mcp
