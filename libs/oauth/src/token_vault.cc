#include "toolauth/oauth/token_vault.h"

#include <algorithm>

#include "toolauth/core/constant_time.h"
#include "toolauth/core/json.h"
#include "toolauth/jose/aes_gcm.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/oauth/error.h"

namespace toolauth::oauth {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kAssociatedDataLabel = "toolauth.vault.v1";

std::int64_t to_millis(core::Clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}
core::Clock::time_point from_millis(std::int64_t ms) {
  return core::Clock::time_point(
      std::chrono::duration_cast<core::Clock::duration>(milliseconds(ms)));
}

// Binds a sealed row to the key that sealed it, its entry and its user: a row copied
// elsewhere, or moved to another user, no longer opens.
std::string associated_data(std::string_view key_id, std::string_view entry,
                            std::string_view user) {
  std::string ad(kAssociatedDataLabel);
  for (auto part : {key_id, entry, user}) {
    ad.push_back('\0');
    ad += part;
  }
  return ad;
}

core::Error storage(const core::Error& error) {
  return core::Error{Errc::storage_error, error.message()};
}

core::Error consent_required(std::string detail) {
  return core::Error{Errc::consent_required, std::move(detail)};
}

}  // namespace

struct TokenVault::Row {
  std::string key;
  std::string user;
  std::string key_id;
  std::string sealed;
  bool refresh_in_flight = false;
};

VaultTokens VaultTokens::from(const TokenResponse& response, std::string token_url) {
  return {.access_token = response.access_token,
          .refresh_token = response.refresh_token,
          .id_token = response.id_token,
          .obtained_at = response.received_at,
          .expires_at = response.expires_at(),
          .scopes = response.scope,
          .token_url = std::move(token_url)};
}

TokenVault::TokenVault(service::StateStore& store, VaultKey key, const core::Clock& clock)
    : store_(&store), key_(std::move(key)), clock_(&clock) {}

core::Result<std::unique_ptr<TokenVault>> TokenVault::open(service::StateStore& store, VaultKey key,
                                                           const core::Clock& clock) {
  auto created = store.exec(
      "CREATE TABLE IF NOT EXISTS oauth_vault ("
      "  entry_key TEXT PRIMARY KEY,"
      "  user TEXT NOT NULL,"
      "  key_id TEXT NOT NULL,"
      "  sealed BLOB NOT NULL,"
      "  scopes TEXT NOT NULL,"
      "  token_url TEXT NOT NULL,"
      "  expires_at_ms INTEGER NOT NULL,"
      "  has_refresh_token INTEGER NOT NULL,"
      "  updated_at_ms INTEGER NOT NULL,"
      "  refresh_in_flight INTEGER NOT NULL DEFAULT 0"
      ") WITHOUT ROWID;"
      "CREATE INDEX IF NOT EXISTS oauth_vault_by_user ON oauth_vault (user);");
  if (!created.ok()) return storage(created.error());
  // A vault created before the in-flight mark existed gets the column (no mark on any row).
  auto has_mark = [&store]() -> core::Result<bool> {
    TOOLAUTH_ASSIGN_OR_RETURN(auto column,
                              store.prepare("SELECT 1 FROM pragma_table_info('oauth_vault') "
                                            "WHERE name = 'refresh_in_flight'"));
    return column.step();
  }();
  if (!has_mark.ok()) return storage(has_mark.error());
  if (!*has_mark) {
    auto added = store.exec(
        "ALTER TABLE oauth_vault ADD COLUMN refresh_in_flight INTEGER NOT NULL DEFAULT 0");
    if (!added.ok()) return storage(added.error());
  }
  return std::unique_ptr<TokenVault>(new TokenVault(store, std::move(key), clock));
}

