#pragma once
// Access tokens this IdP issued, presented back to it as grant input: the user's token in
// on-behalf-of (`assertion`), RFC 8693 `subject_token` and `actor_token`, and the agent
// identity's token an agent user signs in with (`user_federated_identity_credential`).
//
// They are verified as strictly as any resource server would: RS256 signature by the key
// ring, the v1 or v2 issuer of the tenant named by `tid`, not expired with no leeway (the
// tokens come from this server's own clock, so there is no skew to forgive), and shaped as an
// access token (`idtyp` "user" or "app": ID tokens carry none). A delegated token must name a
// user of that tenant by `oid`.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/result.h"
#include "toolauth/idp/aad_error.h"
#include "toolauth/idp/identity_provider.h"

namespace toolauth::idp {

struct IssuedAccessToken {
  nlohmann::json claims;
  const Tenant* tenant = nullptr;  // from `tid`
  const User* user = nullptr;      // the subject of a delegated token; null for app-only
  bool app_only() const { return user == nullptr; }
  // The client the token was issued to: `azp` (v2) or `appid` (v1).
  std::string client_id() const;
};

// Errors, as Entra reports a bad on-behalf-of assertion: AADSTS500133 (invalid_grant) when the
// token is expired or not yet valid, AADSTS50013 (invalid_grant) for every other reason.
core::Result<IssuedAccessToken, AadError> verify_issued_access_token(IdentityProvider& idp,
                                                                     std::string_view token);

// Whether the token's `aud` (a string) names the client: its client id, api://<client id>,
// or one of its App ID URIs (case-insensitive, as Entra compares them).
bool audience_names_client(const nlohmann::json& claims, std::string_view client_id,
                           const std::vector<std::string>& app_id_uris = {});

}  // namespace toolauth::idp
