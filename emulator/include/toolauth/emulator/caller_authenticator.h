#pragma once
// Who is calling the data plane: a bearer token issued by the (mock) Entra ID for the Foundry
// audience (https://ai.azure.com), checked in a fixed order:
//   1. `Authorization: Bearer <JWT>` present, once          401 MissingToken /
//   InvalidAuthorizationHeader
//   2. the token decodes; its `iss` is a known tenant's     401 MalformedToken / UnknownIssuer
//      (read unverified only to pick that tenant's keys)
//   3. the tenant's JWKS (fetched over TLS, refetched on    401 SigningKeysUnavailable
//      an unknown kid, see service::JwksCache)
//   4. jose::Verifier: alg allow-list (RS256), key by kid,  401 InvalidSignature / InvalidIssuer /
//      signature, issuer, audience, exp/nbf on the shared       InvalidAudience / TokenExpired /
//      clock with kLeeway                                       TokenNotYetValid / InvalidToken
//   5. `tid` and `oid` present                              401 MissingClaim
//   6. `tid` is the project's tenant (no cross-tenant)      403 PermissionDenied (TenantMismatch)
// Every refusal is an ApiError (code Unauthorized or PermissionDenied, the reason as innererror
// code) with a WWW-Authenticate challenge on 401. The token itself is never logged; the
// Caller keeps it only for the tool-auth flows that exchange it (on-behalf-of).
//
// Threading: the server's io_context thread.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/emulator/api_error.h"
#include "toolauth/emulator/defects.h"
#include "toolauth/emulator/world.h"
#include "toolauth/http/client.h"
#include "toolauth/http/message.h"
#include "toolauth/jose/verifier.h"
#include "toolauth/service/jwks_cache.h"

namespace toolauth::emulator {

struct Caller {
  std::string tid;
  std::string oid;
  std::string tenant;    // the tenant's fixture name
  std::string name;      // display name, when the token has one
  std::string username;  // upn / preferred_username, when present
  std::string app_id;    // the client the token was issued to: appid (v1) or azp (v2)
  // An app-only token (client credentials: no `scp`, `idtyp` not "user"), as an agent's own
  // identity has; a user's token is delegated.
  bool app_only = false;
  std::string token;  // the raw bearer token: a secret
};

class CallerAuthenticator {
 public:
  static constexpr std::chrono::seconds kLeeway{30};

  // `world`, `client` and `clock` must outlive the authenticator. Defect honoured here:
  // accept-cross-tenant (step 6 is skipped).
  CallerAuthenticator(const EmulatorWorld& world, http::Client& client, const core::Clock& clock,
                      EmulatorDefects defects = {});
  ~CallerAuthenticator();

  boost::asio::awaitable<core::Result<Caller, ApiError>> authenticate(
      const http::Request& request, const TenantConfig& project_tenant);

 private:
  struct Issuer {
    std::unique_ptr<service::JwksCache> keys;
    std::optional<jose::Verifier> verifier;
  };
  const EmulatorWorld* world_;
  EmulatorDefects defects_;
  std::map<std::string, Issuer, std::less<>> issuers_;  // by tenant id
};

// The answer to a refused caller: the error, with a WWW-Authenticate challenge naming the
// project tenant's authority on 401 (and the reason, unless the token was just missing).
http::Response refusal_response(const ApiError& error, const TenantConfig& tenant);

}  // namespace toolauth::emulator
