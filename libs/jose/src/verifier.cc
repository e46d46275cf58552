#include "toolauth/jose/verifier.h"

#include <algorithm>
#include <cctype>

#include "toolauth/jose/claims.h"
#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

// A token-supplied string fit for an error detail: bounded and printable.
std::string printable(std::string_view text) {
  constexpr std::size_t kMax = 64;
  std::string out;
  for (char c : text.substr(0, kMax)) {
    out.push_back(std::isprint(static_cast<unsigned char>(c)) ? c : '?');
  }
  if (text.size() > kMax) out += "...";
  return out;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool contains_alg(const std::vector<Alg>& list, Alg alg) {
  return std::find(list.begin(), list.end(), alg) != list.end();
}

}  // namespace

Verifier::Builder& Verifier::Builder::allow(Alg alg) {
  if (!contains_alg(algs_, alg)) algs_.push_back(alg);
  return *this;
}
Verifier::Builder& Verifier::Builder::keys(std::shared_ptr<const KeyResolver> resolver) {
  keys_ = std::move(resolver);
  return *this;
}
Verifier::Builder& Verifier::Builder::issuer(std::string iss) {
  issuers_.push_back(std::move(iss));
  return *this;
}
Verifier::Builder& Verifier::Builder::issuers(std::vector<std::string> iss) {
  for (auto& one : iss) issuer(std::move(one));
  return *this;
}
Verifier::Builder& Verifier::Builder::any_issuer() {
  any_issuer_ = true;
  return *this;
}
Verifier::Builder& Verifier::Builder::audience(std::string aud) {
  audiences_.push_back(std::move(aud));
  return *this;
}
Verifier::Builder& Verifier::Builder::audiences(std::vector<std::string> aud) {
  for (auto& one : aud) audience(std::move(one));
  return *this;
}
Verifier::Builder& Verifier::Builder::any_audience() {
  any_audience_ = true;
  return *this;
}
Verifier::Builder& Verifier::Builder::leeway(std::chrono::seconds leeway) {
  leeway_ = leeway;
  return *this;
}
Verifier::Builder& Verifier::Builder::clock(const core::Clock& clock) {
  clock_ = &clock;
  return *this;
}
Verifier::Builder& Verifier::Builder::require_claims(std::vector<std::string> names) {
  for (auto& name : names) required_claims_.push_back(std::move(name));
  return *this;
}
Verifier::Builder& Verifier::Builder::require_iat() {
  require_iat_ = true;
  return *this;
}
Verifier::Builder& Verifier::Builder::max_age(std::chrono::seconds age) {
  max_age_ = age;
  return require_iat();
}
Verifier::Builder& Verifier::Builder::check(std::string name, ClaimCheck check) {
  checks_.emplace_back(std::move(name), std::move(check));
  return *this;
}

core::Result<Verifier> Verifier::Builder::build() const {
  auto invalid = [](std::string detail) { return core::Error{Errc::invalid_argument, detail}; };
  if (algs_.empty()) return invalid("allow at least one algorithm");
  for (Alg alg : algs_) {
    if (alg == Alg::none) return core::Error{Errc::alg_none, "alg none can never be allowed"};
    // Keys here are asymmetric; allowing HS256 would let a public key act as an HMAC secret.
    if (!key_type_for(alg)) {
      return core::Error{Errc::alg_not_allowed, std::string(to_string(alg)) + " is never allowed"};
    }
  }
  if (!keys_) return invalid("no key resolver");
  if (clock_ == nullptr) return invalid("no clock");
  if (issuers_.empty() == !any_issuer_) {
    return invalid(any_issuer_ ? "issuers given together with any_issuer()"
                               : "no issuer (call any_issuer() to skip the check)");
  }
  if (audiences_.empty() == !any_audience_) {
    return invalid(any_audience_ ? "audiences given together with any_audience()"
                                 : "no audience (call any_audience() to skip the check)");
  }
  if (contains(issuers_, "") || contains(audiences_, "") || contains(required_claims_, "")) {
    return invalid("empty issuer, audience or claim name");
  }
  // Bounded like the dates themselves (claims.h), so that no sum in verify() can overflow.
  const std::chrono::seconds limit(kMaxNumericDate);
  if (leeway_ < std::chrono::seconds(0) || leeway_ > limit) return invalid("leeway out of range");
  if (max_age_ && (*max_age_ < std::chrono::seconds(0) || *max_age_ > limit)) {
    return invalid("max_age out of range");
  }
  for (const auto& [name, check] : checks_) {
    if (!check) return invalid("check \"" + name + "\" has no function");
  }
  return Verifier(std::make_shared<const Builder>(*this));
}

