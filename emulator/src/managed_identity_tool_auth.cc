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
  const auto resource = context.connection->audience;
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
