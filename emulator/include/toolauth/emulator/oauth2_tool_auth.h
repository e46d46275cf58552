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
#include <variant>

#include "toolauth/core/clock.h"
#include "toolauth/emulator/consent_flow.h"
#include "toolauth/emulator/defects.h"
#include "toolauth/emulator/tool_auth.h"
#include "toolauth/oauth/token_endpoint_client.h"
#include "toolauth/oauth/token_vault.h"

namespace toolauth::emulator {

class OAuth2ToolAuth final : public ToolAuth {
 public:
  // All must outlive this object. Defects honoured here: no-refresh, reuse-refresh-token,
  // no-single-flight and the vault keys' (consent_flow.h).
  OAuth2ToolAuth(ConsentFlow& consents, oauth::TokenVault& vault,
                 oauth::TokenEndpointClient& tokens, const core::Clock& clock,
                 EmulatorDefects defects = {})
      : consents_(&consents), vault_(&vault), tokens_(&tokens), clock_(&clock), defects_(defects) {}
  AuthType type() const override { return AuthType::oauth2; }
  boost::asio::awaitable<ToolAuthOutcome> authorize(const ToolCallContext& context) override;
  boost::asio::awaitable<void> refused(const ToolCallContext& context) override;

  // The user's fresh delegated tokens for the connection, or what stops them (a new consent
  // request, or a failure), by the same rules as authorize(): the runtime API hands them to a
  // hosted agent's container.
  using Delegated = std::variant<oauth::FreshTokens, ConsentRequired, ToolAuthFailure>;
  boost::asio::awaitable<Delegated> delegated_tokens(const ToolCallContext& context);
  // Whether the vault holds an entry for the context's user and connection (consent given and
  // not revoked; the tokens may need a refresh).
  bool consented(const ToolCallContext& context) const;
  // A new consent request for the context's user and connection, in its response.
  ConsentRequired ask_consent(const ToolCallContext& context);

  static ConsentSubject subject(const ToolCallContext& context);

 private:
  bool expiring(const oauth::VaultTokens& tokens) const;
  // Defect no-single-flight: TokenVault::fresh without its single flight.
  boost::asio::awaitable<core::Result<oauth::FreshTokens>> fresh_without_single_flight(
      std::string key, std::string user, oauth::TokenVault::Refresher refresh,
      oauth::FreshOptions options);

  ConsentFlow* consents_;
  oauth::TokenVault* vault_;
  oauth::TokenEndpointClient* tokens_;
  const core::Clock* clock_;
  EmulatorDefects defects_;
  std::set<std::string> rejected_;  // vault keys whose access token the MCP server refused
};

}  // namespace toolauth::emulator
