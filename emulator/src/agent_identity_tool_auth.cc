#include "toolauth/emulator/agent_identity_tool_auth.h"

#include "toolauth/emulator/entra_tokens.h"
#include "toolauth/oauth/agent_identity.h"

namespace toolauth::emulator {

oauth::TokenCacheKey AgentIdentityToolAuth::cache_key(const ToolCallContext& context) {
  return {"agent:" + context.identities.agent_identity_client_id,
          default_scope(context.connection->audience)};
}

boost::asio::awaitable<oauth::TokenCache::Result> AgentIdentityToolAuth::exchange_token(
    std::string tenant_id, ProjectIdentities identities) {
  auto* client = client_;
  const auto token_url = entra_token_url(idp_url_, tenant_id);
  const auto blueprint = oauth::ClientAuthentication::secret_post(
      identities.blueprint_client_id, identities.blueprint_client_secret);
  const auto agent = identities.agent_identity_client_id;
  co_return co_await cache_->get(
      {"t1:" + blueprint.client_id + ":" + agent, std::string(oauth::kTokenExchangeScope)},
      [client, token_url, blueprint, agent] {
        return oauth::request_agent_exchange_token(*client, token_url, blueprint, agent);
      });
}

boost::asio::awaitable<oauth::TokenResult> AgentIdentityToolAuth::fetch(
    std::string tenant_id, ProjectIdentities identities, std::string scope) {
  auto exchange = co_await exchange_token(tenant_id, identities);
  if (!exchange.ok()) co_return exchange.error();
  co_return co_await oauth::request_agent_token(*client_, entra_token_url(idp_url_, tenant_id),
                                                identities.agent_identity_client_id,
                                                exchange->access_token, scope);
}

boost::asio::awaitable<oauth::TokenResult> AgentIdentityToolAuth::on_behalf_of(
    std::string tenant_id, ProjectIdentities identities, std::string user_assertion,
    std::string scope) {
  auto exchange = co_await exchange_token(tenant_id, identities);
  if (!exchange.ok()) co_return exchange.error();
  co_return co_await oauth::request_agent_token_on_behalf_of(
      *client_, entra_token_url(idp_url_, tenant_id), identities.agent_identity_client_id,
      exchange->access_token, std::move(user_assertion), std::move(scope));
}

boost::asio::awaitable<oauth::TokenCache::Result> AgentIdentityToolAuth::agent_token(
    std::string tenant_id, ProjectIdentities identities, std::string scope) {
  co_return co_await cache_->get(
      {"agent:" + identities.agent_identity_client_id, scope},
      [this, tenant_id, identities, scope] { return fetch(tenant_id, identities, scope); });
}

boost::asio::awaitable<ToolAuthOutcome> AgentIdentityToolAuth::authorize(
    const ToolCallContext& context) {
  // The user's delegated token where the agent's own identity belongs.
  if (defects_.has(Defect::user_token_as_agent) && as_user_ != nullptr)
    co_return co_await as_user_->authorize(context);
  const auto& identities = context.identities;
  if (identities.agent_identity_client_id.empty() || identities.blueprint_client_id.empty()) {
    co_return ToolAuthFailure{"identity_missing", "the agent '" + context.agent +
                                                      "' has no agent identity in the project '" +
                                                      context.project + "'"};
  }
  auto token = co_await agent_token(context.project_tenant_id, identities,
                                    default_scope(context.connection->audience));
  if (!token.ok()) co_return token_failure("the agent identity token request", token.error());
  co_return bearer_credentials(*token);
}

boost::asio::awaitable<void> AgentIdentityToolAuth::refused(const ToolCallContext& context) {
  if (defects_.has(Defect::user_token_as_agent) && as_user_ != nullptr) {
    co_await as_user_->refused(context);
    co_return;
  }
  cache_->invalidate(cache_key(context));
  co_return;
}

}  // namespace toolauth::emulator
