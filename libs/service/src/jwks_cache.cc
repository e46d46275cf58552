#include "toolauth/service/jwks_cache.h"

namespace toolauth::service {

namespace {
constexpr const char* kKeys = "keys";  // the one flight: this cache fetches one URL
}  // namespace

JwksCache::JwksCache(std::string url, http::Client& client, const core::Clock& clock,
                     std::chrono::seconds cooldown, std::chrono::seconds max_age)
    : url_(std::move(url)),
      client_(&client),
      clock_(&clock),
      cooldown_(cooldown),
      max_age_(max_age) {}

boost::asio::awaitable<core::Result<void>> JwksCache::ensure(std::string_view kid) {
  const auto now = clock_->now();
  const bool stale = !fetched_at_ || now - *fetched_at_ >= max_age_;
  const bool unknown_kid = !kid.empty() && !has(kid);
  const bool cooled_down = !attempted_at_ || now - *attempted_at_ >= cooldown_;
  // A fetch in flight (its attempt is what the cooldown counts from) is joined by those who
  // cannot answer without it; merely stale keys are used meanwhile.
  const bool joins = fetching_.in_flight(kKeys) && (!keys_ || unknown_kid);
  if (((stale || unknown_kid) && cooled_down) || joins) {
    co_return co_await fetching_.run(kKeys, [this] { return fetch(); });
  }
  if (!keys_)
    co_return core::Error{core::Errc::not_found, "signing keys of " + url_ + " are unavailable"};
  co_return core::Result<void>{};
}

boost::asio::awaitable<core::Result<void>> JwksCache::fetch() {
  attempted_at_ = clock_->now();
  ++fetches_;
  http::ClientRequest request{.method = http::Method::get, .url = url_};
  request.headers.add("Accept", "application/json, application/jwk-set+json");
  auto response = co_await client_->send(std::move(request));
  if (!response.ok()) co_return response.error();
  if (response->status != 200) {
    co_return core::Error{core::Errc::io_error,
                          url_ + " answered " + std::to_string(response->status)};
  }
  auto set = jose::JwkSet::parse(response->body);
  if (!set.ok()) co_return set.error();
  keys_ = std::move(*set);
  fetched_at_ = attempted_at_;
  co_return core::Result<void>{};
}

std::optional<jose::ResolvedKey> JwksCache::find(std::string_view kid) const {
  if (!keys_) return std::nullopt;
  return keys_->find(kid);
}

}  // namespace toolauth::service
