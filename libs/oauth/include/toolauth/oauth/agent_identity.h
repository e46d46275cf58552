#pragma once
// The Entra Agent ID token exchange (reference: entra-oauth.md §8, foundry-agent-service.md
// §6.6): an agent identity holds no credential of its own, so its blueprint vouches for it.
//
//   1. T1: the blueprint, with its own credential, asks for the exchange audience with
//      fmi_path naming the agent identity:
//        client_credentials, client_id=<blueprint>, scope=api://AzureADTokenExchange/.default,
//        fmi_path=<agent identity client id>
//   2. the agent identity redeems T1 as its client assertion:
//        client_credentials, client_id=<agent identity>, scope=<resource>/.default,
//        client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer,
//        client_assertion=T1
//      or, on behalf of a user (jwt-bearer with requested_token_use=on_behalf_of).
//
// The blueprint credential is a secret, a certificate assertion, or a managed identity token
// for api://AzureADTokenExchange (a federated credential), all as ClientAuthentication.
// T1 is short-lived and a credential: callers may cache it (TokenCache) but never log it.

#include <boost/asio/awaitable.hpp>
#include <string>

#include "toolauth/oauth/token_endpoint_client.h"

namespace toolauth::oauth {

inline constexpr std::string_view kTokenExchangeScope = "api://AzureADTokenExchange/.default";

struct AgentIdentityRequest {
  std::string token_url;  // the agent identity's home tenant's token endpoint
  ClientAuthentication blueprint;
  std::string agent_client_id;
  std::string scope;  // what the agent wants, e.g. "api://<mcp api>/.default"
};

// Step 1: the exchange token T1 for `agent_client_id`.
boost::asio::awaitable<TokenResult> request_agent_exchange_token(TokenEndpointClient& client,
                                                                 std::string token_url,
                                                                 ClientAuthentication blueprint,
                                                                 std::string agent_client_id);

// Step 2 (app-only): the agent identity's token for `scope`, authenticated by T1.
boost::asio::awaitable<TokenResult> request_agent_token(TokenEndpointClient& client,
                                                        std::string token_url,
                                                        std::string agent_client_id,
                                                        std::string exchange_token,
                                                        std::string scope);

// Step 2 (delegated): on behalf of the user whose token `user_assertion` is.
boost::asio::awaitable<TokenResult> request_agent_token_on_behalf_of(
    TokenEndpointClient& client, std::string token_url, std::string agent_client_id,
    std::string exchange_token, std::string user_assertion, std::string scope);

// Both app-only steps; a failure of step 1 is returned as it is (its TokenError says which
// client the IdP refused).
boost::asio::awaitable<TokenResult> request_agent_identity_token(TokenEndpointClient& client,
                                                                 AgentIdentityRequest request);

}  // namespace toolauth::oauth