core::Result<void> TokenVault::put(const std::string& key, const std::string& user,
                                   const VaultTokens& tokens) {
  if (key.empty() || user.empty()) {
    return core::Error{Errc::invalid_argument, "a vault entry needs a key and a user"};
  }
  if (tokens.access_token.empty()) {
    return core::Error{Errc::invalid_argument, "a vault entry needs an access token"};
  }
  const nlohmann::json payload = {{"access_token", tokens.access_token},
                                  {"refresh_token", tokens.refresh_token},
                                  {"id_token", tokens.id_token},
                                  {"obtained_at_ms", to_millis(tokens.obtained_at)},
                                  {"expires_at_ms", to_millis(tokens.expires_at)},
                                  {"scopes", tokens.scopes},
                                  {"token_url", tokens.token_url}};
  auto sealed =
      jose::aes256gcm_seal(key_.bytes(), payload.dump(), associated_data(key_.id(), key, user));
  if (!sealed.ok()) return core::Error{Errc::storage_error, sealed.error().message()};

  auto statement = store_->prepare(
      "INSERT INTO oauth_vault (entry_key, user, key_id, sealed, scopes, token_url, "
      "expires_at_ms, has_refresh_token, updated_at_ms, refresh_in_flight) VALUES (?1, ?2, ?3, "
      "?4, ?5, ?6, ?7, ?8, ?9, 0) "
      "ON CONFLICT (entry_key) DO UPDATE SET user = excluded.user, key_id = excluded.key_id, "
      "sealed = excluded.sealed, scopes = excluded.scopes, token_url = excluded.token_url, "
      "expires_at_ms = excluded.expires_at_ms, has_refresh_token = excluded.has_refresh_token, "
      "updated_at_ms = excluded.updated_at_ms, refresh_in_flight = 0");
  if (!statement.ok()) return storage(statement.error());
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(sealed->data());
  for (auto bound :
       {statement->bind(1, key), statement->bind(2, user), statement->bind(3, key_.id()),
        statement->bind_blob(4, {bytes, sealed->size()}), statement->bind(5, tokens.scopes),
        statement->bind(6, tokens.token_url),
        statement->bind(7, std::int64_t{to_millis(tokens.expires_at)}),
        statement->bind(8, std::int64_t{tokens.refresh_token.empty() ? 0 : 1}),
        statement->bind(9, std::int64_t{to_millis(clock_->now())})}) {
    if (!bound.ok()) return storage(bound.error());
  }
  if (auto done = statement->step(); !done.ok()) return storage(done.error());
  return {};
}

core::Result<std::optional<TokenVault::Row>> TokenVault::read_row(const std::string& key) const {
  auto statement = store_->prepare(
      "SELECT user, key_id, sealed, refresh_in_flight FROM oauth_vault WHERE entry_key = ?1");
  if (!statement.ok()) return storage(statement.error());
  if (auto bound = statement->bind(1, key); !bound.ok()) return storage(bound.error());
  auto found = statement->step();
  if (!found.ok()) return storage(found.error());
  if (!*found) return std::optional<Row>();
  const auto blob = statement->column_blob(2);
  return std::optional<Row>(Row{.key = key,
                                .user = statement->column_text(0),
                                .key_id = statement->column_text(1),
                                .sealed = std::string(blob.begin(), blob.end()),
                                .refresh_in_flight = statement->column_int64(3) != 0});
}

core::Result<VaultTokens> TokenVault::open_row(const Row& row) const {
  if (row.key_id != key_.id()) {
    return core::Error{Errc::entry_unreadable, "sealed under another vault key (id " + row.key_id +
                                                   ", current " + key_.id() + ")"};
  }
  auto plain = jose::aes256gcm_open(key_.bytes(), row.sealed,
                                    associated_data(row.key_id, row.key, row.user));
  if (!plain.ok()) {
    return core::Error{Errc::entry_unreadable,
                       "does not authenticate: changed, truncated or moved to another entry"};
  }
  auto payload = core::parse_json(*plain);
  const auto millis = [&](const char* name) -> std::optional<std::int64_t> {
    if (!payload.ok() || !payload->contains(name) || !(*payload)[name].is_number_integer()) {
      return std::nullopt;
    }
    return (*payload)[name].get<std::int64_t>();
  };
  const auto text = [&](const char* name) -> std::optional<std::string> {
    if (!payload.ok() || !payload->contains(name) || !(*payload)[name].is_string()) {
      return std::nullopt;
    }
    return (*payload)[name].get<std::string>();
  };
  auto access = text("access_token"), refresh = text("refresh_token"), id = text("id_token"),
       scopes = text("scopes"), url = text("token_url");
  auto obtained = millis("obtained_at_ms"), expires = millis("expires_at_ms");
  if (!access || !refresh || !id || !scopes || !url || !obtained || !expires) {
    return core::Error{Errc::entry_unreadable, "sealed payload has an unknown shape"};
  }
  return VaultTokens{.access_token = std::move(*access),
                     .refresh_token = std::move(*refresh),
                     .id_token = std::move(*id),
                     .obtained_at = from_millis(*obtained),
                     .expires_at = from_millis(*expires),
                     .scopes = std::move(*scopes),
                     .token_url = std::move(*url)};
}

