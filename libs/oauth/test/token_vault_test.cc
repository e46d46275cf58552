#include "toolauth/oauth/token_vault.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>

#include "idp_for_oauth.h"
#include "temp_dir.h"
#include "toolauth/http/error.h"
#include "toolauth/oauth/authorization_request.h"
#include "toolauth/oauth/error.h"
#include "toolauth/oauth/pkce.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::oauth {
namespace {

namespace net = boost::asio;
using std::chrono::seconds;

const std::string kEntry = "alpha/github/alice-oid";
const std::string kUser = "alice-oid";

// A refresher that records the refresh tokens it was sent and answers with a new pair, an
// error, or holds at a gate until the test opens it.
class FakeRefresher {
 public:
  explicit FakeRefresher(const core::Clock& clock) : clock_(clock) {}

  TokenVault::Refresher refresher() {
    return [this](const VaultTokens& current) -> net::awaitable<TokenResult> {
      sent.push_back(current.refresh_token);
      if (gate) co_await gate->async_wait(net::as_tuple(net::use_awaitable));
      if (failure) co_return *failure;
      TokenResponse response;
      response.access_token = "access-" + std::to_string(sent.size() + 1);
      if (rotate) response.refresh_token = "refresh-" + std::to_string(sent.size() + 1);
      response.expires_in = seconds(3600);
      response.received_at = clock_.now();
      co_return response;
    };
  }

  std::vector<std::string> sent;
  std::shared_ptr<net::steady_timer> gate;
  std::optional<TokenError> failure;
  bool rotate = true;

 private:
  const core::Clock& clock_;
};

TokenError failure_of(TokenFailure kind, std::string error, int status) {
  TokenError e;
  e.failure = kind;
  e.error = std::move(error);
  e.http_status = status;
  return e;
}

class TokenVaultTest : public ::testing::Test {
 protected:
  TokenVaultTest() { reopen(VaultKey::generate()); }

  void reopen(VaultKey key) {
    vault_.reset();
    vault_ = TokenVault::open(*store_, std::move(key), clock_).value();
  }
  VaultTokens tokens(std::string access = "access-1", std::string refresh = "refresh-1") {
    return {.access_token = std::move(access),
            .refresh_token = std::move(refresh),
            .id_token = "id-1",
            .obtained_at = clock_.now(),
            .expires_at = clock_.now() + seconds(3600),
            .scopes = "api://mcp/Tools.Read offline_access",
            .token_url = "https://login.example/t/oauth2/v2.0/token"};
  }
  core::Result<FreshTokens> fresh(FakeRefresher& refresher, FreshOptions options = {}) {
    return toolauth::testing::run_sync<core::Result<FreshTokens>>(
        [&]() { return vault_->fresh(kEntry, refresher.refresher(), options); });
  }
  std::vector<std::uint8_t> sealed_blob() {
    auto select = store_->prepare("SELECT sealed FROM oauth_vault WHERE entry_key = ?1").value();
    EXPECT_TRUE(select.bind(1, kEntry).ok());
    EXPECT_TRUE(select.step().value());
    return select.column_blob(0);
  }
  void set_sealed_blob(const std::vector<std::uint8_t>& bytes) {
    auto update =
        store_->prepare("UPDATE oauth_vault SET sealed = ?1 WHERE entry_key = ?2").value();
    ASSERT_TRUE(update.bind_blob(1, bytes).ok());
    ASSERT_TRUE(update.bind(2, kEntry).ok());
    ASSERT_TRUE(update.step().ok());
  }
  void sql(const std::string& statement) { ASSERT_TRUE(store_->exec(statement).ok()) << statement; }
  void expect_unreadable(std::string_view detail) {
    auto entry = vault_->get(kEntry);
    ASSERT_FALSE(entry.ok());
    EXPECT_EQ(entry.code(), Errc::entry_unreadable);
    EXPECT_NE(entry.error().detail.find(detail), std::string::npos) << entry.error().detail;
  }

