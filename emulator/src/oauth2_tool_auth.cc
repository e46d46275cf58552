#include "toolauth/emulator/oauth2_tool_auth.h"

#include <algorithm>

#include "toolauth/oauth/authorization_request.h"
#include "toolauth/oauth/error.h"

namespace toolauth::emulator {

namespace {

// One refresh at the connection's refresh URL (its token URL when none is set).
boost::asio::awaitable<oauth::TokenResult> refresh_at(oauth::TokenEndpointClient* tokens,
                                                      OAuth2Settings settings,
                                                      std::string refresh_token,
                                                      bool keep_first_refresh_token) {
  const auto client =
      settings.client_secret.empty()
          ? oauth::ClientAuthentication::public_client(settings.client_id)
          : oauth::ClientAuthentication::secret_post(settings.client_id, settings.client_secret);
  const auto url = settings.refresh_url.empty() ? settings.token_url : settings.refresh_url;
  auto answer = co_await tokens->refresh(
      url, client,
      {.refresh_token = refresh_token, .scope = oauth::scope_string(settings.scopes, true)});
  // Defect reuse-refresh-token: the rotated refresh token is dropped, the old one kept.
  if (keep_first_refresh_token && answer.ok()) answer->refresh_token = refresh_token;
  co_return answer;
}

}  // namespace

ConsentSubject OAuth2ToolAuth::subject(const ToolCallContext& context) {
  return {context.project, context.connection->name, context.caller.tid, context.caller.oid};
}

bool OAuth2ToolAuth::expiring(const oauth::VaultTokens& tokens) const {
  const auto lifetime = std::max<core::Clock::duration>(tokens.expires_at - tokens.obtained_at, {});
  const auto margin =
      std::min<core::Clock::duration>(oauth::FreshOptions::kDefaultMargin, lifetime / 2);
  return clock_->now() >= tokens.expires_at - margin;
}

boost::asio::awaitable<ToolAuthOutcome> OAuth2ToolAuth::authorize(const ToolCallContext& context) {
  auto outcome = co_await delegated_tokens(context);
  if (auto* consent = std::get_if<ConsentRequired>(&outcome)) co_return *consent;
  if (auto* failure = std::get_if<ToolAuthFailure>(&outcome)) co_return *failure;
  const auto& fresh = std::get<oauth::FreshTokens>(outcome);
  ToolCredentials credentials;
  credentials.headers.set("Authorization", "Bearer " + fresh.tokens.access_token);
  credentials.source = fresh.refreshed ? "refresh" : "cache";
  co_return credentials;
}

bool OAuth2ToolAuth::consented(const ToolCallContext& context) const {
  auto current = vault_->get(subject(context).vault_key(defects_));
  return current.ok() && current->has_value();
}

ConsentRequired OAuth2ToolAuth::ask_consent(const ToolCallContext& context) {
  return consents_->issue(subject(context), context.response_id);
}

boost::asio::awaitable<OAuth2ToolAuth::Delegated> OAuth2ToolAuth::delegated_tokens(
    const ToolCallContext& context) {
  const auto who = subject(context);
  if (!context.connection->oauth2) {
    co_return ToolAuthFailure{"connection_invalid",
                              "the connection '" + who.connection + "' has no OAuth2 settings"};
  }
  if (consents_->declined(who, context.previous_response_id)) {
    // The error is the code itself, as the continuation's mcp_call shows it.
    co_return ToolAuthFailure{"consent_declined", "consent_declined"};
  }
  const auto key = who.vault_key(defects_);
  oauth::FreshOptions options;
  if (rejected_.erase(key) > 0) {
    // Refresh unless the refused token was replaced already (by a concurrent refresh).
    if (auto current = vault_->get(key); current.ok() && current->has_value())
      options.rejected_access_token = (*current)->access_token;
  }
  if (defects_.has(Defect::no_refresh) && options.rejected_access_token.empty()) {
    // An expiring token is thrown away instead of refreshed: the user must consent again.
    if (auto current = vault_->get(key);
        current.ok() && current->has_value() && expiring(**current)) {
      (void)vault_->revoke(key);
      co_return consents_->issue(who, context.response_id);
    }
  }
  auto refresh = [tokens = tokens_, settings = *context.connection->oauth2,
                  keep =
                      defects_.has(Defect::reuse_refresh_token)](const oauth::VaultTokens& stored) {
    return refresh_at(tokens, settings, stored.refresh_token, keep);
  };
  core::Result<oauth::FreshTokens> fresh = core::Error{oauth::Errc::consent_required, ""};
  if (defects_.has(Defect::no_single_flight)) {
    fresh = co_await fresh_without_single_flight(key, who.oid, refresh, options);
  } else {
    fresh = co_await vault_->fresh(key, refresh, options);
  }
  if (fresh.ok()) co_return std::move(*fresh);
  const auto& error = fresh.error().code;
  if (error == oauth::Errc::consent_required || error == oauth::Errc::entry_unreadable) {
    // A row that no longer opens is as good as none: ask the user again.
    if (error == oauth::Errc::entry_unreadable) (void)vault_->revoke(key);
    co_return consents_->issue(who, context.response_id);
  }
  co_return ToolAuthFailure{"token_refresh_failed", "the token refresh for '" + who.connection +
                                                        "' failed: " + fresh.error().detail};
}

boost::asio::awaitable<core::Result<oauth::FreshTokens>>
OAuth2ToolAuth::fresh_without_single_flight(std::string key, std::string user,
                                            oauth::TokenVault::Refresher refresh,
                                            oauth::FreshOptions options) {
  auto current = vault_->get(key);
  if (!current.ok()) co_return current.error();
  if (!*current || (*current)->refresh_token.empty())
    co_return core::Error{oauth::Errc::consent_required, "no tokens stored for this entry"};
  const auto tokens = **current;
  if (options.rejected_access_token.empty() && !expiring(tokens))
    co_return oauth::FreshTokens{tokens, false};
  // Every caller that gets here refreshes, whoever else is refreshing the same entry.
  auto answer = co_await refresh(tokens);
  if (!answer.ok()) {
    if (!answer.error().needs_consent())
      co_return core::Error{oauth::Errc::refresh_unavailable, answer.error().summary()};
    (void)vault_->revoke(key);
    co_return core::Error{oauth::Errc::consent_required, answer.error().summary()};
  }
  auto updated = oauth::VaultTokens::from(*answer, tokens.token_url);
  if (updated.refresh_token.empty()) updated.refresh_token = tokens.refresh_token;
  if (updated.scopes.empty()) updated.scopes = tokens.scopes;
  if (auto saved = vault_->put(key, user, updated); !saved.ok()) co_return saved.error();
  co_return oauth::FreshTokens{std::move(updated), true};
}

boost::asio::awaitable<void> OAuth2ToolAuth::refused(const ToolCallContext& context) {
  rejected_.insert(subject(context).vault_key(defects_));
  co_return;
}

}  // namespace toolauth::emulator
