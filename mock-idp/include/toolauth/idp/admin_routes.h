#pragma once
// The IdP's own admin routes, next to the shared ones of service::mount_admin:
//   GET  /_admin/keys                       published signing keys (kids)
//   POST /_admin/keys/rotate                {"overlap_seconds"?}: new active key
//   POST /_admin/redirect-uris              {"client_id", "redirect_uri"}
//   PUT  /_admin/lifetimes                  {"client_id", "access_token_seconds"}
//   DELETE /_admin/lifetimes                back to the default lifetime
//   POST /_admin/revoke                     {"user"?, "client_id"?, "family"?}: refresh tokens
//   GET  /_admin/consents                   runtime consent grants
//   POST /_admin/consents/revoke            {"client"?, "resource"?, "user"?}

#include <functional>

#include "toolauth/core/result.h"
#include "toolauth/http/router.h"
#include "toolauth/idp/identity_provider.h"

namespace toolauth::idp {

// `save_keys` persists the key ring after a rotation.
void add_idp_admin_routes(http::Router& router, IdentityProvider& idp,
                          std::function<core::Result<void>()> save_keys);

}  // namespace toolauth::idp