  core::ManualClock clock_;
  std::unique_ptr<service::StateStore> store_ = service::StateStore::open(":memory:").value();
  std::unique_ptr<TokenVault> vault_;
};

TEST_F(TokenVaultTest, PutThenGetRoundTripsEveryField) {
  const auto stored = tokens();
  ASSERT_TRUE(vault_->put(kEntry, kUser, stored).ok());
  auto entry = vault_->get(kEntry);
  ASSERT_TRUE(entry.ok() && entry->has_value());
  const auto& got = **entry;
  EXPECT_EQ(got.access_token, stored.access_token);
  EXPECT_EQ(got.refresh_token, stored.refresh_token);
  EXPECT_EQ(got.id_token, stored.id_token);
  EXPECT_EQ(got.obtained_at, stored.obtained_at);
  EXPECT_EQ(got.expires_at, stored.expires_at);
  EXPECT_EQ(got.scopes, stored.scopes);
  EXPECT_EQ(got.token_url, stored.token_url);
  EXPECT_FALSE(vault_->get("no/such/entry").value().has_value());
}

TEST_F(TokenVaultTest, NoTokenIsStoredInPlaintext) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens("ACCESS-SECRET", "REFRESH-SECRET")).ok());
  auto rows = store_->prepare("SELECT * FROM oauth_vault").value();
  ASSERT_TRUE(rows.step().value());
  for (int column = 0; column < rows.column_count(); ++column) {
    const auto blob = rows.column_blob(column);
    const std::string bytes(blob.begin(), blob.end());
    EXPECT_EQ(bytes.find("ACCESS-SECRET"), std::string::npos) << column;
    EXPECT_EQ(bytes.find("REFRESH-SECRET"), std::string::npos) << column;
    EXPECT_EQ(bytes.find("id-1"), std::string::npos) << column;
  }
}

TEST_F(TokenVaultTest, ListingShowsMetadataOnly) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  ASSERT_TRUE(vault_->put("alpha/github/bob-oid", "bob-oid", tokens("a2", "")).ok());
  auto entries = vault_->list().value();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].key, kEntry);
  EXPECT_EQ(entries[0].user, kUser);
  EXPECT_EQ(entries[0].scopes, "api://mcp/Tools.Read offline_access");
  EXPECT_EQ(entries[0].token_url, "https://login.example/t/oauth2/v2.0/token");
  EXPECT_EQ(entries[0].expires_at, clock_.now() + seconds(3600));
  EXPECT_TRUE(entries[0].has_refresh_token);
  EXPECT_TRUE(entries[0].sealed_with_current_key);
  EXPECT_EQ(entries[0].key_id, vault_->key_id());
  EXPECT_FALSE(entries[1].has_refresh_token);
}

TEST_F(TokenVaultTest, RevokeByKeyAndByUser) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  ASSERT_TRUE(vault_->put("beta/github/alice-oid", kUser, tokens()).ok());
  ASSERT_TRUE(vault_->put("alpha/github/bob-oid", "bob-oid", tokens()).ok());
  EXPECT_TRUE(vault_->revoke(kEntry).value());
  EXPECT_FALSE(vault_->revoke(kEntry).value());
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  EXPECT_EQ(vault_->revoke_user(kUser).value(), 2u);
  auto left = vault_->list().value();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].user, "bob-oid");
}

TEST_F(TokenVaultTest, RejectsEntriesWithoutKeyUserOrAccessToken) {
  EXPECT_EQ(vault_->put("", kUser, tokens()).code(), Errc::invalid_argument);
  EXPECT_EQ(vault_->put(kEntry, "", tokens()).code(), Errc::invalid_argument);
  EXPECT_EQ(vault_->put(kEntry, kUser, tokens("")).code(), Errc::invalid_argument);
}

TEST_F(TokenVaultTest, TamperedCiphertextMakesTheEntryUnreadableNotGarbage) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  auto sealed = sealed_blob();
  for (std::size_t at : {std::size_t{0}, std::size_t{12}, sealed.size() / 2, sealed.size() - 1}) {
    auto tampered = sealed;
    tampered[at] ^= 0x01;
    set_sealed_blob(tampered);
    expect_unreadable("does not authenticate");
  }
  set_sealed_blob(sealed);
  EXPECT_TRUE(vault_->get(kEntry).ok());
}

