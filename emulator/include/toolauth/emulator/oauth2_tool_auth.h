#pragma once
// OAuth2 identity passthrough: the call carries the user's own delegated token for the
// connection, from the vault entry (project, connection, user) that the consent flow filled.
//
// - No entry (never consented, revoked, or a refresh refused with invalid_grant): a new
//   consent request (ConsentFlow::issue), never an error.
// - The consent request of the previous response was declined: the call fails with
//   `consent_declined` (a later fresh request gets a new consent request).
// - An access token near expiry, or one the MCP server refused with 401 (refused()), is
//   refreshed at the connection's refresh URL (its token URL when none is set) with its
//   client credentials, single-flight per entry (TokenVault::fresh).
//
// Journals see the token source only: "cache" or "refresh" (the consent flow journals
// "consent").

#include <set>
#include <string>

#include "toolauth/emulator/consent_flow.h"
#include "toolauth/emulator/tool_auth.h"
#include "toolauth/oauth/token_endpoint_client.h"
#include "toolauth/oauth/token_vault.h"

namespace toolauth::emulator {

class OAuth2ToolAuth final : public ToolAuth {
 public:
  // All must outlive this object.
  OAuth2ToolAuth(ConsentFlow& consents, oauth::TokenVault& vault,
                 oauth::TokenEndpointClient& tokens)
      : consents_(&consents), vault_(&vault), tokens_(&tokens) {}
  AuthType type() const override { return AuthType::oauth2; }
  boost::asio::awaitable<ToolAuthOutcome> authorize(const ToolCallContext& context) override;
  boost::asio::awaitable<void> refused(const ToolCallContext& context) override;

  static ConsentSubject subject(const ToolCallContext& context);

 private:
  ConsentFlow* consents_;
  oauth::TokenVault* vault_;
  oauth::TokenEndpointClient* tokens_;
  std::set<std::string> rejected_;  // vault keys whose access token the MCP server refused
};

}  // namespace toolauth::emulator