core::Result<VerifiedJwt> Verifier::verify(std::string_view token) const {
  const Builder& config = *config_;

  // 1. Format.
  TOOLAUTH_ASSIGN_OR_RETURN(DecodedJwt jwt, decode_jwt(token));
  const auto alg_member = jwt.header.find("alg");
  if (alg_member == jwt.header.end() || !alg_member->is_string()) {
    return core::Error{Errc::malformed_token, "header has no string \"alg\""};
  }
  // RFC 7515 §4.1.11: extensions listed in `crit` must be understood; we understand none.
  if (jwt.header.contains("crit")) {
    return core::Error{Errc::malformed_token, "unsupported critical header parameters"};
  }
  const auto& alg_name = alg_member->get_ref<const std::string&>();

  // 2. Algorithm, before any key is touched. `none` is caught in every spelling, since some
  // libraries once compared it case-insensitively.
  if (equals_ignoring_case(alg_name, "none")) {
    return core::Error{Errc::alg_none, "unsigned tokens are never accepted"};
  }
  const std::optional<Alg> alg = parse_alg(alg_name);
  if (!alg || !contains_alg(config.algs_, *alg)) {
    return core::Error{Errc::alg_not_allowed, "alg \"" + printable(alg_name) + "\""};
  }

  // 3. Key, from the configured resolver only.
  std::string kid;
  std::optional<ResolvedKey> resolved;
  if (const auto kid_member = jwt.header.find("kid"); kid_member != jwt.header.end()) {
    if (!kid_member->is_string()) {
      return core::Error{Errc::malformed_token, "\"kid\" is not a string"};
    }
    kid = kid_member->get<std::string>();
    resolved = config.keys_->find(kid);
    if (!resolved) return core::Error{Errc::unknown_kid, "kid \"" + printable(kid) + "\""};
  } else {
    resolved = config.keys_->find_without_kid(jwt.header);
    if (!resolved) return core::Error{Errc::missing_kid, "token names no key"};
  }
  if (key_type_for(*alg) != resolved->key.type() || (resolved->alg && *resolved->alg != *alg)) {
    return core::Error{Errc::key_alg_mismatch, "kid \"" + printable(kid) + "\" cannot verify " +
                                                   std::string(to_string(*alg))};
  }

  // 4. Signature.
  if (!verify_signature(*alg, resolved->key, jwt.signing_input, jwt.signature)) {
    return core::Error{Errc::signature_invalid, "kid \"" + printable(kid) + "\""};
  }

  const nlohmann::json& claims = jwt.payload;
  auto missing = [](std::string_view name) {
    return core::Error{Errc::missing_claim, std::string(name)};
  };
  auto wrong_type = [](std::string_view name, std::string_view expected) {
    std::string detail(name);
    detail.append(" is not ").append(expected);
    return core::Error{Errc::malformed_token, std::move(detail)};
  };

  // 5. Issuer.
  if (!config.any_issuer_) {
    const auto iss = claims.find("iss");
    if (iss == claims.end()) return missing("iss");
    if (!iss->is_string()) return wrong_type("iss", "a string");
    if (!contains(config.issuers_, iss->get_ref<const std::string&>())) {
      return core::Error{Errc::issuer_mismatch,
                         "iss \"" + printable(iss->get<std::string>()) + "\""};
    }
  }

  // 6. Audience.
  if (!config.any_audience_) {
    const auto aud = claims.find("aud");
    if (aud == claims.end()) return missing("aud");
    bool accepted = false;
    if (aud->is_string()) {
      accepted = contains(config.audiences_, aud->get_ref<const std::string&>());
    } else if (aud->is_array()) {
      for (const auto& one : *aud) {
        if (!one.is_string()) return wrong_type("aud", "a string or an array of strings");
        accepted = accepted || contains(config.audiences_, one.get_ref<const std::string&>());
      }
    } else {
      return wrong_type("aud", "a string or an array of strings");
    }
    if (!accepted) return core::Error{Errc::audience_mismatch, "no accepted audience in \"aud\""};
  }

  // 7. Time, with the explicit leeway. Dates are clamped (claims.h), so no sum overflows.
  const std::int64_t now = config.clock_->unix_seconds();
  const std::int64_t leeway = config.leeway_.count();
  TOOLAUTH_ASSIGN_OR_RETURN(const auto exp, read_numeric_date(claims, "exp"));
  TOOLAUTH_ASSIGN_OR_RETURN(const auto nbf, read_numeric_date(claims, "nbf"));
  TOOLAUTH_ASSIGN_OR_RETURN(const auto iat, read_numeric_date(claims, "iat"));
  if (!exp) return missing("exp");
  if (now >= *exp + leeway) {
    return core::Error{Errc::token_expired, "expired " + std::to_string(now - *exp) + " s ago"};
  }
  if (nbf && now + leeway < *nbf) {
    return core::Error{Errc::token_not_yet_valid, "valid in " + std::to_string(*nbf - now) + " s"};
  }
  if (!iat && config.require_iat_) return missing("iat");
  if (iat && now + leeway < *iat) {
    return core::Error{Errc::issued_in_future,
                       "issued " + std::to_string(*iat - now) + " s from now"};
  }
  if (iat && config.max_age_ && now - leeway > *iat + config.max_age_->count()) {
    return core::Error{Errc::token_too_old, "issued " + std::to_string(now - *iat) + " s ago"};
  }

  // 8. Required claims.
  for (const std::string& name : config.required_claims_) {
    const auto it = claims.find(name);
    if (it == claims.end() || it->is_null()) return missing(name);
  }

  // 9. Custom checks.
  for (const auto& [name, check] : config.checks_) {
    if (auto result = check(jwt); !result.ok()) {
      core::Error error = result.error();
      error.detail = name + (error.detail.empty() ? "" : ": " + error.detail);
      return error;
    }
  }

  return VerifiedJwt{.header = std::move(jwt.header),
                     .claims = std::move(jwt.payload),
                     .kid = std::move(kid),
                     .alg = *alg};
}

}  // namespace toolauth::jose