TEST_F(TokenVaultTest, TruncatedRowIsUnreadable) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  sql("UPDATE oauth_vault SET sealed = substr(sealed, 1, 20)");
  expect_unreadable("does not authenticate");
  FakeRefresher refresher(clock_);
  auto result = fresh(refresher);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.code(), Errc::entry_unreadable);
  EXPECT_TRUE(refresher.sent.empty());
  EXPECT_EQ(vault_->list().value().size(), 1u);  // listing still works
}

TEST_F(TokenVaultTest, RowCopiedToAnotherEntryDoesNotOpen) {
  // Mallory copies Alice's sealed tokens onto her own entry.
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens("alice-access")).ok());
  ASSERT_TRUE(vault_->put("alpha/github/mallory-oid", "mallory-oid", tokens("m")).ok());
  sql("UPDATE oauth_vault SET sealed = (SELECT sealed FROM oauth_vault WHERE entry_key = '" +
      kEntry + "') WHERE entry_key = 'alpha/github/mallory-oid'");
  auto entry = vault_->get("alpha/github/mallory-oid");
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.code(), Errc::entry_unreadable);
}

TEST_F(TokenVaultTest, RowMovedToAnotherUserDoesNotOpen) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  sql("UPDATE oauth_vault SET user = 'mallory-oid'");
  expect_unreadable("does not authenticate");
}

TEST_F(TokenVaultTest, RowSealedUnderAnotherKeyIsReportedAsSuch) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  const auto old_id = vault_->key_id();
  reopen(VaultKey::generate());
  expect_unreadable("another vault key");
  auto listed = vault_->list().value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_FALSE(listed[0].sealed_with_current_key);
  EXPECT_EQ(listed[0].key_id, old_id);
}

TEST_F(TokenVaultTest, RowRelabelledWithTheCurrentKeyIdStillDoesNotOpen) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  reopen(VaultKey::generate());
  sql("UPDATE oauth_vault SET key_id = '" + vault_->key_id() + "'");
  expect_unreadable("does not authenticate");
}

TEST_F(TokenVaultTest, ExportStaysSealedAndImportsIntoAnotherStore) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens("EXPORTED-ACCESS", "EXPORTED-REFRESH")).ok());
  const auto exported = vault_->export_entries().value();
  const auto text = exported.dump();
  EXPECT_EQ(text.find("EXPORTED-ACCESS"), std::string::npos);
  EXPECT_EQ(text.find("EXPORTED-REFRESH"), std::string::npos);
  EXPECT_EQ(exported[kEntry]["user"], kUser);

  // Imported back (as after a reset): the entry reads again.
  ASSERT_TRUE(vault_->revoke(kEntry).value());
  ASSERT_TRUE(vault_->import_entries(exported).ok());
  EXPECT_EQ(vault_->get(kEntry).value()->access_token, "EXPORTED-ACCESS");

  // Another key: the rows import as they are and are reported unreadable.
  auto other_store = service::StateStore::open(":memory:").value();
  auto foreign = TokenVault::open(*other_store, VaultKey::generate(), clock_).value();
  ASSERT_TRUE(foreign->import_entries(exported).ok());
  auto entry = foreign->get(kEntry);
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.code(), Errc::entry_unreadable);
}

TEST_F(TokenVaultTest, MalformedImportChangesNothing) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  auto exported = vault_->export_entries().value();
  exported["alpha/other/user"] = exported[kEntry];
  exported["alpha/other/user"]["sealed"] = "not*base64url";
  auto imported = vault_->import_entries(exported);
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.code(), Errc::invalid_argument);
  EXPECT_NE(imported.error().detail.find("alpha/other/user.sealed"), std::string::npos);
  EXPECT_EQ(vault_->import_entries(nlohmann::json::array()).code(), Errc::invalid_argument);
  EXPECT_EQ(vault_->list().value().size(), 1u);
  EXPECT_TRUE(vault_->get(kEntry).ok());
}

