#pragma once
// Per-mount authentication of MCP requests.
//
//   none     - every request is anonymous;
//   api-key  - one of the configured headers must carry one of the configured keys
//              (constant-time comparison, never a prefix);
//   bearer   - `Authorization: Bearer <JWT>` checked in a fixed order: format, algorithm
//              allow-list (none and HMAC never), key by kid from the issuer's JWKS, signature,
//              issuer, audience, exp/nbf/iat with the policy's leeway, then token version,
//              tenant allow-list, revocation of its jti, and required scopes (delegated
//              tokens) or roles (app-only tokens). Each failure has its own reason; all but a
//              missing scope or role are 401 invalid_token, those are 403 insufficient_scope.
//
// A verified token may be served from a cache keyed by the token itself (compared in full, in
// constant time), but only while the cached entry still passes exactly what a fresh check
// would: the time window on the shared clock, the revocation list, and the key still being
// published.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/http/client.h"
#include "toolauth/http/message.h"
#include "toolauth/jose/verifier.h"
#include "toolauth/mcp/defects.h"
#include "toolauth/mcp/jwks_cache.h"
#include "toolauth/mcp/principal.h"

namespace toolauth::mcp {

struct ApiKey {
  std::string id;  // shown in whoami and journals instead of the value
  std::string value;
};

struct ApiKeyPolicy {
  std::vector<std::string> headers;  // e.g. X-API-Key, x-functions-key
  std::vector<ApiKey> keys;
};

struct BearerPolicy {
  static constexpr std::chrono::seconds kDefaultLeeway{30};
  std::vector<std::string> issuers;
  std::vector<std::string> audiences;
  std::string jwks_url;
  std::vector<std::string> required_scopes;  // all needed by delegated tokens
  std::vector<std::string> required_roles;   // all needed by app-only tokens
  std::vector<std::string> token_versions;   // "1.0" / "2.0"; empty: any
  std::vector<std::string> tenants;          // allowed tid values; empty: any
  std::vector<std::string> algorithms = {"RS256"};
  std::chrono::seconds leeway = kDefaultLeeway;
  // For protected resource metadata and challenges.
  std::vector<std::string> authorization_servers;
  std::vector<std::string> scopes_supported;
};

struct AuthPolicy {
  AuthKind kind = AuthKind::none;
  ApiKeyPolicy api_key;
  BearerPolicy bearer;
};

struct AuthDecision {
  bool allowed = false;
  // Shared, never null: a cached token's principal serves every request made with it, and
  // the journal and an SSE answer keep it after the request.
  std::shared_ptr<const Principal> principal = anonymous_principal();
  int status = 401;         // when refused: 401, or 403 for a missing scope or role
  std::string error;        // "invalid_token", "insufficient_scope", "" when nothing was sent
  std::string description;  // for error_description
  std::string reason;       // short machine name for journals: "expired", "wrong_audience", ...
};

// Revoked token ids (jti or uti), shared by the mounts of a server.
class RevocationList {
 public:
  void revoke(std::string jti) { revoked_.insert(std::move(jti)); }
  bool revoked(const std::string& jti) const { return revoked_.contains(jti); }
  void clear() { revoked_.clear(); }
  std::vector<std::string> list() const { return {revoked_.begin(), revoked_.end()}; }

 private:
  std::set<std::string> revoked_;
};

class Authenticator {
 public:
  static constexpr std::size_t kMaxCachedTokens = 10'000;

  // `client` fetches JWKS; all references must outlive the authenticator. `defects` are for
  // the conformance suite's mutants only (defects.h); the default has none.
  Authenticator(AuthPolicy policy, http::Client& client, const core::Clock& clock,
                const RevocationList& revoked, McpDefects defects = {});

  boost::asio::awaitable<AuthDecision> authenticate(const http::Request& request);
  const AuthPolicy& policy() const { return policy_; }
  std::uint64_t cache_hits() const { return cache_hits_; }

 private:
  // The verified-token cache is keyed by the token's bytes. A lookup hashes the presented token
  // (std::hash, a few instructions a byte) to find the entries of that hash, and a hit needs
  // the whole token to be equal, compared in constant time: a forged or tampered token can
  // only ever match itself, and the time a near miss takes tells nothing of a cached token.
  // This replaces a SHA-256 of every presented token (a fifth of a call's instructions):
  // a cryptographic digest is not needed when the key is the token and not its digest. The
  // cost is memory: kMaxCachedTokens tokens of one or two kilobytes at most.
  struct TokenHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view token) const {
      return std::hash<std::string_view>{}(token);
    }
  };
  struct SameToken {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };
  struct CachedToken {
    std::shared_ptr<const Principal> principal;
    std::int64_t exp = 0;
    std::int64_t nbf = 0;
    std::string kid;
    std::string jti;
  };

  AuthDecision check_api_key(const http::Request& request) const;
  boost::asio::awaitable<AuthDecision> check_bearer(const http::Request& request);
  AuthDecision authorize(std::shared_ptr<const Principal> principal, const std::string& jti) const;
  bool cached_still_valid(const CachedToken& cached) const;
  // Mutants only: the token a defect lets through although the strict verifier refused it
  // with `refusal`; nullopt (always, without defects) keeps the refusal.
  std::optional<jose::VerifiedJwt> accepted_by_defect(std::string_view token,
                                                      const core::Error& refusal) const;

  AuthPolicy policy_;
  const core::Clock* clock_;
  const RevocationList* revoked_;
  std::unique_ptr<JwksCache> jwks_;
  std::optional<jose::Verifier> verifier_;  // empty when the policy cannot build one
  McpDefects defects_;                      // none, except in mutants
  std::optional<jose::Verifier> lenient_;   // mutants only: what accept-expired and
                                            // ignore-audience verify with
  std::unordered_map<std::string, CachedToken, TokenHash, SameToken> cache_;  // by token
  std::uint64_t cache_hits_ = 0;
};

}  // namespace toolauth::mcp
