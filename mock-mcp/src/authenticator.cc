#include "toolauth/mcp/authenticator.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "toolauth/core/constant_time.h"
#include "toolauth/jose/error.h"
#include "toolauth/jose/hash.h"
#include "toolauth/jose/jwt.h"
#include "toolauth/jose/verifier.h"

namespace toolauth::mcp {

namespace {

AuthDecision refuse(int status, std::string error, std::string description, std::string reason) {
  AuthDecision d;
  d.status = status;
  d.error = std::move(error);
  d.description = std::move(description);
  d.reason = std::move(reason);
  return d;
}

AuthDecision invalid_token(std::string description, std::string reason) {
  return refuse(401, "invalid_token", std::move(description), std::move(reason));
}

// A verifier failure as the reason a resource server gives.
AuthDecision from_verifier_error(const core::Error& e) {
  using jose::Errc;
  const auto c = e.code;
  if (c == Errc::alg_none)
    return invalid_token("unsigned tokens (alg none) are refused", "alg_none");
  if (c == Errc::alg_not_allowed)
    return invalid_token("the token's signing algorithm is not accepted", "alg_not_allowed");
  if (c == Errc::unknown_kid || c == Errc::missing_kid)
    return invalid_token("the token's signing key is unknown", "unknown_kid");
  if (c == Errc::key_alg_mismatch)
    return invalid_token("the token's key does not fit its algorithm", "alg_not_allowed");
  if (c == Errc::signature_invalid)
    return invalid_token("the token's signature is invalid", "bad_signature");
  if (c == Errc::issuer_mismatch)
    return invalid_token("the token was not issued by a trusted issuer", "wrong_issuer");
  if (c == Errc::audience_mismatch)
    return invalid_token("the token was not issued for this resource", "wrong_audience");
  if (c == Errc::token_expired) return invalid_token("the token has expired", "expired");
  if (c == Errc::token_not_yet_valid)
    return invalid_token("the token is not valid yet", "not_yet_valid");
  if (c == Errc::issued_in_future)
    return invalid_token("the token was issued in the future", "not_yet_valid");
  if (c == Errc::missing_claim)
    return invalid_token("the token lacks a required claim", "missing_claim");
  return invalid_token("the token is malformed", "malformed");
}

std::string string_claim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> space_separated(const std::string& text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto end = std::min(text.find(' ', i), text.size());
    if (end > i) out.push_back(text.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

Principal principal_of(const nlohmann::json& claims) {
  Principal p;
  p.kind = AuthKind::bearer;
  p.iss = string_claim(claims, "iss");
  p.sub = string_claim(claims, "sub");
  p.oid = string_claim(claims, "oid");
  p.tid = string_claim(claims, "tid");
  p.name = string_claim(claims, "name");
  p.preferred_username = string_claim(claims, "preferred_username");
  p.appid = string_claim(claims, "appid");
  p.azp = string_claim(claims, "azp");
  p.idtyp = string_claim(claims, "idtyp");
  p.ver = string_claim(claims, "ver");
  if (auto aud = claims.find("aud"); aud != claims.end()) {
    if (aud->is_string()) p.aud.push_back(aud->get<std::string>());
    if (aud->is_array()) {
      for (const auto& a : *aud) {
        if (a.is_string()) p.aud.push_back(a.get<std::string>());
      }
    }
  }
  p.scp = space_separated(string_claim(claims, "scp"));
  if (p.scp.empty()) p.scp = space_separated(string_claim(claims, "scope"));  // RFC 9068
  if (auto roles = claims.find("roles"); roles != claims.end() && roles->is_array()) {
    for (const auto& r : *roles) {
      if (r.is_string()) p.roles.push_back(r.get<std::string>());
    }
  }
  return p;
}

bool contains_all(const std::vector<std::string>& have, const std::vector<std::string>& need) {
  return std::all_of(need.begin(), need.end(), [&](const std::string& n) {
    return std::find(have.begin(), have.end(), n) != have.end();
  });
}

bool in_list_or_empty(const std::vector<std::string>& list, const std::string& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

Authenticator::Authenticator(AuthPolicy policy, http::Client& client, const core::Clock& clock,
                             const RevocationList& revoked, McpDefects defects)
    : policy_(std::move(policy)), clock_(&clock), revoked_(&revoked), defects_(defects) {
  if (policy_.kind != AuthKind::bearer) return;
  jwks_ = std::make_unique<JwksCache>(policy_.bearer.jwks_url, client, clock);
  // Built once: the verifier is immutable and reads keys through the live JWKS cache.
  auto builder_for = [this, &clock](bool any_audience, std::chrono::seconds leeway) {
    auto builder = jose::Verifier::builder();
    for (const auto& name : policy_.bearer.algorithms) {
      if (auto alg = jose::parse_alg(name)) builder.allow(*alg);
    }
    builder
        .keys(
            std::shared_ptr<const jose::KeyResolver>(jwks_.get(), [](const jose::KeyResolver*) {}))
        .issuers(policy_.bearer.issuers)
        .leeway(leeway)
        .clock(clock);
    if (any_audience) {
      builder.any_audience();
    } else {
      builder.audiences(policy_.bearer.audiences);
    }
    return builder;
  };
  if (auto built = builder_for(false, policy_.bearer.leeway).build(); built.ok())
    verifier_.emplace(std::move(*built));
  if (defects_.accept_expired || defects_.ignore_audience) {
    // Mutants only: the same verifier with the broken check switched off.
    constexpr std::chrono::seconds kEffectivelyForever{100LL * 365 * 24 * 3600};
    auto lenient =
        builder_for(defects_.ignore_audience,
                    defects_.accept_expired ? kEffectivelyForever : policy_.bearer.leeway);
    if (auto built = lenient.build(); built.ok()) lenient_.emplace(std::move(*built));
  }
}

std::optional<jose::VerifiedJwt> Authenticator::accepted_by_defect(
    std::string_view token, const core::Error& refusal) const {
  using jose::Errc;
  const bool tolerated = (defects_.accept_expired && refusal.code == Errc::token_expired) ||
                         (defects_.ignore_audience && refusal.code == Errc::audience_mismatch);
  if (tolerated && lenient_) {
    if (auto verified = lenient_->verify(token); verified.ok()) return std::move(*verified);
  }
  if (defects_.accept_alg_none && refusal.code == Errc::alg_none) {
    if (auto decoded = jose::decode_jwt(token); decoded.ok())
      return jose::VerifiedJwt{decoded->header, decoded->payload, "", jose::Alg::none};
  }
  return std::nullopt;
}

boost::asio::awaitable<AuthDecision> Authenticator::authenticate(const http::Request& request) {
  switch (policy_.kind) {
    case AuthKind::none: {
      AuthDecision d;
      d.allowed = true;
      d.reason = "open";
      co_return d;
    }
    case AuthKind::api_key:
      co_return check_api_key(request);
    case AuthKind::bearer:
      co_return co_await check_bearer(request);
  }
  co_return refuse(401, "invalid_request", "unknown policy", "misconfigured");
}

AuthDecision Authenticator::check_api_key(const http::Request& request) const {
  bool presented = false;
  for (const auto& header : policy_.api_key.headers) {
    const auto values = request.headers.get_all(header);
    if (values.empty()) continue;
    presented = true;
    if (values.size() > 1)
      return refuse(401, "invalid_request", "the API key header is repeated", "repeated_key");
    // Compare against every key, without stopping early, so timing reveals nothing.
    const ApiKey* match = nullptr;
    for (const auto& key : policy_.api_key.keys) {
      if (core::constant_time_equal(values.front(), key.value) && match == nullptr) match = &key;
      // Mutant key-prefix-match: the classic bug of comparing only the presented length.
      if (defects_.key_prefix_match && match == nullptr && !values.front().empty() &&
          std::string_view(key.value).starts_with(values.front()))
        match = &key;
    }
    if (match != nullptr) {
      Principal principal;
      principal.kind = AuthKind::api_key;
      principal.key_id = match->id;
      AuthDecision d;
      d.allowed = true;
      d.principal = std::make_shared<const Principal>(std::move(principal));
      d.reason = "api_key";
      return d;
    }
  }
  if (!presented) return refuse(401, "", "an API key is required", "missing");
  return refuse(401, "invalid_api_key", "the API key is not valid", "wrong_key");
}

bool Authenticator::SameToken::operator()(std::string_view a, std::string_view b) const {
  // Called for the cached tokens in the presented one's bucket (libstdc++ compares their
  // stored hashes first). A length mismatch may end it early: a token's length is no secret,
  // it follows from its claims. Word at a time: tokens run to a kilobyte and more.
  if (a.size() != b.size()) return false;
  std::uint64_t diff = 0;
  std::size_t i = 0;
  for (; i + sizeof diff <= a.size(); i += sizeof diff) {
    std::uint64_t x, y;
    std::memcpy(&x, a.data() + i, sizeof x);
    std::memcpy(&y, b.data() + i, sizeof y);
    diff |= x ^ y;
    // Keeps the compiler from stopping at the first difference.
    asm volatile("" : "+r"(diff));
  }
  for (; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool Authenticator::cached_still_valid(const CachedToken& cached) const {
  const auto now = clock_->unix_seconds();
  const auto leeway = policy_.bearer.leeway.count();
  // The same windows the verifier applies (jose::Verifier): expired when now >= exp + leeway,
  // not yet valid when now + leeway < nbf.
  if (now >= cached.exp + leeway) return false;
  if (cached.nbf != 0 && now + leeway < cached.nbf) return false;
  return jwks_->has(cached.kid);
}

boost::asio::awaitable<AuthDecision> Authenticator::check_bearer(const http::Request& request) {
  const auto headers = request.headers.get_all("authorization");
  if (headers.empty()) co_return refuse(401, "", "a bearer token is required", "missing");
  if (headers.size() > 1)
    co_return invalid_token("the Authorization header is repeated", "malformed");
  const std::string_view header = headers.front();
  if (header.size() < 7 || !http::iequals(header.substr(0, 7), "bearer ")) {
    co_return invalid_token("the Authorization header is not a bearer token", "malformed");
  }
  std::string_view token = header.substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  if (token.empty()) co_return invalid_token("the bearer token is empty", "malformed");

  if (auto it = cache_.find(token); it != cache_.end()) {
    if (cached_still_valid(it->second)) {
      ++cache_hits_;
      co_return authorize(it->second.principal, it->second.jti);
    }
    cache_.erase(it);
  }

  auto decoded = jose::decode_jwt(token);
  if (!decoded.ok()) co_return invalid_token("the token is malformed", "malformed");
  const std::string kid = string_claim(decoded->header, "kid");
  if (auto loaded = co_await jwks_->ensure(kid); !loaded.ok() && !jwks_->has(kid)) {
    co_return invalid_token("the issuer's signing keys are unavailable", "keys_unavailable");
  }

  if (!verifier_)
    co_return refuse(401, "invalid_token", "the bearer policy is misconfigured", "misconfigured");
  auto checked = verifier_->verify(token);
  std::optional<jose::VerifiedJwt> verified;
  if (checked.ok()) {
    verified = std::move(*checked);
  } else {
    verified = accepted_by_defect(token, checked.error());
    if (!verified) co_return from_verifier_error(checked.error());
  }

  const auto& claims = verified->claims;
  auto principal = principal_of(claims);
  if (!in_list_or_empty(policy_.bearer.token_versions, principal.ver)) {
    co_return invalid_token("tokens of version '" + principal.ver + "' are not accepted",
                            "wrong_version");
  }
  if (!in_list_or_empty(policy_.bearer.tenants, principal.tid)) {
    co_return invalid_token("tokens of tenant '" + principal.tid + "' are not accepted",
                            "wrong_tenant");
  }
  std::string jti = string_claim(claims, "jti");
  if (jti.empty()) jti = string_claim(claims, "uti");
  principal.jti_hash = jti.empty() ? std::string() : jose::short_hash(jti);

  if (cache_.size() >= kMaxCachedTokens) cache_.clear();
  const auto exp =
      claims.contains("exp") && claims["exp"].is_number() ? claims["exp"].get<std::int64_t>() : 0;
  const auto nbf =
      claims.contains("nbf") && claims["nbf"].is_number() ? claims["nbf"].get<std::int64_t>() : 0;
  auto shared = std::make_shared<const Principal>(std::move(principal));
  if (exp != 0) cache_[std::string(token)] = CachedToken{shared, exp, nbf, verified->kid, jti};
  co_return authorize(std::move(shared), jti);
}

AuthDecision Authenticator::authorize(std::shared_ptr<const Principal> principal,
                                      const std::string& jti) const {
  if (!jti.empty() && revoked_->revoked(jti))
    return invalid_token("the token has been revoked", "revoked");
  const auto& bearer = policy_.bearer;
  const bool app_only = principal->scp.empty() && principal->idtyp != "user";
  if (app_only ? !contains_all(principal->roles, bearer.required_roles)
               : !contains_all(principal->scp, bearer.required_scopes)) {
    auto d =
        refuse(403, "insufficient_scope",
               app_only ? "the token lacks a required role" : "the token lacks a required scope",
               "insufficient_scope");
    d.principal = std::move(principal);
    return d;
  }
  AuthDecision d;
  d.allowed = true;
  d.principal = std::move(principal);
  d.reason = "token";
  return d;
}

}  // namespace toolauth::mcp