TEST(TokenVaultRestartTest, SurvivesARestartWithTheFileDatabaseAndKeyFile) {
  service::testing::TempDir dir;
  core::ManualClock clock;
  const auto db = dir.file("state.db");
  VaultTokens stored{.access_token = "a",
                     .refresh_token = "r",
                     .obtained_at = clock.now(),
                     .expires_at = clock.now() + seconds(60),
                     .scopes = "s",
                     .token_url = "https://login.example/token"};
  {
    auto store = service::StateStore::open(db).value();
    auto vault =
        TokenVault::open(*store, VaultKey::load(dir.path(), std::nullopt).value(), clock).value();
    ASSERT_TRUE(vault->put(kEntry, kUser, stored).ok());
  }
  auto store = service::StateStore::open(db).value();
  auto vault =
      TokenVault::open(*store, VaultKey::load(dir.path(), std::nullopt).value(), clock).value();
  auto entry = vault->get(kEntry);
  ASSERT_TRUE(entry.ok()) << entry.error().message();
  ASSERT_TRUE(entry->has_value());
  EXPECT_EQ((*entry)->access_token, "a");
  EXPECT_EQ((*entry)->refresh_token, "r");
  EXPECT_EQ((*entry)->expires_at, stored.expires_at);
}

TEST_F(TokenVaultTest, FreshServesAValidTokenWithoutRefreshing) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  FakeRefresher refresher(clock_);
  clock_.advance(seconds(3299));
  auto result = fresh(refresher);
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->refreshed);
  EXPECT_EQ(result->tokens.access_token, "access-1");
  EXPECT_TRUE(refresher.sent.empty());
}

TEST_F(TokenVaultTest, FreshRefreshesNearExpiryAndStoresTheNewPair) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  FakeRefresher refresher(clock_);
  clock_.advance(seconds(3300));
  auto result = fresh(refresher);
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_TRUE(result->refreshed);
  EXPECT_EQ(refresher.sent, std::vector<std::string>{"refresh-1"});
  EXPECT_EQ(result->tokens.access_token, "access-2");
  EXPECT_EQ(result->tokens.scopes, "api://mcp/Tools.Read offline_access");  // kept
  auto stored = vault_->get(kEntry).value().value();
  EXPECT_EQ(stored.access_token, "access-2");
  EXPECT_EQ(stored.refresh_token, "refresh-2");
  EXPECT_EQ(stored.expires_at, clock_.now() + seconds(3600));
}

TEST_F(TokenVaultTest, RefreshWithoutANewRefreshTokenKeepsTheOldOne) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  FakeRefresher refresher(clock_);
  refresher.rotate = false;
  clock_.advance(seconds(3600));
  ASSERT_TRUE(fresh(refresher).ok());
  EXPECT_EQ(vault_->get(kEntry).value()->refresh_token, "refresh-1");
}

TEST_F(TokenVaultTest, ConcurrentCallsNeverSendTheSameRefreshTokenTwice) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  clock_.advance(seconds(3600));
  net::io_context io;
  FakeRefresher refresher(clock_);
  refresher.gate = std::make_shared<net::steady_timer>(io, net::steady_timer::time_point::max());
  std::vector<std::optional<core::Result<FreshTokens>>> results(6);
  for (auto& slot : results) {
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
          slot.emplace(co_await vault_->fresh(kEntry, refresher.refresher()));
        },
        net::detached);
  }
  io.poll();
  EXPECT_EQ(refresher.sent.size(), 1u);
  refresher.gate->cancel();
  io.run();
  EXPECT_EQ(refresher.sent, std::vector<std::string>{"refresh-1"});
  for (const auto& result : results) {
    ASSERT_TRUE(result && result->ok());
    EXPECT_EQ((*result)->tokens.access_token, "access-2");
  }
}

