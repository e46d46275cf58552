#include "toolauth/idp/client_auth.h"

#include <algorithm>

#include "toolauth/core/constant_time.h"
#include "toolauth/core/unix_time.h"
#include "toolauth/idp/json_fields.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/certificate.h"
#include "toolauth/jose/claims.h"
#include "toolauth/jose/error.h"
#include "toolauth/jose/jwt.h"
#include "toolauth/jose/verifier.h"

namespace toolauth::idp {

namespace {

struct Credentials {
  std::string client_id;
  std::string secret;
  std::string assertion;
  bool basic = false;
};

// Finds the registered certificate a client assertion names (RFC 7515 x5t / x5t#S256, or a
// kid equal to the x5t as MSAL sends it).
class CertificateResolver final : public jose::KeyResolver {
 public:
  explicit CertificateResolver(const std::vector<ClientCertificate>& certificates)
      : certificates_(&certificates) {}
  std::optional<jose::ResolvedKey> find(std::string_view kid) const override {
    for (const auto& c : *certificates_) {
      if (c.x5t == kid) return resolve(c);
    }
    return std::nullopt;
  }
  std::optional<jose::ResolvedKey> find_without_kid(const nlohmann::json& header) const override {
    for (const auto& c : *certificates_) {
      const bool by_sha1 = header.contains("x5t") && header["x5t"] == c.x5t;
      const bool by_sha256 = header.contains("x5t#S256") && header["x5t#S256"] == c.x5t_s256;
      if (by_sha1 || by_sha256) return resolve(c);
    }
    return std::nullopt;
  }

