#pragma once
// RFC 7591 §2 client metadata, as this IdP accepts it for dynamic registration: a
// redirect-based client (authorization code with PKCE, optionally refresh tokens) that
// authenticates with a client secret or, as a public client, not at all.
//
//   redirect_uris               required: 1..kMaxRedirectUris absolute URIs without fragment
//                               or user information, https or http on a loopback host
//                               (localhost, 127.0.0.0/8, [::1]; RFC 8252 §7.3)
//   token_endpoint_auth_method  none | client_secret_basic (default) | client_secret_post
//   grant_types                 ⊆ {authorization_code, refresh_token}, holding
//                               authorization_code (default [authorization_code])
//   response_types              [code] (the default): RFC 7591 §2.1 pairs it with
//                               authorization_code, and the implicit flow is not offered
//   client_name, scope          strings of at most kMaxTextLength characters
//   client_uri, logo_uri        absolute https or http URIs
// Other members are ignored and not registered (RFC 7591 §2: a server ignores metadata it
// does not understand). Errors (RFC 7591 §3.2.2): invalid_redirect_uri for redirect_uris,
// invalid_client_metadata for everything else.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "toolauth/core/result.h"

namespace toolauth::idp {

inline constexpr std::size_t kMaxRedirectUris = 20;
inline constexpr std::size_t kMaxUriLength = 2048;
inline constexpr std::size_t kMaxTextLength = 512;

inline constexpr std::string_view kAuthMethodNone = "none";
inline constexpr std::string_view kAuthMethodSecretBasic = "client_secret_basic";
inline constexpr std::string_view kAuthMethodSecretPost = "client_secret_post";

struct ClientMetadataError {
  std::string error;  // invalid_redirect_uri | invalid_client_metadata
  std::string description;
};

// The metadata to register: the members above with defaults filled in, nothing else.
core::Result<nlohmann::json, ClientMetadataError> validate_client_metadata(
    const nlohmann::json& body);

}  // namespace toolauth::idp