TEST_F(TokenVaultTest, InvalidGrantDeletesTheEntryAndAsksForConsent) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  clock_.advance(seconds(3600));
  FakeRefresher refresher(clock_);
  refresher.failure = failure_of(TokenFailure::invalid_grant, "invalid_grant", 400);
  auto result = fresh(refresher);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.code(), Errc::consent_required);
  EXPECT_NE(result.error().detail.find("invalid_grant"), std::string::npos);
  EXPECT_FALSE(vault_->get(kEntry).value().has_value());
}

TEST_F(TokenVaultTest, TransientFailureKeepsTheEntry) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  clock_.advance(seconds(3600));
  FakeRefresher refresher(clock_);
  refresher.failure = failure_of(TokenFailure::transient, "temporarily_unavailable", 503);
  auto result = fresh(refresher);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.code(), Errc::refresh_unavailable);
  EXPECT_TRUE(vault_->get(kEntry).value().has_value());

  refresher.failure = failure_of(TokenFailure::rejected, "invalid_client", 401);
  EXPECT_EQ(fresh(refresher).code(), Errc::refresh_rejected);
  EXPECT_TRUE(vault_->get(kEntry).value().has_value());
}

TEST_F(TokenVaultTest, ExpiredEntryWithoutRefreshTokenNeedsConsent) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens("access-1", "")).ok());
  clock_.advance(seconds(3600));
  FakeRefresher refresher(clock_);
  EXPECT_EQ(fresh(refresher).code(), Errc::consent_required);
  EXPECT_TRUE(refresher.sent.empty());
  EXPECT_FALSE(vault_->get(kEntry).value().has_value());
}

TEST_F(TokenVaultTest, MissingEntryNeedsConsent) {
  FakeRefresher refresher(clock_);
  EXPECT_EQ(fresh(refresher).code(), Errc::consent_required);
}

TEST_F(TokenVaultTest, AResourceServer401RefreshesOnceEvenWhenReportedTwice) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  FakeRefresher refresher(clock_);
  auto first = fresh(refresher, {.rejected_access_token = "access-1"});
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->refreshed);
  // A second tool call that had read access-1 before the refresh: it gets access-2, no refresh.
  auto second = fresh(refresher, {.rejected_access_token = "access-1"});
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->refreshed);
  EXPECT_EQ(second->tokens.access_token, "access-2");
  EXPECT_EQ(refresher.sent.size(), 1u);
}

TEST_F(TokenVaultTest, RevokedWhileRefreshingIsNotResurrected) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  clock_.advance(seconds(3600));
  net::io_context io;
  FakeRefresher refresher(clock_);
  refresher.gate = std::make_shared<net::steady_timer>(io, net::steady_timer::time_point::max());
  std::optional<core::Result<FreshTokens>> result;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        result.emplace(co_await vault_->fresh(kEntry, refresher.refresher()));
      },
      net::detached);
  io.poll();
  ASSERT_TRUE(vault_->revoke_user(kUser).ok());
  refresher.gate->cancel();
  io.run();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->code(), Errc::consent_required);
  EXPECT_FALSE(vault_->get(kEntry).value().has_value());
}

// The "refresh in flight" mark (crash safety): a refresh token whose refresh may have been
// redeemed without the answer reaching the vault is never presented again.
class TokenVaultInFlightTest : public ::testing::Test {
 protected:
  TokenVaultInFlightTest() { vault_ = open_vault(*store_); }

  // Another StateStore on the same file: what a restarted process sees on disk.
  std::unique_ptr<service::StateStore> open_store() const {
    return service::StateStore::open(dir_.file("emulator.db")).value();
  }
  std::unique_ptr<TokenVault> open_vault(service::StateStore& store) const {
    return TokenVault::open(store, VaultKey::load(dir_.path(), std::nullopt).value(), clock_)
        .value();
  }
  static bool marked_on_disk(service::StateStore& store) {
    auto select =
        store.prepare("SELECT refresh_in_flight FROM oauth_vault WHERE entry_key = ?1").value();
    EXPECT_TRUE(select.bind(1, kEntry).ok());
    EXPECT_TRUE(select.step().value());
    return select.column_int64(0) != 0;
  }
  VaultTokens expiring_tokens() const {
    return {.access_token = "access-1",
            .refresh_token = "refresh-1",
            .obtained_at = clock_.now(),
            .expires_at = clock_.now() + seconds(3600),
            .scopes = "s",
            .token_url = "https://login.example/token"};
  }
  core::Result<FreshTokens> fresh_in(TokenVault& vault, FakeRefresher& refresher) {
    return toolauth::testing::run_sync<core::Result<FreshTokens>>(
        [&]() { return vault.fresh(kEntry, refresher.refresher()); });
  }

