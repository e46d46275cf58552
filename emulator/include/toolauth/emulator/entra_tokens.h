#pragma once
// What the Entra-backed auth types (ProjectManagedIdentity, AgenticIdentityToken,
// UserEntraToken) share: the scope a connection's audience asks for, the tenant's token URL at
// the IdP, and how a cached token becomes the call's credentials.

#include <string>
#include <string_view>

#include "toolauth/emulator/tool_auth.h"
#include "toolauth/oauth/token_cache.h"
#include "toolauth/oauth/token_response.h"

namespace toolauth::emulator {

// "api://x" -> "api://x/.default"; a scope that already ends in "/.default" stays.
std::string default_scope(std::string_view audience);

// "<idp_url>/<tenant id>/oauth2/v2.0/token".
std::string entra_token_url(std::string_view idp_url, std::string_view tenant_id);

// Authorization: Bearer <token>; source "cache" or "new" for the journal.
ToolCredentials bearer_credentials(const oauth::CachedToken& token);

// A token request that failed: `token_request_failed` with the IdP's error summary (which holds
// no secret), prefixed by what was asked for.
ToolAuthFailure token_failure(std::string_view what, const oauth::TokenError& error);

}  // namespace toolauth::emulator
