#pragma once
// Per-user delegated tokens (OAuth2 identity passthrough), encrypted at rest and refreshed
// single-flight.
//
// Entries are addressed by an opaque key (the emulator uses project/connection/user) and hold
// the access token, refresh token, expiry, granted scopes and the token URL they came from.
// They live in the state store's table `oauth_vault`; the tokens (and everything needed to
// use them) are sealed with AES-256-GCM under the VaultKey, with associated data
//   "toolauth.vault.v1" NUL key-id NUL entry-key NUL user
// so a row edited, copied to another entry or user, or sealed under another key does not
// open: get() reports Errc::entry_unreadable (never garbage, never a crash), and the detail
// says whether the key id differs or the row was tampered with. Plain columns (user, scopes,
// token URL, expiry, whether a refresh token exists) serve the admin plane's listing, which
// never returns a secret.
//
// fresh() is what a tool call uses: it returns the stored tokens while the access token is
// good for longer than the margin, and otherwise refreshes — one refresh per entry at a time:
// concurrent callers wait for the refresh in flight, so a refresh token is never sent twice.
// The refreshed pair replaces the old one in one statement. A refresh refused with
// invalid_grant (or interaction_required) deletes the entry and reports consent_required;
// a refusal the IdP answered with a transient error keeps the entry and reports
// refresh_unavailable. After a resource server answered 401, pass the rejected access token:
// the entry is refreshed unless someone already replaced that token.
//
// Crash safety: before a refresh token is sent, the entry is marked "refresh in flight" in a
// committed (fsynced) statement; storing the answer clears the mark in the same statement that
// replaces the tokens, and an error answer from the IdP clears it. An IdP that rotates refresh
// tokens may have redeemed the token as soon as the request left, so an entry whose mark
// survives — the process was killed before the answer was stored, or the answer was lost on
// the way (TokenError::outcome_unknown) — never presents that token again: its next refresh
// deletes the entry and reports consent_required, and the user consents again. (Presenting it
// would be refresh-token reuse, for which RFC 9700 §4.14.2 has the IdP revoke the family.)
// Its access token is still served while it is fresh.
//
// Threading: one thread (the StateStore's). The store and clock must outlive the vault, and
// the vault the fresh() calls in flight.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/oauth/token_response.h"
#include "toolauth/oauth/vault_key.h"
#include "toolauth/service/single_flight.h"
#include "toolauth/service/state_store.h"

namespace toolauth::oauth {

struct VaultTokens {
  std::string access_token;
  std::string refresh_token;  // empty: the entry cannot be refreshed
  std::string id_token;
  core::Clock::time_point obtained_at;
  core::Clock::time_point expires_at;
  std::string scopes;     // as granted, space-separated
  std::string token_url;  // the URL that issued them

  // From a token endpoint answer; `token_url` is where it was sent.
  static VaultTokens from(const TokenResponse& response, std::string token_url);
};

// What the admin plane may show: no token, no secret.
struct VaultEntryInfo {
  std::string key;
  std::string user;
  std::string scopes;
  std::string token_url;
  std::string key_id;  // the key that sealed the row
  bool sealed_with_current_key = true;
  bool has_refresh_token = false;
  core::Clock::time_point expires_at;
  core::Clock::time_point updated_at;
  bool refresh_in_flight = false;  // a refresh was sent and its answer is not stored (yet)
  bool readable = false;           // opens and authenticates under the current key
};

struct FreshTokens {
  VaultTokens tokens;
  bool refreshed = false;  // for journals: "refresh" rather than "cache"
};

struct FreshOptions {
  static constexpr std::chrono::seconds kDefaultMargin{300};
  // Refresh when the access token has less than this left (capped at half its lifetime).
  std::chrono::seconds margin = kDefaultMargin;
  // The access token a resource server just refused: refresh unless it was replaced already.
  std::string rejected_access_token;
};

class TokenVault {
 public:
  // Given the stored tokens, refreshes them (TokenEndpointClient::refresh to the connection's
  // refresh URL with its client credentials).
  using Refresher = std::function<boost::asio::awaitable<TokenResult>(const VaultTokens&)>;

  // Creates the table when missing (and adds the in-flight mark's column to an older one).
  // Errors: Errc::storage_error.
  static core::Result<std::unique_ptr<TokenVault>> open(service::StateStore& store, VaultKey key,
                                                        const core::Clock& clock);

  // Inserts or replaces the entry. Errors: Errc::invalid_argument (empty key or user, no
  // access token), Errc::storage_error.
  core::Result<void> put(const std::string& key, const std::string& user,
                         const VaultTokens& tokens);
  // nullopt when there is no entry. Errors: Errc::entry_unreadable, Errc::storage_error.
  core::Result<std::optional<VaultTokens>> get(const std::string& key) const;
  // Metadata of every entry, ordered by key.
  core::Result<std::vector<VaultEntryInfo>> list() const;
  // Whether there was an entry.
  core::Result<bool> revoke(const std::string& key);
  // How many entries of `user` were deleted.
  core::Result<std::size_t> revoke_user(const std::string& user);

  // Every row as stored — still sealed, so an export holds no readable token — for the admin
  // plane's state export: {"<entry key>": {"user", "key_id", "sealed" (base64url), "scopes",
  // "token_url", "expires_at_ms", "has_refresh_token", "updated_at_ms", "refresh_in_flight"}}
  // (refresh_in_flight is optional on import: false when absent).
  core::Result<nlohmann::json> export_entries() const;
  // Replaces every entry with those of an export, in one transaction: on any error nothing
  // has changed. Rows sealed under another key import as they are (and read as
  // entry_unreadable). Errors: Errc::invalid_argument naming the bad member, storage_error.
  core::Result<void> import_entries(const nlohmann::json& entries);

  // Errors: Errc::consent_required (no entry, no refresh token, the refresh was refused
  // with invalid_grant / interaction_required, or an earlier refresh never completed: the
  // entry is gone), Errc::refresh_unavailable
  // (transient; the entry is kept), Errc::refresh_rejected (misconfiguration; kept),
  // Errc::entry_unreadable, Errc::storage_error. Details name the IdP's error (summary()).
  boost::asio::awaitable<core::Result<FreshTokens>> fresh(std::string key, Refresher refresh,
                                                          FreshOptions options = {});

  const std::string& key_id() const { return key_.id(); }
  // Refreshes sent to a refresher since open (for tests and the admin plane).
  std::uint64_t refreshes() const { return refreshes_; }

 private:
  TokenVault(service::StateStore& store, VaultKey key, const core::Clock& clock);
  struct Row;
  core::Result<std::optional<Row>> read_row(const std::string& key) const;
  core::Result<VaultTokens> open_row(const Row& row) const;
  core::Result<void> mark_refresh_in_flight(const std::string& key, bool in_flight);
  boost::asio::awaitable<core::Result<FreshTokens>> refresh_entry(std::string key,
                                                                  Refresher refresh);

  service::StateStore* store_;
  VaultKey key_;
  const core::Clock* clock_;
  service::SingleFlight<core::Result<FreshTokens>> flights_;
  std::uint64_t refreshes_ = 0;
};

}  // namespace toolauth::oauth