  service::testing::TempDir dir_;
  core::ManualClock clock_;
  std::unique_ptr<service::StateStore> store_ = open_store();
  std::unique_ptr<TokenVault> vault_;
};

TEST_F(TokenVaultInFlightTest, TheMarkIsOnDiskBeforeTheRefreshTokenLeaves) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, expiring_tokens()).ok());
  EXPECT_FALSE(marked_on_disk(*open_store()));
  clock_.advance(seconds(3600));
  bool marked_when_sent = false;
  TokenVault::Refresher refresher = [&](const VaultTokens&) -> net::awaitable<TokenResult> {
    // Read through another connection: only committed data is visible there.
    marked_when_sent = marked_on_disk(*open_store());
    TokenResponse response;
    response.access_token = "access-2";
    response.refresh_token = "refresh-2";
    response.expires_in = seconds(3600);
    response.received_at = clock_.now();
    co_return response;
  };
  auto result = toolauth::testing::run_sync<core::Result<FreshTokens>>(
      [&]() { return vault_->fresh(kEntry, refresher); });
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_TRUE(marked_when_sent);
  // Stored with the new pair, in the same statement that clears the mark.
  EXPECT_FALSE(marked_on_disk(*open_store()));
  EXPECT_EQ(vault_->get(kEntry).value()->refresh_token, "refresh-2");
}

TEST_F(TokenVaultInFlightTest, KilledMidRefreshTheNextProcessNeverSendsThatRefreshTokenAgain) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, expiring_tokens()).ok());
  clock_.advance(seconds(3600));
  {
    // The first process sends refresh-1 and dies before the answer is stored.
    net::io_context io;
    FakeRefresher first(clock_);
    first.gate = std::make_shared<net::steady_timer>(io, net::steady_timer::time_point::max());
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> { (void)co_await vault_->fresh(kEntry, first.refresher()); },
        net::detached);
    io.poll();
    ASSERT_EQ(first.sent, std::vector<std::string>{"refresh-1"});
    io.stop();
  }
  vault_.reset();
  store_.reset();

  auto restarted_store = open_store();
  auto restarted = open_vault(*restarted_store);
  auto listed = restarted->list().value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0].refresh_in_flight);
  EXPECT_TRUE(listed[0].readable);
  FakeRefresher second(clock_);
  auto result = fresh_in(*restarted, second);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.code(), Errc::consent_required);
  EXPECT_NE(result.error().detail.find("never completed"), std::string::npos);
  EXPECT_TRUE(second.sent.empty());
  EXPECT_FALSE(restarted->get(kEntry).value().has_value());

  // A new consent replaces the entry without a mark; it refreshes normally.
  ASSERT_TRUE(restarted->put(kEntry, kUser, expiring_tokens()).ok());
  EXPECT_FALSE(marked_on_disk(*restarted_store));
  clock_.advance(seconds(3600));
  ASSERT_TRUE(fresh_in(*restarted, second).ok());
  EXPECT_EQ(second.sent, std::vector<std::string>{"refresh-1"});
}

TEST_F(TokenVaultInFlightTest, AMarkedEntryServesItsAccessTokenWhileItIsFresh) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, expiring_tokens()).ok());
  ASSERT_TRUE(store_->exec("UPDATE oauth_vault SET refresh_in_flight = 1").ok());
  FakeRefresher refresher(clock_);
  auto result = fresh_in(*vault_, refresher);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->tokens.access_token, "access-1");
  EXPECT_FALSE(result->refreshed);
  EXPECT_TRUE(refresher.sent.empty());
}