 private:
  static std::optional<jose::ResolvedKey> resolve(const ClientCertificate& c) {
    auto certificate = jose::Certificate::from_pem(c.certificate_pem);
    if (!certificate.ok()) return std::nullopt;
    return jose::ResolvedKey{certificate->public_key(), std::nullopt};
  }
  const std::vector<ClientCertificate>* certificates_;
};

core::Result<Credentials, AadError> read_credentials(const ClientAuthRequest& in) {
  Credentials c;
  c.client_id = in.form.get_or("client_id", "");
  c.secret = in.form.get_or("client_secret", "");
  c.assertion = in.form.get_or("client_assertion", "");
  const auto assertion_type = in.form.get_or("client_assertion_type", "");
  if (!c.assertion.empty() && assertion_type != kJwtBearerAssertionType) {
    return aad::invalid_request("client_assertion_type must be " +
                                std::string(kJwtBearerAssertionType) + ".");
  }
  if (auto header = in.request.headers.get("authorization");
      header && header->size() > 6 && iequals_ascii(header->substr(0, 6), "basic ")) {
    auto decoded = jose::base64_decode(header->substr(6));
    const std::string text =
        decoded.ok() ? std::string(decoded->begin(), decoded->end()) : std::string();
    const auto colon = text.find(':');
    if (!decoded.ok() || colon == std::string::npos)
      return aad::invalid_request("Malformed HTTP Basic credentials.");
    // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
    auto id = http::parse_form("v=" + text.substr(0, colon));
    auto secret = http::parse_form("v=" + text.substr(colon + 1));
    if (!id.ok() || !secret.ok()) return aad::invalid_request("Malformed HTTP Basic credentials.");
    // RFC 6749 §2.3: a client must not use more than one authentication method.
    if (!c.secret.empty() || !c.assertion.empty()) {
      return aad::invalid_request("The client authenticated with more than one method.");
    }
    const std::string basic_id(id->get_or("v", ""));
    if (!c.client_id.empty() && c.client_id != basic_id) {
      return aad::invalid_request("client_id in the body differs from the HTTP Basic user.");
    }
    c.client_id = basic_id;
    c.secret = secret->get_or("v", "");
    c.basic = true;
  }
  if (!c.secret.empty() && !c.assertion.empty()) {
    return aad::invalid_request("The client authenticated with more than one method.");
  }
  if (c.client_id.empty() && !c.assertion.empty()) {
    // RFC 7523 §3: the assertion's sub identifies the client when client_id is absent.
    if (auto decoded = jose::decode_jwt(c.assertion); decoded.ok())
      c.client_id = string_field(decoded->payload, "sub");
  }
  if (c.client_id.empty()) return aad::missing_parameter("client_id");
  return c;
}

core::Result<void, AadError> check_secret(const std::vector<ClientSecret>& secrets,
                                          const Credentials& c, const core::Clock& clock) {
  bool expired_match = false;
  for (const auto& s : secrets) {
    if (!core::constant_time_equal(c.secret, s.value)) continue;
    if (s.expires && *s.expires <= clock.now()) {
      expired_match = true;
      continue;
    }
    return {};
  }
  if (expired_match) return aad::expired_client_secret(c.client_id);
  auto error = aad::invalid_client_secret(c.client_id);
  error.basic_auth = c.basic;
  return error;
}

// Maps a verifier failure of a client assertion to Entra's error.
AadError assertion_error(const core::Error& e) {
  const auto code = e.code;
  if (code == jose::Errc::token_expired || code == jose::Errc::token_not_yet_valid ||
      code == jose::Errc::issued_in_future) {
    return aad::client_assertion_expired();
  }
  return aad::client_assertion_invalid(e.message());
}

core::Result<void, AadError> check_certificate_assertion(IdentityProvider& idp,
                                                         const Application& app,
                                                         const Credentials& c,
                                                         const ClientAuthRequest& in) {
  auto verifier = jose::Verifier::builder()
                      .allow(jose::Alg::RS256)
                      .allow(jose::Alg::PS256)
                      .keys(std::make_shared<CertificateResolver>(app.certificates))
                      .issuer(app.client_id)
                      .any_audience()
                      .leeway(idp.options().assertion_leeway)
                      .clock(idp.clock())
                      .require_claims({"sub", "jti"})
                      .build();
  if (!verifier.ok()) return aad::client_assertion_invalid(verifier.error().message());
  auto verified = verifier->verify(c.assertion);
  if (!verified.ok()) {
    if (verified.code() == jose::Errc::issuer_mismatch) {
      return aad::client_assertion_invalid("The assertion's iss must be the client id.");
    }
    return assertion_error(verified.error());
  }
  const auto& claims = verified->claims;
  if (claims["sub"] != app.client_id)
    return aad::client_assertion_invalid("The assertion's sub must be the client id.");
  const auto& aud = claims["aud"];
  const bool aud_ok =
      aud.is_string() && std::find(in.token_endpoints.begin(), in.token_endpoints.end(),
                                   aud.get<std::string>()) != in.token_endpoints.end();
  if (!aud_ok) return aad::client_assertion_audience(in.token_endpoints.front());
  if (!claims["jti"].is_string()) return aad::client_assertion_invalid("jti must be a string.");
  // The verifier read exp (clamped to jose::kMaxNumericDate), so the sum cannot overflow.
  const auto exp = jose::read_numeric_date(claims, "exp");
  const auto expires = core::time_at_unix_seconds(
      (exp.ok() && *exp ? **exp : 0) +
      std::chrono::duration_cast<std::chrono::seconds>(idp.options().assertion_leeway).count());
  if (!idp.assertion_ids().first_use(app.client_id + "/" + claims["jti"].get<std::string>(),
                                     expires, idp.clock().now())) {
    return aad::client_assertion_replayed();
  }
  return {};
}

// A token the IdP issued itself (any tenant, v1 or v2 issuer), checked for signature and time.
core::Result<jose::VerifiedJwt, AadError> verify_own_token(IdentityProvider& idp,
                                                           std::string_view token) {
  std::vector<std::string> issuers;
  for (const auto& t : idp.directory().tenants) {
    issuers.push_back(idp.tokens().issuer_v1(t));
    issuers.push_back(idp.tokens().issuer_v2(t));
  }
  auto verifier = jose::Verifier::builder()
                      .allow(jose::Alg::RS256)
                      .keys(std::shared_ptr<const jose::KeyResolver>(
                          &idp.keys(), [](const jose::KeyResolver*) {}))
                      .issuers(issuers)
                      .any_audience()
                      .leeway(idp.options().assertion_leeway)
                      .clock(idp.clock())
                      .require_claims({"sub"})
                      .build();
  if (!verifier.ok()) return aad::client_assertion_invalid(verifier.error().message());
  auto verified = verifier->verify(token);
  if (!verified.ok()) {
    if (verified.code() == jose::Errc::issuer_mismatch) {
      auto decoded = jose::decode_jwt(token);
      return aad::federated_issuer_unknown(decoded.ok() ? string_field(decoded->payload, "iss")
                                                        : std::string());
    }
    return assertion_error(verified.error());
  }
  return std::move(*verified);
}

core::Result<void, AadError> check_federated_assertion(
    IdentityProvider& idp, const std::vector<FederatedCredential>& credentials,
    const Credentials& c) {
  TOOLAUTH_ASSIGN_OR_RETURN(auto verified, verify_own_token(idp, c.assertion));
  const auto& claims = verified.claims;
  const auto iss = string_field(claims, "iss");
  const auto sub = string_field(claims, "sub");
  bool issuer_known = false;
  for (const auto& fic : credentials) {
    if (fic.issuer != iss) continue;
    issuer_known = true;
    if (fic.subject != sub) continue;
    const auto& aud = claims["aud"];
    const bool aud_ok = aud.is_string() && std::find(fic.audiences.begin(), fic.audiences.end(),
                                                     aud.get<std::string>()) != fic.audiences.end();
    if (aud_ok) return {};
  }
  if (!issuer_known) return aad::federated_issuer_unknown(iss);
  return aad::federated_subject_unknown(sub);
}

core::Result<void, AadError> check_agent_assertion(IdentityProvider& idp, const Identity& agent,
                                                   const Credentials& c) {
  TOOLAUTH_ASSIGN_OR_RETURN(auto verified, verify_own_token(idp, c.assertion));
  const auto uti = string_field(verified.claims, "uti");
  const auto* grant = idp.find_exchange_grant(uti);
  if (grant == nullptr)
    return aad::agent_assertion_invalid("The assertion is not an exchange token of a blueprint.");
  if (grant->blueprint != agent.blueprint || grant->fmi_path != agent.client_id) {
    return aad::agent_assertion_invalid(
        "The exchange token was issued for another agent identity.");
  }
  return {};
}

}  // namespace

std::vector<std::string> AuthenticatedClient::app_roles_on(std::string_view resource) const {
  const auto& permissions = application ? application->app_permissions : identity->app_permissions;
  auto it = permissions.find(std::string(resource));
  return it == permissions.end() ? std::vector<std::string>{} : it->second;
}

bool AuthenticatedClient::allows_grant(std::string_view grant_type) const {
  if (application) return application->allows_grant(grant_type);
  if (identity->kind == IdentityKind::agent_blueprint) return grant_type == "client_credentials";
  return grant_type == "client_credentials" ||
         grant_type == "urn:ietf:params:oauth:grant-type:jwt-bearer" || grant_type == "user_fic" ||
         grant_type == "refresh_token";
}

std::string presented_client_id(const http::Request& request, const http::Params& form) {
  auto credentials = read_credentials({request, form, {}, {}});
  return credentials.ok() ? credentials->client_id : form.get_or("client_id", "");
}

core::Result<AuthenticatedClient, AadError> authenticate_client(IdentityProvider& idp,
                                                                const ClientAuthRequest& in) {
  TOOLAUTH_ASSIGN_OR_RETURN(auto c, read_credentials(in));
  AuthenticatedClient client;
  client.client_id = c.client_id;
  client.used_basic = c.basic;
  client.application = idp.directory().find_application(c.client_id);
  if (client.application == nullptr) {
    const auto* identity = idp.directory().find_identity(c.client_id);
    if (identity != nullptr && (identity->kind == IdentityKind::agent_blueprint ||
                                identity->kind == IdentityKind::agent_identity)) {
      client.identity = identity;
    }
  }
  if (client.application == nullptr && client.identity == nullptr) {
    return aad::unknown_client(c.client_id, in.tenant_label);
  }
  const bool presented = !c.secret.empty() || !c.assertion.empty();
  if (client.is_public()) {
    if (presented) return aad::public_client_with_credential();
    client.level = ClientAuthLevel::none;
    return client;
  }
  if (!presented) return aad::missing_client_credential();

  if (client.application != nullptr) {
    const auto& app = *client.application;
    if (!c.secret.empty()) {
      TOOLAUTH_RETURN_IF_ERROR(check_secret(app.secrets, c, idp.clock()));
      client.level = ClientAuthLevel::secret;
    } else if (auto decoded = jose::decode_jwt(c.assertion);
               !app.certificates.empty() && decoded.ok() &&
               string_field(decoded->payload, "iss") == app.client_id) {
      TOOLAUTH_RETURN_IF_ERROR(check_certificate_assertion(idp, app, c, in));
      client.level = ClientAuthLevel::certificate;
    } else {
      TOOLAUTH_RETURN_IF_ERROR(check_federated_assertion(idp, app.federated_credentials, c));
      client.level = ClientAuthLevel::certificate;
    }
    return client;
  }

  const auto& identity = *client.identity;
  if (identity.kind == IdentityKind::agent_identity) {
    // Agent identities hold no credentials: only their blueprint's exchange token will do.
    if (c.assertion.empty()) return aad::missing_client_credential();
    TOOLAUTH_RETURN_IF_ERROR(check_agent_assertion(idp, identity, c));
  } else if (!c.secret.empty()) {
    TOOLAUTH_RETURN_IF_ERROR(check_secret(identity.secrets, c, idp.clock()));
  } else {
    TOOLAUTH_RETURN_IF_ERROR(check_federated_assertion(idp, identity.federated_credentials, c));
  }
  client.level = c.secret.empty() ? ClientAuthLevel::certificate : ClientAuthLevel::secret;
  return client;
}

}  // namespace toolauth::idp
