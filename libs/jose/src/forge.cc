#include "toolauth/jose/forge.h"

#include <mutex>
#include <optional>
#include <stdexcept>

#include "toolauth/core/random.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/claims.h"
#include "toolauth/jose/error.h"
#include "toolauth/jose/hash.h"

namespace toolauth::jose {

// Keys generated on first use: key generation is slow and most tests never need them.
struct TokenForge::OtherKeys {
  std::once_flag rsa_once, ec_once;
  std::optional<PrivateKey> rsa, ec;
};

namespace {

core::Result<std::string> serialize(const nlohmann::json& value, std::string_view what) {
  try {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  } catch (const nlohmann::json::exception&) {
    return core::Error{Errc::invalid_argument, std::string(what) + " is not UTF-8 JSON"};
  }
}

core::Result<std::string> signing_input(const nlohmann::json& header,
                                        const nlohmann::json& claims) {
  if (!header.is_object() || !claims.is_object()) {
    return core::Error{Errc::invalid_argument, "header and claims must be JSON objects"};
  }
  TOOLAUTH_ASSIGN_OR_RETURN(const std::string header_json, serialize(header, "header"));
  TOOLAUTH_ASSIGN_OR_RETURN(const std::string claims_json, serialize(claims, "claims"));
  return base64url_encode(header_json) + "." + base64url_encode(claims_json);
}

core::Result<std::string> signed_token(const nlohmann::json& header, const nlohmann::json& claims,
                                       Alg alg, const PrivateKey& key) {
  TOOLAUTH_ASSIGN_OR_RETURN(std::string input, signing_input(header, claims));
  TOOLAUTH_ASSIGN_OR_RETURN(const std::string signature, sign(alg, key, input));
  return input + "." + base64url_encode(signature);
}

// Replaces the signature segment of `token` with `mutate(signature bytes)`.
template <class Mutate>
core::Result<std::string> with_signature(core::Result<std::string> token, Mutate mutate) {
  if (!token.ok()) return token;
  const auto dot = token->rfind('.');
  TOOLAUTH_ASSIGN_OR_RETURN(std::string signature, base64url_decode(token->substr(dot + 1)));
  mutate(signature);
  return token->substr(0, dot + 1) + base64url_encode(signature);
}

nlohmann::json with(nlohmann::json claims,
                    std::initializer_list<std::pair<const char*, nlohmann::json>> changes) {
  for (const auto& [name, value] : changes) claims[name] = value;
  return claims;
}

}  // namespace

TokenForge::TokenForge(SigningKey key, const core::Clock& clock)
    : key_(std::move(key)), clock_(&clock), other_keys_(std::make_shared<OtherKeys>()) {}

const PrivateKey& TokenForge::other_key(KeyType type) const {
  OtherKeys& keys = *other_keys_;
  auto& once = type == KeyType::rsa ? keys.rsa_once : keys.ec_once;
  auto& slot = type == KeyType::rsa ? keys.rsa : keys.ec;
  std::call_once(once, [&] {
    auto generated = PrivateKey::generate(type);
    if (!generated.ok()) throw std::runtime_error(generated.error().message());
    slot.emplace(std::move(generated).value());
  });
  return *slot;
}

nlohmann::json TokenForge::honest_header() const {
  return {{"typ", "JWT"}, {"alg", std::string(to_string(key_.alg))}, {"kid", key_.kid}};
}

core::Result<std::string> TokenForge::valid(const nlohmann::json& claims) const {
  return signed_token(honest_header(), claims, key_.alg, key_.key);
}

core::Result<std::string> TokenForge::alg_none(const nlohmann::json& claims,
                                               std::string_view spelling) const {
  nlohmann::json header = honest_header();
  header["alg"] = std::string(spelling);
  TOOLAUTH_ASSIGN_OR_RETURN(const std::string input, signing_input(header, claims));
  return input + ".";
}

core::Result<std::string> TokenForge::hs256_with_public_key(const nlohmann::json& claims) const {
  nlohmann::json header = honest_header();
  header["alg"] = "HS256";
  TOOLAUTH_ASSIGN_OR_RETURN(const std::string input, signing_input(header, claims));
  return input + "." + base64url_encode(hmac_sha256(key_.public_key().to_pem(), input));
}

core::Result<std::string> TokenForge::unknown_kid(const nlohmann::json& claims) const {
  nlohmann::json header = honest_header();
  header["kid"] = "forged-" + core::random_hex(8);
  return signed_token(header, claims, key_.alg, key_.key);
}

core::Result<std::string> TokenForge::missing_kid(const nlohmann::json& claims) const {
  nlohmann::json header = honest_header();
  header.erase("kid");
  return signed_token(header, claims, key_.alg, key_.key);
}

core::Result<std::string> TokenForge::mismatched_alg_for_key(const nlohmann::json& claims) const {
  const bool rsa = key_.key.type() == KeyType::rsa;
  const Alg alg = rsa ? Alg::ES256 : Alg::RS256;
  nlohmann::json header = honest_header();
  header["alg"] = std::string(to_string(alg));
  return signed_token(header, claims, alg, other_key(rsa ? KeyType::ec_p256 : KeyType::rsa));
}

core::Result<std::string> TokenForge::expired(const nlohmann::json& claims,
                                              std::chrono::seconds by) const {
  const std::int64_t exp = clock_->unix_seconds() - by.count();
  return valid(with(claims, {{"exp", exp}, {"nbf", exp - 3600}, {"iat", exp - 3600}}));
}

core::Result<std::string> TokenForge::not_yet_valid(const nlohmann::json& claims,
                                                    std::chrono::seconds by) const {
  const std::int64_t now = clock_->unix_seconds();
  const std::int64_t nbf = now + by.count();
  return valid(with(claims, {{"nbf", nbf}, {"iat", now}, {"exp", nbf + 3600}}));
}

core::Result<std::string> TokenForge::issued_in_future(const nlohmann::json& claims,
                                                       std::chrono::seconds by) const {
  const std::int64_t iat = clock_->unix_seconds() + by.count();
  nlohmann::json changed = with(claims, {{"iat", iat}, {"exp", iat + 3600}});
  changed.erase("nbf");
  return valid(changed);
}

core::Result<std::string> TokenForge::wrong_audience(const nlohmann::json& claims) const {
  return valid(with(claims, {{"aud", std::string(kForgedAudience)}}));
}

core::Result<std::string> TokenForge::wrong_issuer(const nlohmann::json& claims) const {
  return valid(with(claims, {{"iss", std::string(kForgedIssuer)}}));
}

core::Result<std::string> TokenForge::bad_signature(const nlohmann::json& claims) const {
  return with_signature(valid(claims), [](std::string& signature) {
    signature[signature.size() / 2] = static_cast<char>(signature[signature.size() / 2] ^ 0x01);
  });
}

core::Result<std::string> TokenForge::truncated_signature(const nlohmann::json& claims) const {
  return with_signature(valid(claims),
                        [](std::string& signature) { signature.resize(signature.size() / 2); });
}

core::Result<std::string> TokenForge::signed_by_other_key(const nlohmann::json& claims) const {
  return signed_token(honest_header(), claims, key_.alg, other_key(key_.key.type()));
}

core::Result<std::string> TokenForge::embedded_jwk(const nlohmann::json& claims) const {
  const PrivateKey& attacker = other_key(key_.key.type());
  nlohmann::json header = honest_header();
  header["jwk"] = attacker.public_key().to_jwk();
  return signed_token(header, claims, key_.alg, attacker);
}

core::Result<std::string> TokenForge::custom(const nlohmann::json& header,
                                             const nlohmann::json& claims, Alg sign_as) const {
  return signed_token(header, claims, sign_as, key_.key);
}

}  // namespace toolauth::jose
