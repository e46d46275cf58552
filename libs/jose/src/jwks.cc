#include "toolauth/jose/jwks.h"

#include <algorithm>

#include "toolauth/core/json.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

core::Error jwk_error(std::size_t index, std::string_view what) {
  return core::Error{Errc::invalid_jwk,
                     "keys[" + std::to_string(index) + "]: " + std::string(what)};
}

// The member `name` if present: must be a string.
core::Result<std::optional<std::string>> optional_string(const nlohmann::json& jwk,
                                                         const char* name, std::size_t index) {
  const auto it = jwk.find(name);
  if (it == jwk.end()) return std::optional<std::string>();
  if (!it->is_string()) return jwk_error(index, std::string("\"") + name + "\" is not a string");
  return std::optional<std::string>(it->get<std::string>());
}

// Whether a `key_ops` member (if any) allows verification.
core::Result<bool> allows_verify(const nlohmann::json& jwk, std::size_t index) {
  const auto it = jwk.find("key_ops");
  if (it == jwk.end()) return true;
  if (!it->is_array()) return jwk_error(index, "\"key_ops\" is not an array");
  bool verify = false;
  for (const auto& op : *it) {
    if (!op.is_string()) return jwk_error(index, "\"key_ops\" holds a non-string");
    verify = verify || op == "verify";
  }
  return verify;
}

bool alg_fits(Alg alg, const PublicKey& key) { return key_type_for(alg) == key.type(); }

// The certificate of `x5c` (first entry), which must be for `key`; nullopt without `x5c`.
core::Result<std::optional<Certificate>> certificate_of(const nlohmann::json& jwk,
                                                        const PublicKey& key, std::size_t index) {
  const auto x5c = jwk.find("x5c");
  if (x5c == jwk.end()) return std::optional<Certificate>();
  if (!x5c->is_array() || x5c->empty()) return jwk_error(index, "\"x5c\" is not a non-empty array");
  for (const auto& entry : *x5c) {
    if (!entry.is_string()) return jwk_error(index, "\"x5c\" holds a non-string");
  }
  auto der = base64_decode(x5c->front().get_ref<const std::string&>());
  if (!der.ok()) return jwk_error(index, "\"x5c\"[0]: " + der.error().message());
  auto certificate = Certificate::from_der(*der);
  if (!certificate.ok()) return jwk_error(index, "\"x5c\"[0]: " + certificate.error().message());
  if (!(certificate->public_key() == key)) return jwk_error(index, "\"x5c\"[0] is for another key");
  return std::optional<Certificate>(std::move(certificate).value());
}

// `x5t` and `x5t#S256`, when present, must be strings and match `certificate` if there is one.
core::Result<void> check_thumbprints(const nlohmann::json& jwk, const Certificate* certificate,
                                     std::size_t index) {
  for (const char* name : {"x5t", "x5t#S256"}) {
    TOOLAUTH_ASSIGN_OR_RETURN(const auto thumbprint, optional_string(jwk, name, index));
    if (thumbprint && certificate != nullptr) {
      const std::string& expected =
          name == std::string_view("x5t") ? certificate->x5t() : certificate->x5t_s256();
      if (*thumbprint != expected) {
        return jwk_error(index, std::string("\"") + name + "\" does not match \"x5c\"");
      }
    }
  }
  return {};
}

// One JWK: the key, or nullopt when it is to be skipped (see jwks.h).
core::Result<std::optional<JwkSet::Key>> parse_key(const nlohmann::json& jwk, std::size_t index) {
  using Skip = std::optional<JwkSet::Key>;
  if (!jwk.is_object()) return jwk_error(index, "not a JSON object");
  TOOLAUTH_ASSIGN_OR_RETURN(const auto use, optional_string(jwk, "use", index));
  if (use && *use != "sig") return Skip();
  TOOLAUTH_ASSIGN_OR_RETURN(const bool verify, allows_verify(jwk, index));
  if (!verify) return Skip();
  TOOLAUTH_ASSIGN_OR_RETURN(const auto kty, optional_string(jwk, "kty", index));
  if (!kty) return jwk_error(index, "missing \"kty\"");
  if (*kty != "RSA" && *kty != "EC") return Skip();
  if (*kty == "EC") {
    TOOLAUTH_ASSIGN_OR_RETURN(const auto crv, optional_string(jwk, "crv", index));
    if (crv && *crv != "P-256") return Skip();
  }
  TOOLAUTH_ASSIGN_OR_RETURN(const auto alg_name, optional_string(jwk, "alg", index));
  std::optional<Alg> alg;
  if (alg_name) {
    alg = parse_alg(*alg_name);
    if (!alg || !key_type_for(*alg)) return Skip();  // unknown, `none` or HS*: never usable
  }
  TOOLAUTH_ASSIGN_OR_RETURN(const auto kid, optional_string(jwk, "kid", index));
  if (!kid) return Skip();
  auto key = PublicKey::from_jwk(jwk);
  if (!key.ok()) return jwk_error(index, key.error().message());
  if (alg && !alg_fits(*alg, *key)) return jwk_error(index, "\"alg\" does not fit \"kty\"");
  TOOLAUTH_ASSIGN_OR_RETURN(auto certificate, certificate_of(jwk, *key, index));
  TOOLAUTH_RETURN_IF_ERROR(check_thumbprints(jwk, certificate ? &*certificate : nullptr, index));
  TOOLAUTH_ASSIGN_OR_RETURN(auto issuer, optional_string(jwk, "issuer", index));
  return Skip(JwkSet::Key{.kid = *kid,
                          .key = std::move(key).value(),
                          .alg = alg,
                          .issuer = std::move(issuer),
                          .certificate = std::move(certificate)});
}

}  // namespace