TEST_F(TokenVaultInFlightTest, AnErrorAnswerClearsTheMarkAndKeepsTheRefreshToken) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, expiring_tokens()).ok());
  clock_.advance(seconds(3600));
  FakeRefresher refresher(clock_);
  refresher.failure = failure_of(TokenFailure::transient, "temporarily_unavailable", 503);
  EXPECT_EQ(fresh_in(*vault_, refresher).code(), Errc::refresh_unavailable);
  EXPECT_FALSE(marked_on_disk(*store_));
  // The IdP refused it, so it was not redeemed: the retry may send it again.
  refresher.failure.reset();
  ASSERT_TRUE(fresh_in(*vault_, refresher).ok());
  EXPECT_EQ(refresher.sent, (std::vector<std::string>{"refresh-1", "refresh-1"}));
}

TEST_F(TokenVaultInFlightTest, ALostAnswerCountsTheRefreshTokenAsSpent) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, expiring_tokens()).ok());
  clock_.advance(seconds(3600));
  FakeRefresher refresher(clock_);
  // Connect refused: nothing left, the entry stays and is not marked.
  refresher.failure = transport_failure(core::Error{http::Errc::connect_failed, "refused"});
  EXPECT_EQ(fresh_in(*vault_, refresher).code(), Errc::refresh_unavailable);
  EXPECT_FALSE(marked_on_disk(*store_));
  // Timed out waiting for the answer: the IdP may have rotated it.
  refresher.failure = transport_failure(core::Error{http::Errc::timeout, "no answer"});
  auto result = fresh_in(*vault_, refresher);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.code(), Errc::consent_required);
  EXPECT_NE(result.error().detail.find("outcome is unknown"), std::string::npos);
  EXPECT_FALSE(vault_->get(kEntry).value().has_value());
  EXPECT_EQ(refresher.sent.size(), 2u);
}

TEST_F(TokenVaultInFlightTest, TheMarkTravelsInExportsAndOldExportsImportUnmarked) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, expiring_tokens()).ok());
  ASSERT_TRUE(store_->exec("UPDATE oauth_vault SET refresh_in_flight = 1").ok());
  auto exported = vault_->export_entries().value();
  EXPECT_EQ(exported[kEntry]["refresh_in_flight"], true);
  ASSERT_TRUE(vault_->import_entries(exported).ok());
  EXPECT_TRUE(marked_on_disk(*store_));
  exported[kEntry].erase("refresh_in_flight");
  ASSERT_TRUE(vault_->import_entries(exported).ok());
  EXPECT_FALSE(marked_on_disk(*store_));
  exported[kEntry]["refresh_in_flight"] = "yes";
  auto refused = vault_->import_entries(exported);
  EXPECT_EQ(refused.code(), Errc::invalid_argument);
  EXPECT_NE(refused.error().detail.find("refresh_in_flight"), std::string::npos);
}

TEST_F(TokenVaultInFlightTest, AVaultMadeBeforeTheMarkGetsItsColumnAndKeepsItsEntries) {
  vault_.reset();
  store_.reset();
  std::filesystem::remove(dir_.file("emulator.db"));
  store_ = open_store();
  ASSERT_TRUE(
      store_
          ->exec("CREATE TABLE oauth_vault (entry_key TEXT PRIMARY KEY, user TEXT NOT NULL, "
                 "key_id TEXT NOT NULL, sealed BLOB NOT NULL, scopes TEXT NOT NULL, "
                 "token_url TEXT NOT NULL, expires_at_ms INTEGER NOT NULL, "
                 "has_refresh_token INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL) "
                 "WITHOUT ROWID")
          .ok());
  ASSERT_TRUE(store_
                  ->exec("INSERT INTO oauth_vault VALUES ('old/entry', 'u', 'k', x'00', 's', "
                         "'https://login.example/token', 0, 1, 0)")
                  .ok());
  vault_ = open_vault(*store_);
  auto listed = vault_->list().value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_FALSE(listed[0].refresh_in_flight);
  EXPECT_FALSE(listed[0].readable);
  ASSERT_TRUE(vault_->put(kEntry, kUser, expiring_tokens()).ok());
  EXPECT_TRUE(vault_->get(kEntry).ok());
  vault_ = open_vault(*store_);  // opening again finds the column
}

