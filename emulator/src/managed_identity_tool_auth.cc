#include "toolauth/emulator/managed_identity_tool_auth.h"

#include "toolauth/emulator/entra_tokens.h"

namespace toolauth::emulator {

oauth::TokenCacheKey ManagedIdentityToolAuth::cache_key(const ToolCallContext& context) {
  return {"mi:" + context.identities.managed_identity_client_id,
          default_scope(context.connection->audience)};
}

boost::asio::awaitable<ToolAuthOutcome> ManagedIdentityToolAuth::authorize(
    const ToolCallContext& context) {
  const auto client_id = context.identities.managed_identity_client_id;
  if (client_id.empty()) {
    co_return ToolAuthFailure{"identity_missing",
                              "the project '" + context.project + "' has no managed identity"};
  }
  auto* client = client_;
  auto resource = context.connection->audience;
  if (defects_.has(Defect::mi_ignore_audience) && resource.starts_with("api://")) {
    // The application id inside the audience instead of the audience as configured: the MCP
    // server still takes the token, but its aud is not the connection's audience.
    resource = resource.substr(6);
  }
  // The cached token is thrown away before every call: one token request per call.
  if (defects_.has(Defect::mi_no_cache)) cache_->invalidate(cache_key(context));
  auto token = co_await cache_->get(cache_key(context), [client, resource, client_id] {
    return client->get_token(resource, oauth::ManagedIdentitySelector::by_client_id(client_id));
  });
  if (!token.ok()) co_return token_failure("the managed identity token request", token.error());
  co_return bearer_credentials(*token);
}

boost::asio::awaitable<void> ManagedIdentityToolAuth::refused(const ToolCallContext& context) {
  cache_->invalidate(cache_key(context));
  co_return;
}

}  // namespace toolauth::emulator
