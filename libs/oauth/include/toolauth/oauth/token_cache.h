#pragma once
// Access tokens an engine obtains for itself (managed identity, Agent ID, client
// credentials), kept per (source, audience) and served until shortly before they expire.
//
//   TokenCache cache(clock, {.margin = std::chrono::minutes(5)});
//   auto token = co_await cache.get({"mi:project-alpha", "api://mcp/.default"},
//                                   [&] { return mi.get_token("api://mcp"); });
//
// - A token is served while now < expires_at - margin, on the shared core::Clock. The margin
//   is capped at half the token's lifetime, so a short-lived token is still reused for half
//   its life instead of never. The first get() after that point fetches a new one: tokens are
//   refreshed before they expire, never after.
// - Single-flight per key: concurrent get()s of one key while it is being fetched wait for
//   that one fetch; a failure reaches every one of them and is not cached (the next get()
//   after it tries again). No thundering herd at expiry.
// - invalidate() drops a token a resource server refused (401), so the next get() fetches.
//
// Threading: as SingleFlight (one thread). The clock must outlive the cache.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "toolauth/core/clock.h"
#include "toolauth/oauth/token_response.h"
#include "toolauth/service/single_flight.h"

namespace toolauth::oauth {

struct TokenCacheKey {
  std::string source;    // who the token is for: "mi:<client id>", "agent:<client id>", ...
  std::string audience;  // the scope or resource asked for
};

struct TokenCacheOptions {
  static constexpr std::chrono::seconds kDefaultMargin{300};
  std::chrono::seconds margin = kDefaultMargin;
};

struct CachedToken {
  std::string access_token;
  core::Clock::time_point obtained_at;
  core::Clock::time_point expires_at;
  std::string scope;
  bool from_cache = false;  // served without a fetch (for journals: "cache" or "new")
};

struct TokenCacheStats {
  std::uint64_t hits = 0;
  std::uint64_t fetches = 0;   // fetches started
  std::uint64_t joined = 0;    // get()s that waited for another's fetch
  std::uint64_t failures = 0;  // fetches that failed
};

class TokenCache {
 public:
  using Fetch = std::function<boost::asio::awaitable<TokenResult>()>;
  using Result = core::Result<CachedToken, TokenError>;

  explicit TokenCache(const core::Clock& clock, TokenCacheOptions options = {});

  boost::asio::awaitable<Result> get(TokenCacheKey key, Fetch fetch);

  // Forgets the token of `key` (a fetch in flight still completes and is stored).
  void invalidate(const TokenCacheKey& key);
  void clear();
  std::size_t size() const { return tokens_.size(); }
  TokenCacheStats stats() const;

  // Until when `token` is served: expires_at - min(margin, lifetime / 2).
  core::Clock::time_point serve_until(const CachedToken& token) const;

 private:
  static std::string map_key(const TokenCacheKey& key);

  const core::Clock* clock_;
  TokenCacheOptions options_;
  std::map<std::string, CachedToken> tokens_;
  service::SingleFlight<Result> flights_;
  TokenCacheStats stats_;
};

}  // namespace toolauth::oauth
