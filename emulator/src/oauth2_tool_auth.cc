#include "toolauth/emulator/oauth2_tool_auth.h"

#include "toolauth/oauth/authorization_request.h"
#include "toolauth/oauth/error.h"

namespace toolauth::emulator {

ConsentSubject OAuth2ToolAuth::subject(const ToolCallContext& context) {
  return {context.project, context.connection->name, context.caller.tid, context.caller.oid};
}

boost::asio::awaitable<ToolAuthOutcome> OAuth2ToolAuth::authorize(const ToolCallContext& context) {
  const auto who = subject(context);
  if (!context.connection->oauth2) {
    co_return ToolAuthFailure{"connection_invalid",
                              "the connection '" + who.connection + "' has no OAuth2 settings"};
  }
  if (consents_->declined(who, context.previous_response_id)) {
    // The error is the code itself, as the continuation's mcp_call shows it.
    co_return ToolAuthFailure{"consent_declined", "consent_declined"};
  }
  const auto key = who.vault_key();
  oauth::FreshOptions options;
  if (rejected_.erase(key) > 0) {
    // Refresh unless the refused token was replaced already (by a concurrent refresh).
    if (auto current = vault_->get(key); current.ok() && current->has_value())
      options.rejected_access_token = (*current)->access_token;
  }
  const auto settings = *context.connection->oauth2;
  auto* tokens = tokens_;
  auto refresh = [tokens, settings](const oauth::VaultTokens& stored) {
    const auto client =
        settings.client_secret.empty()
            ? oauth::ClientAuthentication::public_client(settings.client_id)
            : oauth::ClientAuthentication::secret_post(settings.client_id, settings.client_secret);
    const auto url = settings.refresh_url.empty() ? settings.token_url : settings.refresh_url;
    return tokens->refresh(url, client,
                           {.refresh_token = stored.refresh_token,
                            .scope = oauth::scope_string(settings.scopes, true)});
  };
  auto fresh = co_await vault_->fresh(key, refresh, options);
  if (fresh.ok()) {
    ToolCredentials credentials;
    credentials.headers.set("Authorization", "Bearer " + fresh->tokens.access_token);
    credentials.source = fresh->refreshed ? "refresh" : "cache";
    co_return credentials;
  }
  const auto& error = fresh.error().code;
  if (error == oauth::Errc::consent_required || error == oauth::Errc::entry_unreadable) {
    // A row that no longer opens is as good as none: ask the user again.
    if (error == oauth::Errc::entry_unreadable) (void)vault_->revoke(key);
    co_return consents_->issue(who, context.response_id);
  }
  co_return ToolAuthFailure{"token_refresh_failed", "the token refresh for '" + who.connection +
                                                        "' failed: " + fresh.error().detail};
}

boost::asio::awaitable<void> OAuth2ToolAuth::refused(const ToolCallContext& context) {
  rejected_.insert(subject(context).vault_key());
  co_return;
}

}  // namespace toolauth::emulator
