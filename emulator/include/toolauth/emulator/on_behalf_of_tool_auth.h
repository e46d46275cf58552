#pragma once
// UserEntraToken: the call acts as the caller. The emulator's own confidential client (the
// `foundry` app, whose App ID URI is the caller tokens' audience) exchanges the caller's token
// on behalf of the user (jwt-bearer, requested_token_use=on_behalf_of) at the caller's tenant
// for the connection's audience (`<audience>/.default`: the scopes the user consented to).
// Results are cached per caller token (keyed by its SHA-256, never the token) and audience, so
// one user's token never serves another user or another caller token.

#include <string>

#include "toolauth/emulator/defects.h"
#include "toolauth/emulator/tool_auth.h"
#include "toolauth/emulator/world.h"
#include "toolauth/oauth/token_cache.h"
#include "toolauth/oauth/token_endpoint_client.h"

namespace toolauth::emulator {

class OnBehalfOfToolAuth final : public ToolAuth {
 public:
  // The client and cache must outlive this object. Defect honoured here: obo-wrong-scope.
  OnBehalfOfToolAuth(oauth::TokenEndpointClient& client, oauth::TokenCache& cache,
                     ClientCredentials self, std::string idp_url, EmulatorDefects defects = {})
      : client_(&client),
        cache_(&cache),
        self_(std::move(self)),
        idp_url_(std::move(idp_url)),
        defects_(defects) {}
  AuthType type() const override { return AuthType::user_entra_token; }
  boost::asio::awaitable<ToolAuthOutcome> authorize(const ToolCallContext& context) override;
  boost::asio::awaitable<void> refused(const ToolCallContext& context) override;

  static oauth::TokenCacheKey cache_key(const ToolCallContext& context);
  // The emulator's own on-behalf-of exchange of the caller's token for `scope`, cached like
  // authorize()'s (per caller token and scope). The runtime API uses it for the user's token
  // whose audience is the agent identity blueprint.
  boost::asio::awaitable<oauth::TokenCache::Result> exchange(const CallerIdentity& caller,
                                                             std::string scope);

 private:
  oauth::TokenEndpointClient* client_;
  oauth::TokenCache* cache_;
  ClientCredentials self_;
  std::string idp_url_;
  EmulatorDefects defects_;
};

}  // namespace toolauth::emulator
