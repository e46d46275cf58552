#pragma once
// ProjectManagedIdentity: the project's managed identity asks the managed identity endpoint
// (IMDS or App Service, mock-idp's plain-HTTP listener in the emulator) for a token for the
// connection's audience, selected by the identity's client id. Tokens are cached per
// (identity, audience) until shortly before they expire (TokenCache); a 401 from the MCP
// server drops the cached token so the next call fetches a new one.

#include "toolauth/emulator/defects.h"
#include "toolauth/emulator/tool_auth.h"
#include "toolauth/oauth/managed_identity_client.h"
#include "toolauth/oauth/token_cache.h"

namespace toolauth::emulator {

class ManagedIdentityToolAuth final : public ToolAuth {
 public:
  // Both must outlive this object. Defects honoured here: mi-ignore-audience, mi-no-cache.
  ManagedIdentityToolAuth(oauth::ManagedIdentityClient& client, oauth::TokenCache& cache,
                          EmulatorDefects defects = {})
      : client_(&client), cache_(&cache), defects_(defects) {}
  AuthType type() const override { return AuthType::project_managed_identity; }
  boost::asio::awaitable<ToolAuthOutcome> authorize(const ToolCallContext& context) override;
  boost::asio::awaitable<void> refused(const ToolCallContext& context) override;

  static oauth::TokenCacheKey cache_key(const ToolCallContext& context);

 private:
  oauth::ManagedIdentityClient* client_;
  oauth::TokenCache* cache_;
  EmulatorDefects defects_;
};

}  // namespace toolauth::emulator
