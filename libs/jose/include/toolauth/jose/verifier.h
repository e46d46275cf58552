#pragma once
// The JWT verifier: one function that checks a token in a fixed order and stops at the first
// failure, each with its own error code (error.h):
//
//   1. format     decode_jwt (three segments, size, base64url, JSON objects), `alg` a string,
//                 no `crit`                       malformed_token, invalid_base64url,
//                 malformed_json
//   2. alg        `none` in any spelling          alg_none
//                 not in the allow-list            alg_not_allowed   (HS256 vs RSA: key confusion)
//   3. key        `kid` → KeyResolver              missing_kid, unknown_kid
//                 key type or JWK `alg` ≠ `alg`    key_alg_mismatch
//   4. signature                                   signature_invalid
//   5. iss        one of the accepted issuers      issuer_mismatch
//   6. aud        (string or array) one accepted   audience_mismatch
//   7. time       now >= exp + leeway              token_expired
//                 now + leeway < nbf               token_not_yet_valid
//                 now + leeway < iat               issued_in_future
//                 now - leeway > iat + max_age     token_too_old
//   8. required claims present (and not null)     missing_claim
//   9. custom checks, in the order added          whatever the check returns
//
// Nothing about the claims is looked at before the signature holds, so an unsigned token can
// not probe the policy. A registered claim that is absent where required gives missing_claim
// (`exp` is always required); one of the wrong JSON type (a string `exp`, a numeric `iss`, an
// `aud` array holding a number) gives malformed_token, as RFC 7519 syntax is broken.
// The key is chosen only through the configured KeyResolver: header members that name or
// carry keys (`jku`, `x5u`, `jwk`, `x5c`) are never used. Error details never contain the
// token.
//
// A Verifier is immutable after build() and safe to share between threads; its clock,
// resolver and checks must be too, and the clock must outlive it.
//
//   auto verifier = Verifier::builder()
//                       .allow(Alg::RS256)
//                       .keys(std::make_shared<JwkSet>(std::move(jwks)))
//                       .issuer("https://login.microsoftonline.com/<tid>/v2.0")
//                       .audience("api://notes")
//                       .leeway(std::chrono::seconds(0))
//                       .clock(clock)
//                       .require_claims({"sub", "oid"})
//                       .build();
//   auto verified = verifier->verify(token);
//   if (!verified) return verified.error();   // e.g. verified.code() == Errc::token_expired

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/jose/jws.h"
#include "toolauth/jose/jwt.h"
#include "toolauth/jose/key_resolver.h"

namespace toolauth::jose {

// The default leeway: none. Servers sharing one clock have no skew to forgive; verifiers of
// tokens minted on other machines (client assertions, real clients) set one explicitly, e.g.
// kMicrosoftClockSkew, which is what Microsoft.IdentityModel allows by default.
inline constexpr std::chrono::seconds kDefaultLeeway{0};
inline constexpr std::chrono::seconds kMicrosoftClockSkew{300};

struct VerifiedJwt {
  nlohmann::json header;
  nlohmann::json claims;
  std::string kid;  // empty when the resolver found the key without one
  Alg alg;
};

// A custom claim check; returns an error (usually Errc::claim_mismatch) to refuse the token.
using ClaimCheck = std::function<core::Result<void>(const DecodedJwt&)>;

class Verifier {
 public:
  class Builder {
   public:
    // Adds an accepted algorithm: RS256, PS256 or ES256. `none` and HS256 make build() fail.
    Builder& allow(Alg alg);
    Builder& keys(std::shared_ptr<const KeyResolver> resolver);
    // Adds an accepted `iss` (exact string match).
    Builder& issuer(std::string iss);
    Builder& issuers(std::vector<std::string> iss);
    // Skips the issuer check; build() fails without an issuer unless this is called.
    Builder& any_issuer();
    // Adds an accepted audience: the token's `aud` (string, or array of strings) must hold one.
    Builder& audience(std::string aud);
    Builder& audiences(std::vector<std::string> aud);
    Builder& any_audience();
    Builder& leeway(std::chrono::seconds leeway);
    Builder& clock(const core::Clock& clock);
    // Claims that must be present and not null (after the standard checks).
    Builder& require_claims(std::vector<std::string> names);
    Builder& require_iat();
    // Refuses tokens whose `iat` is older than `age` (implies require_iat).
    Builder& max_age(std::chrono::seconds age);
    // Runs `check` after every other check; `name` prefixes the detail of its errors.
    Builder& check(std::string name, ClaimCheck check);

    // Errors: Errc::alg_none / Errc::alg_not_allowed (`none` or HS256 allowed),
    // Errc::invalid_argument (no algorithm, keys or clock; no issuer or audience and no
    // any_issuer()/any_audience(); both; an empty name; a leeway or max_age that is negative
    // or beyond kMaxNumericDate).
    core::Result<Verifier> build() const;

   private:
    friend class Verifier;
    std::vector<Alg> algs_;
    std::shared_ptr<const KeyResolver> keys_;
    std::vector<std::string> issuers_;
    bool any_issuer_ = false;
    std::vector<std::string> audiences_;
    bool any_audience_ = false;
    std::chrono::seconds leeway_ = kDefaultLeeway;
    const core::Clock* clock_ = nullptr;
    std::vector<std::string> required_claims_;
    bool require_iat_ = false;
    std::optional<std::chrono::seconds> max_age_;
    std::vector<std::pair<std::string, ClaimCheck>> checks_;
  };

  static Builder builder() { return Builder(); }

  core::Result<VerifiedJwt> verify(std::string_view token) const;

 private:
  explicit Verifier(std::shared_ptr<const Builder> config) : config_(std::move(config)) {}
  std::shared_ptr<const Builder> config_;  // the validated builder, frozen
};

}  // namespace toolauth::jose