TEST_F(TokenVaultTest, ListingTellsWhetherEachRowOpens) {
  ASSERT_TRUE(vault_->put(kEntry, kUser, tokens()).ok());
  ASSERT_TRUE(vault_->put("alpha/github/bob-oid", "bob-oid", tokens()).ok());
  sql("UPDATE oauth_vault SET sealed = substr(sealed, 1, 20) WHERE user = 'bob-oid'");
  auto listed = vault_->list().value();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_TRUE(listed[0].readable);
  EXPECT_FALSE(listed[1].readable);
}

// Against the real IdP: alice signs in once, then concurrent tool calls after expiry cause
// exactly one refresh at the IdP; revoking her refresh tokens there leads to consent_required.
TEST(TokenVaultIdpTest, ConcurrentCallsRefreshOnceAtTheIdpAndRevocationAsksForConsent) {
  oauth::testing::OauthIdp idp;
  auto store = service::StateStore::open(":memory:").value();
  auto vault = TokenVault::open(*store, VaultKey::generate(), idp.clock()).value();
  const auto connector = ClientAuthentication::secret_post(idp.client_id("clients", "connector"),
                                                           idp.secret("clients", "connector"));
  const std::string redirect = idp.world("clients", "connector")["redirect_uris"][0];
  const auto pkce = Pkce::generate().value();
  auto url = build_authorization_url(
      {.authorization_url = idp.authorize_url(),
       .client_id = connector.client_id,
       .redirect_uri = redirect,
       .scopes = {idp.world("resources", "mcp-api").value("app_id_uri", "") + "/Tools.Read"},
       .state = "s",
       .code_challenge = pkce.challenge});
  ASSERT_TRUE(url.ok());
  const auto code = std::string(idp.sign_in(*url, "alice").get("code").value_or(""));
  auto granted = idp.run_token([&](TokenEndpointClient& client) {
    return client.authorization_code(
        idp.token_url(), connector,
        {.code = code, .redirect_uri = redirect, .code_verifier = pkce.verifier});
  });
  ASSERT_TRUE(granted.ok()) << granted.error().summary();
  const std::string oid = idp.world("users", "alice")["oid"];
  ASSERT_TRUE(vault->put(kEntry, oid, VaultTokens::from(*granted, idp.token_url())).ok());

  idp.clock().advance(seconds(3600));
  const auto seq = idp.journal_seq();
  auto refresh_with = [&](TokenEndpointClient& client) -> TokenVault::Refresher {
    return [&client, &connector](const VaultTokens& current) {
      return client.refresh(current.token_url, connector, {.refresh_token = current.refresh_token});
    };
  };
  auto results = idp.run_concurrently<core::Result<FreshTokens>>(
      8, [&](TokenEndpointClient& client, http::Client&) {
        return vault->fresh(kEntry, refresh_with(client));
      });
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.error().message();
    EXPECT_EQ(result->tokens.access_token, results.front()->tokens.access_token);
    EXPECT_NE(result->tokens.access_token, granted->access_token);
  }
  EXPECT_EQ(idp.journal("token", seq, {{"grant_type", "refresh_token"}}).size(), 1u);

  const auto connector_id = connector.client_id;
  const auto revoked = idp.server().on_server_thread([&] {
    return idp.server().server().provider().refresh_tokens().revoke_user("alice", connector_id);
  });
  ASSERT_GT(revoked, 0u);
  auto after_revocation =
      idp.run<core::Result<FreshTokens>>([&](TokenEndpointClient& client, http::Client&) {
        return vault->fresh(kEntry, refresh_with(client),
                            {.rejected_access_token = results.front()->tokens.access_token});
      });
  ASSERT_FALSE(after_revocation.ok());
  EXPECT_EQ(after_revocation.code(), Errc::consent_required);
  EXPECT_FALSE(vault->get(kEntry).value().has_value());
}

}  // namespace
}  // namespace toolauth::oauth
