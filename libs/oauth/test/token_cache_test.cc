#include "toolauth/oauth/token_cache.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "idp_for_oauth.h"
#include "toolauth/oauth/managed_identity_client.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::oauth {
namespace {

namespace net = boost::asio;
using std::chrono::seconds;

// A fetcher that counts its calls, mints "token-<n>" with the given lifetime on the test's
// clock, and can be held at a gate or made to fail.
class CountingFetcher {
 public:
  CountingFetcher(const core::Clock& clock, seconds lifetime)
      : clock_(clock), lifetime_(lifetime) {}

  TokenCache::Fetch fetch() {
    return [this]() -> net::awaitable<TokenResult> {
      ++calls;
      if (gate) co_await gate->async_wait(net::as_tuple(net::use_awaitable));
      if (failure) co_return *failure;
      TokenResponse token;
      token.access_token = "token-" + std::to_string(calls);
      token.expires_in = lifetime_;
      token.received_at = clock_.now();
      co_return token;
    };
  }

  int calls = 0;
  std::shared_ptr<net::steady_timer> gate;
  std::optional<TokenError> failure;

 private:
  const core::Clock& clock_;
  seconds lifetime_;
};

class TokenCacheTest : public ::testing::Test {
 protected:
  TokenCache::Result get(const TokenCacheKey& key, CountingFetcher& fetcher) {
    return toolauth::testing::run_sync<TokenCache::Result>(
        [&]() -> net::awaitable<TokenCache::Result> {
          co_return co_await cache_.get(key, fetcher.fetch());
        });
  }
  std::string token(const TokenCacheKey& key, CountingFetcher& fetcher) {
    auto result = get(key, fetcher);
    EXPECT_TRUE(result.ok());
    return result.ok() ? result->access_token : std::string();
  }

  core::ManualClock clock_;
  TokenCache cache_{clock_, {.margin = seconds(300)}};
  const TokenCacheKey key_{"mi:project-alpha", "api://mcp/.default"};
};

TEST_F(TokenCacheTest, ServesOneTokenUntilTheMarginBeforeExpiryThenFetchesAnother) {
  CountingFetcher fetcher(clock_, seconds(3600));
  auto first = get(key_, fetcher);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->from_cache);
  EXPECT_EQ(first->expires_at, clock_.now() + seconds(3600));

  clock_.advance(seconds(3299));
  auto cached = get(key_, fetcher);
  ASSERT_TRUE(cached.ok());
  EXPECT_TRUE(cached->from_cache);
  EXPECT_EQ(cached->access_token, "token-1");
  EXPECT_EQ(fetcher.calls, 1);

  clock_.advance(seconds(1));  // 300 s before expiry: refreshed while still valid
  EXPECT_EQ(token(key_, fetcher), "token-2");
  EXPECT_EQ(fetcher.calls, 2);
  EXPECT_EQ(cache_.stats().hits, 1u);
  EXPECT_EQ(cache_.stats().fetches, 2u);
}

TEST_F(TokenCacheTest, MarginIsCappedAtHalfTheLifetime) {
  CountingFetcher fetcher(clock_, seconds(120));  // shorter than two margins
  EXPECT_EQ(token(key_, fetcher), "token-1");
  clock_.advance(seconds(59));
  EXPECT_EQ(token(key_, fetcher), "token-1");
  clock_.advance(seconds(1));
  EXPECT_EQ(token(key_, fetcher), "token-2");
}

TEST_F(TokenCacheTest, ATokenWithoutLifetimeIsNeverServedFromTheCache) {
  CountingFetcher fetcher(clock_, seconds(0));
  EXPECT_EQ(token(key_, fetcher), "token-1");
  EXPECT_EQ(token(key_, fetcher), "token-2");
}

TEST_F(TokenCacheTest, SourceAndAudienceBothSeparateEntries) {
  CountingFetcher fetcher(clock_, seconds(3600));
  EXPECT_EQ(token(key_, fetcher), "token-1");
  EXPECT_EQ(token({key_.source, "https://graph.microsoft.com/.default"}, fetcher), "token-2");
  EXPECT_EQ(token({"mi:tools-uami", key_.audience}, fetcher), "token-3");
  EXPECT_EQ(token(key_, fetcher), "token-1");
  EXPECT_EQ(cache_.size(), 3u);
}

