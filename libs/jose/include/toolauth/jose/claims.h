#pragma once
// JWT claim sets (RFC 7519 §4): building them, and reading NumericDate claims.
//
//   nlohmann::json claims = ClaimsBuilder()
//                               .issuer("https://login.microsoftonline.com/<tid>/v2.0")
//                               .subject(user_oid)
//                               .audience(client_id)
//                               .valid_for(clock, std::chrono::hours(1))
//                               .random_jwt_id()
//                               .claim("scp", "notes.read")
//                               .build();

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"

namespace toolauth::jose {

// Whole seconds since the Unix epoch, rounded down.
std::int64_t to_numeric_date(core::Clock::time_point time);

// NumericDate values are clamped to ±kMaxNumericDate (about 285 million years) so that
// arithmetic with leeways cannot overflow, whatever a token claims.
inline constexpr std::int64_t kMaxNumericDate = std::int64_t{1} << 53;

// The NumericDate claim `name` of `claims`: nullopt when absent, the value (fractions rounded
// down, clamped) when it is a JSON number. Errors: Errc::malformed_token when present but
// not a number (RFC 7519 §2: a NumericDate is a JSON numeric value; "1700000000" is not).
core::Result<std::optional<std::int64_t>> read_numeric_date(const nlohmann::json& claims,
                                                            std::string_view name);

// Builds a claim set. Setters replace earlier values of the same claim. Not thread-safe
// (a builder is a local value).
class ClaimsBuilder {
 public:
  ClaimsBuilder& issuer(std::string iss);
  ClaimsBuilder& subject(std::string sub);
  // `aud` as a single string (what Entra issues).
  ClaimsBuilder& audience(std::string aud);
  // `aud` as an array of strings.
  ClaimsBuilder& audiences(std::vector<std::string> aud);
  ClaimsBuilder& issued_at(core::Clock::time_point iat);
  ClaimsBuilder& not_before(core::Clock::time_point nbf);
  ClaimsBuilder& expires_at(core::Clock::time_point exp);
  // iat = nbf = clock.now(), exp = now + lifetime, as Entra stamps its tokens.
  ClaimsBuilder& valid_for(const core::Clock& clock, std::chrono::seconds lifetime);
  ClaimsBuilder& jwt_id(std::string jti);
  // A fresh random UUID as `jti`.
  ClaimsBuilder& random_jwt_id();
  ClaimsBuilder& claim(std::string name, nlohmann::json value);

  const nlohmann::json& build() const& { return claims_; }
  nlohmann::json build() && { return std::move(claims_); }

 private:
  nlohmann::json claims_ = nlohmann::json::object();
};

}  // namespace toolauth::jose
