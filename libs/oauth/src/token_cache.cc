#include "toolauth/oauth/token_cache.h"

#include <algorithm>

namespace toolauth::oauth {

TokenCache::TokenCache(const core::Clock& clock, TokenCacheOptions options)
    : clock_(&clock), options_(options) {}

std::string TokenCache::map_key(const TokenCacheKey& key) {
  // A NUL cannot occur in either part as configured, so the pair maps to one key.
  return key.source + '\0' + key.audience;
}

core::Clock::time_point TokenCache::serve_until(const CachedToken& token) const {
  const auto lifetime = token.expires_at - token.obtained_at;
  const auto margin = std::min<core::Clock::duration>(
      options_.margin, std::max(lifetime, core::Clock::duration::zero()) / 2);
  return token.expires_at - margin;
}

boost::asio::awaitable<TokenCache::Result> TokenCache::get(TokenCacheKey key, Fetch fetch) {
  const auto id = map_key(key);
  if (auto it = tokens_.find(id); it != tokens_.end() && clock_->now() < serve_until(it->second)) {
    ++stats_.hits;
    auto token = it->second;
    token.from_cache = true;
    co_return token;
  }
  const bool joining = flights_.in_flight(id);
  if (joining) ++stats_.joined;
  co_return co_await flights_.run(
      id, [this, id, fetch = std::move(fetch)]() -> boost::asio::awaitable<Result> {
        ++stats_.fetches;
        auto fetched = co_await fetch();
        if (!fetched.ok()) {
          ++stats_.failures;
          co_return fetched.error();
        }
        CachedToken token{.access_token = std::move(fetched->access_token),
                          .obtained_at = fetched->received_at,
                          .expires_at = fetched->expires_at(),
                          .scope = std::move(fetched->scope)};
        tokens_[id] = token;
        co_return token;
      });
}

void TokenCache::invalidate(const TokenCacheKey& key) { tokens_.erase(map_key(key)); }

void TokenCache::clear() { tokens_.clear(); }

TokenCacheStats TokenCache::stats() const { return stats_; }

}  // namespace toolauth::oauth
