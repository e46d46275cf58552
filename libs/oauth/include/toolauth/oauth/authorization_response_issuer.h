#pragma once
// RFC 9207, the mix-up defence: an authorization response's `iss` must name the authorization
// server the request was sent to. A client that talks to several servers (one per connection)
// otherwise cannot tell an answer that an attacker's server steered to its redirect URI.
//
// A Foundry OAuth2 connection names its endpoints, not its issuer, so the issuer is derived
// from the authorization URL:
//   - Entra-shaped `{origin}/{tenant}/oauth2/v2.0/authorize`: `iss` is `{origin}/{t}/v2.0`, where
//     t is the tenant itself when that is a tenant id (a GUID); a tenant name ("organizations",
//     "contoso.onmicrosoft.com") resolves to an id we cannot know, so then any one segment;
//   - any other authorization URL: `iss` has the same origin (scheme, host and port).
// An absent `iss` is not judged here: Entra does not send it (RFC 9207 §2.4 lets a client accept
// that when the server's metadata does not promise it).

#include <string_view>

namespace toolauth::oauth {

bool issuer_fits_authorization_server(std::string_view authorization_url, std::string_view iss);

}  // namespace toolauth::oauth
