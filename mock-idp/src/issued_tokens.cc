#include "toolauth/idp/issued_tokens.h"

#include "toolauth/idp/json_fields.h"
#include "toolauth/jose/error.h"
#include "toolauth/jose/verifier.h"

namespace toolauth::idp {

std::string IssuedAccessToken::client_id() const {
  auto azp = string_field(claims, "azp");
  return azp.empty() ? string_field(claims, "appid") : azp;
}

core::Result<IssuedAccessToken, AadError> verify_issued_access_token(IdentityProvider& idp,
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
                      .leeway(std::chrono::seconds(0))
                      .clock(idp.clock())
                      .require_claims({"aud", "sub", "tid", "idtyp"})
                      .build();
  if (!verifier.ok()) return aad::internal_error(verifier.error().message());
  auto verified = verifier->verify(token);
  if (!verified.ok()) {
    const auto code = verified.code();
    if (code == jose::Errc::token_expired || code == jose::Errc::token_not_yet_valid ||
        code == jose::Errc::issued_in_future) {
      return aad::obo_assertion_expired();
    }
    return aad::assertion_invalid(verified.error().message());
  }

  IssuedAccessToken out;
  out.claims = std::move(verified->claims);
  out.tenant = idp.directory().find_tenant(string_field(out.claims, "tid"));
  const auto iss = string_field(out.claims, "iss");
  if (out.tenant == nullptr ||
      (iss != idp.tokens().issuer_v1(*out.tenant) && iss != idp.tokens().issuer_v2(*out.tenant))) {
    return aad::assertion_invalid("The token's issuer is not the issuer of its tenant.");
  }
  const auto idtyp = string_field(out.claims, "idtyp");
  if (idtyp == "app") return out;
  if (idtyp != "user") return aad::assertion_invalid("The token is not an access token.");
  out.user = idp.directory().user_by_oid(string_field(out.claims, "oid"));
  if (out.user == nullptr || out.user->tenant != out.tenant->name) {
    return aad::assertion_invalid("The token's user does not exist in its tenant.");
  }
  return out;
}

bool audience_names_client(const nlohmann::json& claims, std::string_view client_id,
                           const std::vector<std::string>& app_id_uris) {
  const auto aud = string_field(claims, "aud");
  if (aud.empty() || client_id.empty()) return false;
  if (iequals_ascii(aud, client_id) || iequals_ascii(aud, "api://" + std::string(client_id)))
    return true;
  for (const auto& uri : app_id_uris) {
    if (iequals_ascii(aud, uri)) return true;
  }
  return false;
}

}  // namespace toolauth::idp
