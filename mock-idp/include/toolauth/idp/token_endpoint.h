#pragma once
// The token endpoint, /{tenant}/oauth2/v2.0/token (and the v1 /{tenant}/oauth2/token).
// It checks what every grant shares, in this order, then hands the request to the handler
// registered for its grant_type:
//   1. tenant (90002), form encoding and repeated parameters;
//   2. whether the tenant serves the grant at all, whoever asks: unknown grant_type (70003),
//      an app grant on /common (9001023), a grant Entra lacks in an `entra` tenant (token
//      exchange: 82001);
//   3. injected faults;
//   4. client authentication, then whether this client may use the grant (confidential
//      only: 7000218; not in its `grants`: 700054).
// A tenant-wide refusal comes before the client's own: a client whose `grants` lack token
// exchange still learns that the tenant has no such grant (82001), as in Entra.
// Every outcome is journalled (never a secret).

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "toolauth/core/result.h"
#include "toolauth/http/message.h"
#include "toolauth/idp/aad_error.h"
#include "toolauth/idp/client_auth.h"
#include "toolauth/idp/identity_provider.h"
#include "toolauth/idp/scopes.h"

namespace toolauth::idp {

inline constexpr std::string_view kGrantDeviceCode = "urn:ietf:params:oauth:grant-type:device_code";
inline constexpr std::string_view kGrantJwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";
inline constexpr std::string_view kGrantTokenExchange =
    "urn:ietf:params:oauth:grant-type:token-exchange";

struct TokenContext {
  IdentityProvider& idp;
  const http::Request& request;
  const http::Params& form;
  const Tenant* tenant;  // nullptr on /common and /organizations
  std::string tenant_segment;
  bool v1_endpoint = false;
  std::string grant_type;
  AuthenticatedClient client;
  // Filled by the handler for the journal: who the token is for and what it grants.
  nlohmann::json journal = nlohmann::json::object();

  // The tenant the request is for: the path's, or for /common the client's home tenant.
  const Tenant& effective_tenant() const;
};

using GrantResult = core::Result<nlohmann::json, AadError>;
using GrantHandler = std::function<GrantResult(TokenContext&)>;
// A handler that suspends (to sign on a worker thread). Other requests run meanwhile and may
// change the directory: it must not use a directory pointer after its first co_await.
using AsyncGrantHandler = std::function<boost::asio::awaitable<GrantResult>(TokenContext&)>;

struct GrantPolicy {
  // The grant needs a confidential client (client_credentials, on-behalf-of).
  bool confidential_only = false;
  // The grant may run on /common and /organizations (user grants); app grants may not.
  bool allowed_on_common = true;
  // Set for grants Entra does not have: the answer in tenants of the `entra` profile.
  std::optional<AadError> refused_in_entra_profile;
};

class TokenEndpoint {
 public:
  explicit TokenEndpoint(IdentityProvider& idp) : idp_(&idp) {}

  void add_grant(std::string grant_type, GrantPolicy policy, GrantHandler handler);
  void add_async_grant(std::string grant_type, GrantPolicy policy, AsyncGrantHandler handler);
  boost::asio::awaitable<http::Response> handle(http::Request& request, bool v1_endpoint);

 private:
  struct Grant {
    GrantPolicy policy;
    AsyncGrantHandler handler;
  };
  IdentityProvider* idp_;
  std::map<std::string, Grant, std::less<>> grants_;
};

// The scopes of a token request, with RFC 8707 `resource` applied as the tenant's profile says
// (reject: AADSTS901002; validate: must name the scope's resource, AADSTS9010010; accept: the
// resource is the audience and bare scope names are its permissions). `*audience` receives the
// RFC 8707 audience in accept mode.
core::Result<ScopeRequest, AadError> requested_scopes(const TokenContext& context,
                                                      std::string_view scope,
                                                      std::optional<std::string>* audience);

// The JSON body and headers of a successful token response.
http::Response token_response(const nlohmann::json& body);

// Registers every grant this IdP implements.
void register_grants(TokenEndpoint& endpoint);
// Grant handlers, one file each under src/grants/.
boost::asio::awaitable<GrantResult> client_credentials_grant(TokenContext& context);
GrantResult on_behalf_of_grant(TokenContext& context);
GrantResult user_fic_grant(TokenContext& context);
GrantResult token_exchange_grant(TokenContext& context);
GrantResult authorization_code_grant(TokenContext& context);
GrantResult refresh_token_grant(TokenContext& context);
GrantResult device_code_grant(TokenContext& context);
GrantResult password_grant(TokenContext& context);

}  // namespace toolauth::idp
