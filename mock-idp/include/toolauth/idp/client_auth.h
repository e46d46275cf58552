#pragma once
// Client authentication at the token endpoint (RFC 6749 §2.3, RFC 7523, Entra's variants):
//   - client_secret in the body or HTTP Basic (never both; Basic parts are form-decoded);
//   - client_assertion signed by a registered certificate (RS256 or PS256, named by x5t,
//     x5t#S256 or kid = x5t), aud = the token endpoint called, iss = sub = client id, single
//     use by jti;
//   - client_assertion that is a token this IdP issued and a federated identity credential of
//     the client accepts (a managed identity's token for api://AzureADTokenExchange);
//   - for an Entra agent identity, client_assertion = the T1 token its blueprint obtained with
//     fmi_path naming it.
// Public clients must present no credential; confidential clients must present one.

#include <string>
#include <vector>

#include "toolauth/core/result.h"
#include "toolauth/http/message.h"
#include "toolauth/idp/aad_error.h"
#include "toolauth/idp/identity_provider.h"

namespace toolauth::idp {

inline constexpr std::string_view kJwtBearerAssertionType =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

struct AuthenticatedClient {
  const Application* application = nullptr;
  const Identity* identity = nullptr;  // agent blueprint or agent identity
  std::string client_id;
  ClientAuthLevel level = ClientAuthLevel::none;
  bool used_basic = false;

  const std::string& name() const { return application ? application->name : identity->name; }
  const std::string& object_id() const {
    return application ? application->object_id : identity->object_id;
  }
  const std::string& tenant() const { return application ? application->tenant : identity->tenant; }
  std::string display_name() const {
    return application ? application->display_name : identity->name;
  }
  bool is_public() const { return application != nullptr && application->public_client; }
  // Application permissions of this client on `resource` (application name).
  std::vector<std::string> app_roles_on(std::string_view resource) const;
  bool allows_grant(std::string_view grant_type) const;
};

struct ClientAuthRequest {
  const http::Request& request;
  const http::Params& form;
  // `aud` values a client assertion may carry: the token endpoint URL as called, and with the
  // tenant's GUID and domain.
  std::vector<std::string> token_endpoints;
  std::string tenant_label;  // for error messages
};

core::Result<AuthenticatedClient, AadError> authenticate_client(IdentityProvider& idp,
                                                                const ClientAuthRequest& input);

// The client id a request names, not yet authenticated: the body's client_id, the HTTP Basic
// user, or a client assertion's `sub`. For fault selectors and journals before (or whether or
// not) authentication succeeds; never a reason to trust the client.
std::string presented_client_id(const http::Request& request, const http::Params& form);

}  // namespace toolauth::idp