core::Result<std::optional<VaultTokens>> TokenVault::get(const std::string& key) const {
  TOOLAUTH_ASSIGN_OR_RETURN(auto row, read_row(key));
  if (!row) return std::optional<VaultTokens>();
  TOOLAUTH_ASSIGN_OR_RETURN(auto tokens, open_row(*row));
  return std::optional<VaultTokens>(std::move(tokens));
}

core::Result<std::vector<VaultEntryInfo>> TokenVault::list() const {
  auto statement = store_->prepare(
      "SELECT entry_key, user, scopes, token_url, key_id, has_refresh_token, expires_at_ms, "
      "updated_at_ms, refresh_in_flight, sealed FROM oauth_vault ORDER BY entry_key");
  if (!statement.ok()) return storage(statement.error());
  std::vector<VaultEntryInfo> out;
  for (;;) {
    auto row = statement->step();
    if (!row.ok()) return storage(row.error());
    if (!*row) break;
    VaultEntryInfo info{.key = statement->column_text(0),
                        .user = statement->column_text(1),
                        .scopes = statement->column_text(2),
                        .token_url = statement->column_text(3),
                        .key_id = statement->column_text(4),
                        .has_refresh_token = statement->column_int64(5) != 0,
                        .expires_at = from_millis(statement->column_int64(6)),
                        .updated_at = from_millis(statement->column_int64(7)),
                        .refresh_in_flight = statement->column_int64(8) != 0};
    info.sealed_with_current_key = info.key_id == key_.id();
    const auto sealed = statement->column_blob(9);
    info.readable = open_row({.key = info.key,
                              .user = info.user,
                              .key_id = info.key_id,
                              .sealed = std::string(sealed.begin(), sealed.end())})
                        .ok();
    out.push_back(std::move(info));
  }
  return out;
}

core::Result<bool> TokenVault::revoke(const std::string& key) {
  auto statement = store_->prepare("DELETE FROM oauth_vault WHERE entry_key = ?1 RETURNING 1");
  if (!statement.ok()) return storage(statement.error());
  if (auto bound = statement->bind(1, key); !bound.ok()) return storage(bound.error());
  auto row = statement->step();
  if (!row.ok()) return storage(row.error());
  const bool deleted = *row;
  while (*row) {
    row = statement->step();
    if (!row.ok()) return storage(row.error());
  }
  return deleted;
}

core::Result<std::size_t> TokenVault::revoke_user(const std::string& user) {
  auto statement = store_->prepare("DELETE FROM oauth_vault WHERE user = ?1 RETURNING 1");
  if (!statement.ok()) return storage(statement.error());
  if (auto bound = statement->bind(1, user); !bound.ok()) return storage(bound.error());
  std::size_t deleted = 0;
  for (;;) {
    auto row = statement->step();
    if (!row.ok()) return storage(row.error());
    if (!*row) break;
    ++deleted;
  }
  return deleted;
}

core::Result<nlohmann::json> TokenVault::export_entries() const {
  auto statement = store_->prepare(
      "SELECT entry_key, user, key_id, sealed, scopes, token_url, expires_at_ms, "
      "has_refresh_token, updated_at_ms, refresh_in_flight FROM oauth_vault ORDER BY entry_key");
  if (!statement.ok()) return storage(statement.error());
  nlohmann::json out = nlohmann::json::object();
  for (;;) {
    auto row = statement->step();
    if (!row.ok()) return storage(row.error());
    if (!*row) break;
    const auto sealed = statement->column_blob(3);
    out[statement->column_text(0)] = {
        {"user", statement->column_text(1)},
        {"key_id", statement->column_text(2)},
        {"sealed", jose::base64url_encode(std::string(sealed.begin(), sealed.end()))},
        {"scopes", statement->column_text(4)},
        {"token_url", statement->column_text(5)},
        {"expires_at_ms", statement->column_int64(6)},
        {"has_refresh_token", statement->column_int64(7) != 0},
        {"updated_at_ms", statement->column_int64(8)},
        {"refresh_in_flight", statement->column_int64(9) != 0}};
  }
  return out;
}

