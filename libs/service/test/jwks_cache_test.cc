#include "toolauth/service/jwks_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "server_support.h"
#include "toolauth/core/clock.h"
#include "toolauth/jose/key.h"

namespace toolauth::service {
namespace {

namespace net = boost::asio;

// A JWKS endpoint with one EC key, kid "k1", counting the fetches it serves.
class JwksEndpoint {
 public:
  JwksEndpoint()
      : server_([this](http::Request&) -> net::awaitable<http::Response> {
          ++served_;
          co_return http::Response::json(200, jwks_);
        }) {
    auto key = jose::PrivateKey::generate_ec_p256();
    if (!key.ok()) throw std::runtime_error("no key");
    auto jwk = key->public_key().to_jwk();
    jwk["kid"] = "k1";
    jwk["use"] = "sig";
    jwk["alg"] = "ES256";
    jwks_ = {{"keys", nlohmann::json::array({jwk})}};
  }
  std::string url() const { return server_.url("/keys"); }
  int served() const { return served_; }

 private:
  nlohmann::json jwks_;
  std::atomic<int> served_ = 0;
  testing::ServerThread server_;
};

TEST(JwksCacheTest, ConcurrentFirstCallersShareOneFetchAndNoneIsRefused) {
  JwksEndpoint endpoint;
  core::ManualClock clock;
  net::io_context io;
  http::Client client(io.get_executor());
  JwksCache cache(endpoint.url(), client, clock);
  // All callers start before the fetch can answer: it needs a round trip over loopback.
  int ok = 0;
  int refused = 0;
  for (int i = 0; i < 16; ++i) {
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> { ++((co_await cache.ensure("k1")).ok() ? ok : refused); },
        net::detached);
  }
  io.run();
  EXPECT_EQ(ok, 16);
  EXPECT_EQ(refused, 0);
  EXPECT_EQ(cache.fetches(), 1u);
  EXPECT_EQ(endpoint.served(), 1);
}

TEST(JwksCacheTest, AnUnknownKidRefetchesAtMostOncePerCooldown) {
  JwksEndpoint endpoint;
  core::ManualClock clock;
  testing::run_sync<int>([&]() -> net::awaitable<int> {
    http::Client client(co_await net::this_coro::executor);
    JwksCache cache(endpoint.url(), client, clock);
    EXPECT_TRUE((co_await cache.ensure("k1")).ok());
    // Within the cooldown of the first fetch: no fetch (the keys at hand answer).
    EXPECT_TRUE((co_await cache.ensure("forged-kid")).ok());
    EXPECT_EQ(cache.fetches(), 1u);
    clock.advance(JwksCache::kDefaultCooldown);
    EXPECT_TRUE((co_await cache.ensure("forged-kid")).ok());
    EXPECT_TRUE((co_await cache.ensure("another-forged-kid")).ok());
    EXPECT_EQ(cache.fetches(), 2u);
    EXPECT_FALSE(cache.has("forged-kid"));
    co_return 0;
  });
  EXPECT_EQ(endpoint.served(), 2);
}

}  // namespace
}  // namespace toolauth::service
