#include "toolauth/emulator/on_behalf_of_tool_auth.h"

#include "toolauth/emulator/entra_tokens.h"
#include "toolauth/jose/hash.h"

namespace toolauth::emulator {

namespace {

std::string caller_key(const CallerIdentity& caller) {
  return "obo:" + caller.tid + ":" + caller.oid + ":" + jose::sha256_base64url(caller.token);
}

}  // namespace

oauth::TokenCacheKey OnBehalfOfToolAuth::cache_key(const ToolCallContext& context) {
  return {caller_key(context.caller), default_scope(context.connection->audience)};
}

boost::asio::awaitable<oauth::TokenCache::Result> OnBehalfOfToolAuth::exchange(
    const CallerIdentity& caller, std::string scope) {
  auto* client = client_;
  const auto token_url = entra_token_url(idp_url_, caller.tid);
  const auto self = oauth::ClientAuthentication::secret_post(self_.client_id, self_.client_secret);
  co_return co_await cache_->get(
      {caller_key(caller), scope},
      [client, token_url, self, grant = oauth::OnBehalfOfGrant{caller.token, scope}] {
        return client->on_behalf_of(token_url, self, grant);
      });
}

boost::asio::awaitable<ToolAuthOutcome> OnBehalfOfToolAuth::authorize(
    const ToolCallContext& context) {
  if (context.caller.token.empty()) {
    co_return ToolAuthFailure{"caller_token_missing",
                              "UserEntraToken needs the caller's token; this call has none"};
  }
  auto scope = default_scope(context.connection->audience);
  // The audience itself as the scope, without "/.default".
  if (defects_.has(Defect::obo_wrong_scope)) scope = context.connection->audience;
  auto token = co_await exchange(context.caller, scope);
  if (!token.ok()) co_return token_failure("the on-behalf-of token request", token.error());
  co_return bearer_credentials(*token);
}

boost::asio::awaitable<void> OnBehalfOfToolAuth::refused(const ToolCallContext& context) {
  cache_->invalidate(cache_key(context));
  co_return;
}

}  // namespace toolauth::emulator