JwksEntry JwksEntry::from(const SigningKey& key, std::optional<std::string> issuer) {
  return JwksEntry{.certificate = key.certificate, .kid = key.kid, .issuer = std::move(issuer)};
}

nlohmann::json jwk_for(const JwksEntry& entry) {
  nlohmann::json jwk = entry.certificate.public_key().to_jwk();
  jwk["use"] = "sig";
  jwk["kid"] = entry.kid;
  jwk["x5t"] = entry.certificate.x5t();
  jwk["x5c"] = nlohmann::json::array({base64_encode(entry.certificate.der())});
  if (entry.issuer) jwk["issuer"] = *entry.issuer;
  return jwk;
}

nlohmann::json jwks_document(const std::vector<JwksEntry>& entries) {
  nlohmann::json keys = nlohmann::json::array();
  for (const JwksEntry& entry : entries) keys.push_back(jwk_for(entry));
  return {{"keys", std::move(keys)}};
}

nlohmann::json jwks_document(const std::vector<SigningKey>& keys) {
  std::vector<JwksEntry> entries;
  entries.reserve(keys.size());
  for (const SigningKey& key : keys) entries.push_back(JwksEntry::from(key));
  return jwks_document(entries);
}

JwkSet::JwkSet(std::vector<Key> keys) : keys_(std::move(keys)) {
  for (std::size_t i = 0; i < keys_.size(); ++i) index_.emplace(keys_[i].kid, i);
}

core::Result<JwkSet> JwkSet::from_json(const nlohmann::json& document) {
  if (!document.is_object()) return core::Error{Errc::invalid_jwk, "JWKS is not a JSON object"};
  const auto keys = document.find("keys");
  if (keys == document.end() || !keys->is_array()) {
    return core::Error{Errc::invalid_jwk, "JWKS has no \"keys\" array"};
  }
  if (keys->size() > kMaxJwksKeys) {
    return core::Error{Errc::invalid_jwk,
                       "JWKS holds more than " + std::to_string(kMaxJwksKeys) + " keys"};
  }
  std::vector<Key> usable;
  for (std::size_t i = 0; i < keys->size(); ++i) {
    TOOLAUTH_ASSIGN_OR_RETURN(auto key, parse_key((*keys)[i], i));
    if (key) usable.push_back(std::move(*key));
  }
  return from_keys(std::move(usable));
}

core::Result<JwkSet> JwkSet::parse(std::string_view text) {
  auto document = core::parse_json(text);
  if (!document.ok()) return core::Error{Errc::invalid_jwk, document.error().message()};
  return from_json(*document);
}

core::Result<JwkSet> JwkSet::from_keys(std::vector<Key> keys) {
  std::map<std::string_view, int> seen;
  for (const Key& key : keys) {
    if (++seen[key.kid] > 1) {
      // Two keys under one kid: which one a token means would be a guess.
      return core::Error{Errc::invalid_jwk, "two keys share the kid \"" + key.kid + '"'};
    }
    if (key.alg && !alg_fits(*key.alg, key.key)) {
      return core::Error{Errc::invalid_jwk, "\"alg\" of kid \"" + key.kid + "\" does not fit"};
    }
  }
  return JwkSet(std::move(keys));
}

std::optional<ResolvedKey> JwkSet::find(std::string_view kid) const {
  const Key* found = key(kid);
  if (found == nullptr) return std::nullopt;
  return ResolvedKey{.key = found->key, .alg = found->alg};
}

const JwkSet::Key* JwkSet::key(std::string_view kid) const {
  const auto it = index_.find(kid);
  return it == index_.end() ? nullptr : &keys_[it->second];
}

}  // namespace toolauth::jose
