#pragma once
// Managed identity tokens over the two local protocols `@azure/identity` speaks (reference:
// entra-oauth.md §6), against Azure or mock-idp's plain-HTTP listener:
//   App Service  GET IDENTITY_ENDPOINT?api-version=2019-08-01&resource=…[&client_id=…]
//                with `X-IDENTITY-HEADER: IDENTITY_HEADER`
//   IMDS         GET <host>/metadata/identity/oauth2/token?api-version=2018-02-01&resource=…
//                [&client_id=…] with `Metadata: true` (host 169.254.169.254, or
//                AZURE_POD_IDENTITY_AUTHORITY_HOST)
// A user-assigned identity is chosen by client id, object id or ARM resource id (sent as
// mi_res_id to App Service and msi_res_id to IMDS, the names each documents); none selects
// the system-assigned identity.
//
// Both answer with string-valued JSON; expires_on (epoch seconds) wins over expires_in, so
// the lifetime is right even when the answer was cached on the other side. The result is a
// TokenResult whose `scope` holds the resource. Errors in either shape (`error` /
// `error_description`, or App Service's `message`) become TokenErrors: 401/403 rejected,
// 404/410/429/5xx and network failures transient (Azure Identity retries those).
//
// The endpoint must be https, loopback or link-local (169.254.0.0/16): the identity header
// is a credential. Nothing secret is logged. Threading as TokenEndpointClient.

#include <boost/asio/awaitable.hpp>
#include <string>

#include "toolauth/core/clock.h"
#include "toolauth/core/log.h"
#include "toolauth/http/client.h"
#include "toolauth/oauth/token_response.h"

namespace toolauth::oauth {

inline constexpr std::string_view kAppServiceApiVersion = "2019-08-01";
inline constexpr std::string_view kImdsApiVersion = "2018-02-01";
inline constexpr std::string_view kImdsTokenPath = "/metadata/identity/oauth2/token";
inline constexpr std::string_view kImdsDefaultHost = "http://169.254.169.254";

struct ManagedIdentityEndpoint {
  enum class Protocol { app_service, imds };
  Protocol protocol = Protocol::imds;
  // App Service: IDENTITY_ENDPOINT, the token URL itself. IMDS: the host URL to which
  // kImdsTokenPath is appended.
  std::string url = std::string(kImdsDefaultHost);
  std::string identity_header;  // App Service only: IDENTITY_HEADER (a secret)

  static ManagedIdentityEndpoint app_service(std::string identity_endpoint,
                                             std::string identity_header);
  static ManagedIdentityEndpoint imds(std::string host = std::string(kImdsDefaultHost));
};

struct ManagedIdentitySelector {
  enum class Kind { system_assigned, client_id, object_id, resource_id };
  Kind kind = Kind::system_assigned;
  std::string value;

  static ManagedIdentitySelector system_assigned() { return {}; }
  static ManagedIdentitySelector by_client_id(std::string id) {
    return {Kind::client_id, std::move(id)};
  }
  static ManagedIdentitySelector by_object_id(std::string id) {
    return {Kind::object_id, std::move(id)};
  }
  static ManagedIdentitySelector by_resource_id(std::string id) {
    return {Kind::resource_id, std::move(id)};
  }
};

class ManagedIdentityClient {
 public:
  ManagedIdentityClient(http::Client& http, const core::Clock& clock,
                        ManagedIdentityEndpoint endpoint,
                        core::Logger logger = core::null_logger());

  // A token for `resource` (an App ID URI or client id; a trailing "/.default" is dropped, as
  // Azure Identity does when it turns a scope into a resource).
  boost::asio::awaitable<TokenResult> get_token(std::string resource,
                                                ManagedIdentitySelector identity = {});

  // The request get_token sends, for tests and the conformance suite's evidence.
  core::Result<http::ClientRequest> make_request(std::string_view resource,
                                                 const ManagedIdentitySelector& identity) const;

 private:
  http::Client* http_;
  const core::Clock* clock_;
  ManagedIdentityEndpoint endpoint_;
  core::Logger logger_;
};

}  // namespace toolauth::oauth