core::Result<void> TokenVault::import_entries(const nlohmann::json& entries) {
  if (!entries.is_object()) {
    return core::Error{Errc::invalid_argument, "expected an object of entries by key"};
  }
  // Check every member before touching anything.
  struct Imported {
    std::string key, user, key_id, sealed, scopes, token_url;
    std::int64_t expires_at_ms, updated_at_ms;
    bool has_refresh_token;
    bool refresh_in_flight = false;
  };
  std::vector<Imported> rows;
  for (const auto& item : entries.items()) {
    const std::string& key = item.key();
    const auto& entry = item.value();
    const auto bad = [&key](std::string_view member) {
      return core::Error{Errc::invalid_argument,
                         key + "." + std::string(member) + ": missing or of the wrong type"};
    };
    if (key.empty() || !entry.is_object()) return bad("(entry)");
    Imported row{.key = key};
    for (auto [member, target] :
         {std::pair{"user", &row.user}, std::pair{"key_id", &row.key_id},
          std::pair{"scopes", &row.scopes}, std::pair{"token_url", &row.token_url}}) {
      if (!entry.contains(member) || !entry[member].is_string()) return bad(member);
      *target = entry[member].get<std::string>();
    }
    for (auto [member, target] : {std::pair{"expires_at_ms", &row.expires_at_ms},
                                  std::pair{"updated_at_ms", &row.updated_at_ms}}) {
      if (!entry.contains(member) || !entry[member].is_number_integer()) return bad(member);
      *target = entry[member].get<std::int64_t>();
    }
    if (!entry.contains("has_refresh_token") || !entry["has_refresh_token"].is_boolean()) {
      return bad("has_refresh_token");
    }
    row.has_refresh_token = entry["has_refresh_token"].get<bool>();
    // Optional (exports made before the mark existed have none).
    if (entry.contains("refresh_in_flight")) {
      if (!entry["refresh_in_flight"].is_boolean()) return bad("refresh_in_flight");
      row.refresh_in_flight = entry["refresh_in_flight"].get<bool>();
    }
    if (!entry.contains("sealed") || !entry["sealed"].is_string()) return bad("sealed");
    auto sealed = jose::base64url_decode(entry["sealed"].get<std::string>());
    if (!sealed.ok() || row.user.empty()) return bad(row.user.empty() ? "user" : "sealed");
    row.sealed = std::move(*sealed);
    rows.push_back(std::move(row));
  }
  auto done = store_->transaction([&]() -> core::Result<void> {
    TOOLAUTH_RETURN_IF_ERROR(store_->exec("DELETE FROM oauth_vault"));
    for (const auto& row : rows) {
      TOOLAUTH_ASSIGN_OR_RETURN(
          auto insert,
          store_->prepare("INSERT INTO oauth_vault (entry_key, user, key_id, sealed, scopes, "
                          "token_url, expires_at_ms, has_refresh_token, updated_at_ms, "
                          "refresh_in_flight) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(row.sealed.data());
      TOOLAUTH_RETURN_IF_ERROR(insert.bind(1, row.key));
      TOOLAUTH_RETURN_IF_ERROR(insert.bind(2, row.user));
      TOOLAUTH_RETURN_IF_ERROR(insert.bind(3, row.key_id));
      TOOLAUTH_RETURN_IF_ERROR(insert.bind_blob(4, {bytes, row.sealed.size()}));
      TOOLAUTH_RETURN_IF_ERROR(insert.bind(5, row.scopes));
      TOOLAUTH_RETURN_IF_ERROR(insert.bind(6, row.token_url));
      TOOLAUTH_RETURN_IF_ERROR(insert.bind(7, row.expires_at_ms));
      TOOLAUTH_RETURN_IF_ERROR(insert.bind(8, std::int64_t{row.has_refresh_token ? 1 : 0}));
      TOOLAUTH_RETURN_IF_ERROR(insert.bind(9, row.updated_at_ms));
      TOOLAUTH_RETURN_IF_ERROR(insert.bind(10, std::int64_t{row.refresh_in_flight ? 1 : 0}));
      TOOLAUTH_RETURN_IF_ERROR(insert.step());
    }
    return {};
  });
  if (!done.ok()) return storage(done.error());
  return {};
}

boost::asio::awaitable<core::Result<FreshTokens>> TokenVault::fresh(std::string key,
                                                                    Refresher refresh,
                                                                    FreshOptions options) {
  auto current = get(key);
  if (!current.ok()) co_return current.error();
  if (!*current) co_return consent_required("no tokens stored for this entry");
  const auto& tokens = **current;
  if (!options.rejected_access_token.empty()) {
    // Someone refreshed since this caller read the token: use theirs, do not refresh again.
    if (!core::constant_time_equal(options.rejected_access_token, tokens.access_token)) {
      co_return FreshTokens{tokens, false};
    }
  } else {
    const auto lifetime =
        std::max<core::Clock::duration>(tokens.expires_at - tokens.obtained_at, {});
    const auto margin = std::min<core::Clock::duration>(options.margin, lifetime / 2);
    if (clock_->now() < tokens.expires_at - margin) co_return FreshTokens{tokens, false};
  }
  co_return co_await flights_.run(
      key, [this, key, refresh = std::move(refresh)] { return refresh_entry(key, refresh); });
}

core::Result<void> TokenVault::mark_refresh_in_flight(const std::string& key, bool in_flight) {
  // One autocommit statement: with synchronous=FULL it is on disk when step() returns.
  TOOLAUTH_ASSIGN_OR_RETURN(
      auto update,
      store_->prepare("UPDATE oauth_vault SET refresh_in_flight = ?1 WHERE entry_key = ?2"));
  TOOLAUTH_RETURN_IF_ERROR(update.bind(1, std::int64_t{in_flight ? 1 : 0}));
  TOOLAUTH_RETURN_IF_ERROR(update.bind(2, key));
  TOOLAUTH_RETURN_IF_ERROR(update.step());
  return {};
}

boost::asio::awaitable<core::Result<FreshTokens>> TokenVault::refresh_entry(std::string key,
                                                                            Refresher refresh) {
  auto row = read_row(key);
  if (!row.ok()) co_return row.error();
  if (!*row) co_return consent_required("no tokens stored for this entry");
  auto current = open_row(**row);
  if (!current.ok()) co_return current.error();
  const std::string user = (*row)->user;
  if ((*row)->refresh_in_flight) {
    // Only one flight per entry runs in this process, and this is it: the mark was left by a
    // refresh whose outcome never reached the vault (the process died, or the answer was
    // lost). The IdP may have redeemed and rotated that refresh token, and presenting it again
    // would be reuse (RFC 9700 §4.14.2: the whole family is revoked). Never send it again.
    if (auto deleted = revoke(key); !deleted.ok()) co_return deleted.error();
    co_return consent_required(
        "an earlier refresh of this entry never completed (the emulator stopped or the answer "
        "was lost); its refresh token may have been rotated, so it is not sent again");
  }
  if (current->refresh_token.empty()) {
    if (auto deleted = revoke(key); !deleted.ok()) co_return deleted.error();
    co_return consent_required("the access token expired and there is no refresh token");
  }
  const std::string sent = current->refresh_token;
  // Durable before the refresh token leaves: whatever happens from here until the answer is
  // stored, a restarted process finds the mark and does not present this token again.
  if (auto marked = mark_refresh_in_flight(key, true); !marked.ok())
    co_return storage(marked.error());
  ++refreshes_;
  auto answer = co_await refresh(*current);

  // The entry may have been revoked, or replaced by a new consent, while the refresh was out.
  auto stored = get(key);
  if (!stored.ok()) co_return stored.error();
  const bool unchanged = *stored && core::constant_time_equal((*stored)->refresh_token, sent);
  if (*stored && !unchanged) co_return FreshTokens{**stored, false};
  if (!answer.ok()) {
    const auto& error = answer.error();
    if (error.needs_consent() || error.outcome_unknown()) {
      if (unchanged) {
        if (auto deleted = revoke(key); !deleted.ok()) co_return deleted.error();
      }
      co_return consent_required(error.needs_consent()
                                     ? "refresh refused: " + error.summary()
                                     : "the refresh's outcome is unknown (" + error.summary() +
                                           "); its refresh token may have been rotated");
    }
    if (!*stored) co_return consent_required("the entry was revoked while it was being refreshed");
    // The IdP answered and refused: the refresh token was not redeemed and stays usable.
    if (auto cleared = mark_refresh_in_flight(key, false); !cleared.ok())
      co_return storage(cleared.error());
    co_return core::Error{error.is_transient() ? Errc::refresh_unavailable : Errc::refresh_rejected,
                          error.summary()};
  }
  if (!*stored) co_return consent_required("the entry was revoked while it was being refreshed");

  auto updated = VaultTokens::from(*answer, current->token_url);
  // RFC 6749 §6: without a new refresh token the old one stays valid.
  if (updated.refresh_token.empty()) updated.refresh_token = sent;
  if (updated.scopes.empty()) updated.scopes = current->scopes;
  // Replaces the tokens and clears the mark in one statement.
  if (auto saved = put(key, user, updated); !saved.ok()) co_return saved.error();
  co_return FreshTokens{std::move(updated), true};
}

}  // namespace toolauth::oauth
