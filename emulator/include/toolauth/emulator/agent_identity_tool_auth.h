#pragma once
// AgenticIdentityToken: the call acts as the agent's own Entra agent identity (Agent ID).
// The project's agent identity blueprint asks the project tenant's token endpoint for the
// exchange token T1 with fmi_path = the agent identity; the agent identity redeems T1 as its
// client assertion for the connection's audience (client_credentials, app-only: never a user
// token). Both T1 and the agent token are cached (TokenCache) per identity and audience.
//
// Which agent identity: the fixtures bind one to an agent's name (`agents[].agent_identity`);
// an agent without one acts as the project's agent identity (`projects[].agent_identity`), as
// Foundry's unpublished agents share their project's. ToolCallContext::identities carries the
// choice already made (response_engine.cc); a caller cannot pick it.

#include <string>

#include "toolauth/emulator/defects.h"
#include "toolauth/emulator/tool_auth.h"
#include "toolauth/oauth/token_cache.h"
#include "toolauth/oauth/token_endpoint_client.h"

namespace toolauth::emulator {

class AgentIdentityToolAuth final : public ToolAuth {
 public:
  // `idp_url`: the Entra authority host; token URLs are <idp_url>/<tenant id>/oauth2/v2.0/token.
  // The client and cache must outlive this object. Defect user-token-as-agent: the calls go
  // through `as_user` (the UserEntraToken flow; it must outlive this object) instead.
  AgentIdentityToolAuth(oauth::TokenEndpointClient& client, oauth::TokenCache& cache,
                        std::string idp_url, EmulatorDefects defects = {},
                        ToolAuth* as_user = nullptr)
      : client_(&client),
        cache_(&cache),
        idp_url_(std::move(idp_url)),
        defects_(defects),
        as_user_(as_user) {}
  AuthType type() const override { return AuthType::agentic_identity_token; }
  boost::asio::awaitable<ToolAuthOutcome> authorize(const ToolCallContext& context) override;
  boost::asio::awaitable<void> refused(const ToolCallContext& context) override;

  static oauth::TokenCacheKey cache_key(const ToolCallContext& context);
  // The agent identity's own token for `scope` (cached per identity and scope), as authorize()
  // gets it; hosted agents' containers get theirs through the identity endpoint with it.
  boost::asio::awaitable<oauth::TokenCache::Result> agent_token(std::string tenant_id,
                                                                ProjectIdentities identities,
                                                                std::string scope);
  // The blueprint's exchange token T1 for the agent identity (fmi_path), cached.
  boost::asio::awaitable<oauth::TokenCache::Result> exchange_token(std::string tenant_id,
                                                                   ProjectIdentities identities);
  // Entra's agent on-behalf-of flow: the agent identity, authenticated by T1, exchanges the
  // user's token `user_assertion` (whose audience is the blueprint) for `scope`. Not cached:
  // the runtime API asks for it once per container request.
  boost::asio::awaitable<oauth::TokenResult> on_behalf_of(std::string tenant_id,
                                                          ProjectIdentities identities,
                                                          std::string user_assertion,
                                                          std::string scope);

 private:
  boost::asio::awaitable<oauth::TokenResult> fetch(std::string tenant_id,
                                                   ProjectIdentities identities, std::string scope);

  oauth::TokenEndpointClient* client_;
  oauth::TokenCache* cache_;
  std::string idp_url_;
  EmulatorDefects defects_;
  ToolAuth* as_user_;
};

}  // namespace toolauth::emulator
