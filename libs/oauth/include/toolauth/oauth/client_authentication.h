#pragma once
// How a client proves who it is at a token endpoint (RFC 6749 §2.3, RFC 7523 §2.2):
//   public client          client_id only
//   client_secret_post     client_id and client_secret in the form body
//   client_secret_basic    Authorization: Basic base64(urlencode(id) ":" urlencode(secret)),
//                          form-encoding first as RFC 6749 §2.3.1 requires (secrets with
//                          ':' '+' '%' survive)
//   client assertion       client_id, client_assertion_type and client_assertion (a JWT the
//                          caller made or obtained: a certificate-signed assertion, a managed
//                          identity token, or the Agent ID exchange token T1)
//
// Holds secrets: never log one of these.

#include <string>

#include "toolauth/http/headers.h"
#include "toolauth/http/params.h"

namespace toolauth::oauth {

inline constexpr std::string_view kJwtBearerAssertionType =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

struct ClientAuthentication {
  enum class Method { none, client_secret_post, client_secret_basic, client_assertion };

  Method method = Method::none;
  std::string client_id;
  std::string secret;     // client_secret_post and client_secret_basic
  std::string assertion;  // client_assertion
  std::string assertion_type = std::string(kJwtBearerAssertionType);

  static ClientAuthentication public_client(std::string client_id);
  static ClientAuthentication secret_post(std::string client_id, std::string secret);
  static ClientAuthentication secret_basic(std::string client_id, std::string secret);
  static ClientAuthentication with_assertion(
      std::string client_id, std::string assertion,
      std::string assertion_type = std::string(kJwtBearerAssertionType));

  // Adds the credential to a token request's form and headers.
  void apply(http::Params& form, http::Headers& headers) const;
};

// "Basic " + base64(urlencode(client_id) ":" urlencode(secret)).
std::string basic_authorization(std::string_view client_id, std::string_view secret);

}  // namespace toolauth::oauth