TEST_F(TokenCacheTest, InvalidateMakesTheNextGetFetch) {
  CountingFetcher fetcher(clock_, seconds(3600));
  EXPECT_EQ(token(key_, fetcher), "token-1");
  cache_.invalidate(key_);
  EXPECT_EQ(token(key_, fetcher), "token-2");
}

TEST_F(TokenCacheTest, ConcurrentGetsAtExpiryCauseOneFetch) {
  net::io_context io;
  CountingFetcher fetcher(clock_, seconds(3600));
  fetcher.gate = std::make_shared<net::steady_timer>(io, net::steady_timer::time_point::max());
  std::vector<std::optional<TokenCache::Result>> results(10);
  for (auto& slot : results) {
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> { slot.emplace(co_await cache_.get(key_, fetcher.fetch())); },
        net::detached);
  }
  io.poll();
  EXPECT_EQ(fetcher.calls, 1);  // nine callers are waiting, not fetching
  fetcher.gate->cancel();
  io.run();
  for (const auto& result : results) {
    ASSERT_TRUE(result && result->ok());
    EXPECT_EQ((*result)->access_token, "token-1");
  }
  EXPECT_EQ(cache_.stats().fetches, 1u);
  EXPECT_EQ(cache_.stats().joined, 9u);
}

TEST_F(TokenCacheTest, AFailedFetchReachesEveryWaiterAndIsNotCached) {
  net::io_context io;
  CountingFetcher fetcher(clock_, seconds(3600));
  fetcher.gate = std::make_shared<net::steady_timer>(io, net::steady_timer::time_point::max());
  TokenError throttled;
  throttled.failure = TokenFailure::transient;
  throttled.http_status = 429;
  fetcher.failure = throttled;
  std::vector<std::optional<TokenCache::Result>> results(5);
  for (auto& slot : results) {
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> { slot.emplace(co_await cache_.get(key_, fetcher.fetch())); },
        net::detached);
  }
  io.poll();
  fetcher.gate->cancel();
  io.run();
  for (const auto& result : results) {
    ASSERT_TRUE(result.has_value());
    ASSERT_FALSE(result->ok());
    EXPECT_EQ(result->error().http_status, 429);
    EXPECT_TRUE(result->error().is_transient());
  }
  EXPECT_EQ(fetcher.calls, 1);
  EXPECT_EQ(cache_.stats().failures, 1u);
  EXPECT_EQ(cache_.size(), 0u);

  fetcher.gate.reset();
  fetcher.failure.reset();
  EXPECT_EQ(token(key_, fetcher), "token-2");  // the next get tries again
}

TEST(TokenCacheIdpTest, ConcurrentRequestsForAManagedIdentityTokenCauseOneIdpCall) {
  oauth::testing::OauthIdp idp;
  const auto env = idp.ready()["env"];
  const auto resource = idp.world("resources", "mcp-api").value("app_id_uri", "");
  TokenCache cache(idp.clock());
  const auto seq = idp.journal_seq();
  constexpr std::size_t kCallers = 12;
  auto results = idp.run_concurrently<TokenCache::Result>(
      kCallers,
      [&](TokenEndpointClient&, http::Client& http) -> net::awaitable<TokenCache::Result> {
        auto client = std::make_shared<ManagedIdentityClient>(
            http, idp.clock(),
            ManagedIdentityEndpoint::app_service(env["IDENTITY_ENDPOINT"], env["IDENTITY_HEADER"]));
        co_return co_await cache.get({"mi:system", resource},
                                     [client, resource] { return client->get_token(resource); });
      });
  ASSERT_EQ(results.size(), kCallers);
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.error().summary();
    EXPECT_EQ(result->access_token, results.front()->access_token);
  }
  EXPECT_EQ(idp.journal("managed_identity", seq).size(), 1u);
  EXPECT_EQ(cache.stats().fetches, 1u);
  EXPECT_EQ(cache.stats().joined, kCallers - 1);
}

}  // namespace
}  // namespace toolauth::oauth
