#include "toolauth/jose/signing_key.h"

#include "toolauth/jose/error.h"

namespace toolauth::jose {
namespace {

core::Result<SigningKey> generate(KeyType type, Alg alg, const core::Clock& clock,
                                  std::string common_name, std::chrono::seconds validity) {
  TOOLAUTH_ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::generate(type));
  TOOLAUTH_ASSIGN_OR_RETURN(Certificate certificate,
                            Certificate::self_signed(key, std::move(common_name), validity, clock));
  return SigningKey::from(std::move(key), std::move(certificate), alg);
}

}  // namespace

core::Result<SigningKey> SigningKey::generate_rsa(const core::Clock& clock, std::string common_name,
                                                  std::chrono::seconds validity) {
  return generate(KeyType::rsa, Alg::RS256, clock, std::move(common_name), validity);
}

core::Result<SigningKey> SigningKey::generate_ec_p256(const core::Clock& clock,
                                                      std::string common_name,
                                                      std::chrono::seconds validity) {
  return generate(KeyType::ec_p256, Alg::ES256, clock, std::move(common_name), validity);
}

core::Result<SigningKey> SigningKey::from(PrivateKey key, Certificate certificate, Alg alg) {
  if (alg == Alg::none) return core::Error{Errc::alg_none, "a signing key never signs alg none"};
  const auto wanted = key_type_for(alg);
  if (!wanted) return core::Error{Errc::alg_not_allowed, "signing keys are asymmetric"};
  if (*wanted != key.type()) {
    return core::Error{
        Errc::key_alg_mismatch,
        std::string(to_string(key.type())) + " key cannot sign " + std::string(to_string(alg))};
  }
  if (!(certificate.public_key() == key.public_key())) {
    return core::Error{Errc::invalid_key, "the certificate is for another key"};
  }
  std::string kid = certificate.x5t();
  return SigningKey{.key = std::move(key),
                    .certificate = std::move(certificate),
                    .kid = std::move(kid),
                    .alg = alg};
}

core::Result<std::string> SigningKey::sign(const nlohmann::json& payload,
                                           const SignOptions& options) const {
  if (!payload.is_object()) {
    return core::Error{Errc::invalid_argument, "JWT claims must be a JSON object"};
  }
  if (!options.extra_header.is_object()) {
    return core::Error{Errc::invalid_argument, "extra header must be a JSON object"};
  }
  nlohmann::json header = {{"typ", "JWT"}};
  for (const auto& [name, value] : options.extra_header.items()) {
    if (name == "alg" || name == "kid" || name == "x5t") {
      return core::Error{Errc::invalid_argument, "header member \"" + name + "\" is the key's"};
    }
    header[name] = value;
  }
  header["kid"] = kid;
  if (options.include_x5t) header["x5t"] = certificate.x5t();
  std::string payload_json;
  try {
    payload_json = payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  } catch (const nlohmann::json::exception&) {
    return core::Error{Errc::invalid_argument, "JWT claims hold a string that is not UTF-8"};
  }
  return sign_compact(alg, key, std::move(header), payload_json);
}

}  // namespace toolauth::jose
