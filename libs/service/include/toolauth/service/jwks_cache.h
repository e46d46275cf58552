#pragma once
// The signing keys of one token issuer (shared by mock-mcp's bearer mounts and the emulator's
// caller authentication), fetched from its JWKS URL over HTTPS (trusting the
// configured CA) and cached. A token naming an unknown kid triggers a refetch, at most once
// per cooldown, so a flood of random kids cannot turn into a flood of fetches; the keys are
// also refetched once they are older than the maximum age. Both periods run on the shared
// clock, so tests move them with the admin plane instead of sleeping. Concurrent callers share
// one fetch: the first requests after start-up all wait for it rather than being refused
// while it runs.
//
// Thread safety: one io_context thread. find() (KeyResolver) reads the current set.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/http/client.h"
#include "toolauth/jose/jwks.h"
#include "toolauth/service/single_flight.h"

namespace toolauth::service {

class JwksCache final : public jose::KeyResolver {
 public:
  static constexpr std::chrono::seconds kDefaultCooldown{10};
  static constexpr std::chrono::seconds kDefaultMaxAge{600};

  JwksCache(std::string url, http::Client& client, const core::Clock& clock,
            std::chrono::seconds cooldown = kDefaultCooldown,
            std::chrono::seconds max_age = kDefaultMaxAge);

  // Makes sure the keys are loaded and fresh, and that `kid` is known if a refetch can still
  // find it. Errors: the fetch failed (the previous keys stay in use).
  boost::asio::awaitable<core::Result<void>> ensure(std::string_view kid);
  std::optional<jose::ResolvedKey> find(std::string_view kid) const override;
  bool has(std::string_view kid) const { return find(kid).has_value(); }

  const std::string& url() const { return url_; }
  std::uint64_t fetches() const { return fetches_; }

 private:
  boost::asio::awaitable<core::Result<void>> fetch();

  std::string url_;
  http::Client* client_;
  const core::Clock* clock_;
  std::chrono::seconds cooldown_;
  std::chrono::seconds max_age_;
  std::optional<jose::JwkSet> keys_;
  std::optional<core::Clock::time_point> fetched_at_;
  std::optional<core::Clock::time_point> attempted_at_;
  std::uint64_t fetches_ = 0;
  SingleFlight<core::Result<void>> fetching_;
};

}  // namespace toolauth::service
