#include "toolauth/emulator/entra_tokens.h"

namespace toolauth::emulator {

std::string default_scope(std::string_view audience) {
  std::string scope(audience);
  while (!scope.empty() && scope.back() == '/') scope.pop_back();
  if (!scope.ends_with("/.default")) scope += "/.default";
  return scope;
}

std::string entra_token_url(std::string_view idp_url, std::string_view tenant_id) {
  std::string base(idp_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/" + std::string(tenant_id) + "/oauth2/v2.0/token";
}

ToolCredentials bearer_credentials(const oauth::CachedToken& token) {
  ToolCredentials credentials;
  credentials.headers.set("Authorization", "Bearer " + token.access_token);
  credentials.source = token.from_cache ? "cache" : "new";
  return credentials;
}

ToolAuthFailure token_failure(std::string_view what, const oauth::TokenError& error) {
  return {"token_request_failed", std::string(what) + " failed: " + error.summary()};
}

}  // namespace toolauth::emulator
