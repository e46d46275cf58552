#include "toolauth/jose/claims.h"

#include <algorithm>
#include <cmath>

#include "toolauth/core/random.h"
#include "toolauth/jose/error.h"

namespace toolauth::jose {

std::int64_t to_numeric_date(core::Clock::time_point time) {
  return std::chrono::floor<std::chrono::seconds>(time.time_since_epoch()).count();
}

core::Result<std::optional<std::int64_t>> read_numeric_date(const nlohmann::json& claims,
                                                            std::string_view name) {
  const auto it = claims.find(name);
  if (it == claims.end()) return std::optional<std::int64_t>();
  auto clamp = [](std::int64_t v) { return std::clamp(v, -kMaxNumericDate, kMaxNumericDate); };
  switch (it->type()) {
    case nlohmann::json::value_t::number_integer:
      return std::optional<std::int64_t>(clamp(it->get<std::int64_t>()));
    case nlohmann::json::value_t::number_unsigned: {
      const auto value = it->get<std::uint64_t>();
      return std::optional<std::int64_t>(value > static_cast<std::uint64_t>(kMaxNumericDate)
                                             ? kMaxNumericDate
                                             : static_cast<std::int64_t>(value));
    }
    case nlohmann::json::value_t::number_float: {
      const double value = it->get<double>();
      if (std::isnan(value)) break;
      // Clamp in floating point first: converting an out-of-range double is undefined.
      const double bounded = std::clamp(std::floor(value), -static_cast<double>(kMaxNumericDate),
                                        static_cast<double>(kMaxNumericDate));
      return std::optional<std::int64_t>(static_cast<std::int64_t>(bounded));
    }
    default:
      break;
  }
  std::string detail(name);
  detail += " is not a NumericDate";
  return core::Error{Errc::malformed_token, std::move(detail)};
}

ClaimsBuilder& ClaimsBuilder::issuer(std::string iss) { return claim("iss", std::move(iss)); }
ClaimsBuilder& ClaimsBuilder::subject(std::string sub) { return claim("sub", std::move(sub)); }
ClaimsBuilder& ClaimsBuilder::audience(std::string aud) { return claim("aud", std::move(aud)); }
ClaimsBuilder& ClaimsBuilder::audiences(std::vector<std::string> aud) {
  return claim("aud", std::move(aud));
}
ClaimsBuilder& ClaimsBuilder::issued_at(core::Clock::time_point iat) {
  return claim("iat", to_numeric_date(iat));
}
ClaimsBuilder& ClaimsBuilder::not_before(core::Clock::time_point nbf) {
  return claim("nbf", to_numeric_date(nbf));
}
ClaimsBuilder& ClaimsBuilder::expires_at(core::Clock::time_point exp) {
  return claim("exp", to_numeric_date(exp));
}
ClaimsBuilder& ClaimsBuilder::valid_for(const core::Clock& clock, std::chrono::seconds lifetime) {
  const auto now = clock.now();
  return issued_at(now).not_before(now).expires_at(now + lifetime);
}
ClaimsBuilder& ClaimsBuilder::jwt_id(std::string jti) { return claim("jti", std::move(jti)); }
ClaimsBuilder& ClaimsBuilder::random_jwt_id() { return jwt_id(core::uuid_v4()); }
ClaimsBuilder& ClaimsBuilder::claim(std::string name, nlohmann::json value) {
  claims_[std::move(name)] = std::move(value);
  return *this;
}

}  // namespace toolauth::jose
