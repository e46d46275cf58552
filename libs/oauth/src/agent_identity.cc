#include "toolauth/oauth/agent_identity.h"

namespace toolauth::oauth {

boost::asio::awaitable<TokenResult> request_agent_exchange_token(TokenEndpointClient& client,
                                                                 std::string token_url,
                                                                 ClientAuthentication blueprint,
                                                                 std::string agent_client_id) {
  co_return co_await client.client_credentials(
      std::move(token_url), blueprint,
      {.scope = std::string(kTokenExchangeScope), .fmi_path = std::move(agent_client_id)});
}

boost::asio::awaitable<TokenResult> request_agent_token(TokenEndpointClient& client,
                                                        std::string token_url,
                                                        std::string agent_client_id,
                                                        std::string exchange_token,
                                                        std::string scope) {
  const auto agent =
      ClientAuthentication::with_assertion(std::move(agent_client_id), std::move(exchange_token));
  co_return co_await client.client_credentials(std::move(token_url), agent,
                                               {.scope = std::move(scope)});
}

boost::asio::awaitable<TokenResult> request_agent_token_on_behalf_of(
    TokenEndpointClient& client, std::string token_url, std::string agent_client_id,
    std::string exchange_token, std::string user_assertion, std::string scope) {
  const auto agent =
      ClientAuthentication::with_assertion(std::move(agent_client_id), std::move(exchange_token));
  co_return co_await client.on_behalf_of(
      std::move(token_url), agent,
      {.assertion = std::move(user_assertion), .scope = std::move(scope)});
}

boost::asio::awaitable<TokenResult> request_agent_identity_token(TokenEndpointClient& client,
                                                                 AgentIdentityRequest request) {
  auto t1 = co_await request_agent_exchange_token(client, request.token_url, request.blueprint,
                                                  request.agent_client_id);
  if (!t1.ok()) co_return t1;
  co_return co_await request_agent_token(client, std::move(request.token_url),
                                         std::move(request.agent_client_id),
                                         std::move(t1->access_token), std::move(request.scope));
}

}  // namespace toolauth::oauth
