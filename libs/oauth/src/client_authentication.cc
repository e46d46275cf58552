#include "toolauth/oauth/client_authentication.h"

#include "toolauth/jose/base64url.h"

namespace toolauth::oauth {
namespace {

std::string form_encode(std::string_view value) {
  // encode_form gives "v=<encoded>".
  return http::encode_form({{"v", std::string(value)}}).substr(2);
}

}  // namespace

ClientAuthentication ClientAuthentication::public_client(std::string client_id) {
  ClientAuthentication auth;
  auth.client_id = std::move(client_id);
  return auth;
}

ClientAuthentication ClientAuthentication::secret_post(std::string client_id, std::string secret) {
  ClientAuthentication auth;
  auth.method = Method::client_secret_post;
  auth.client_id = std::move(client_id);
  auth.secret = std::move(secret);
  return auth;
}

ClientAuthentication ClientAuthentication::secret_basic(std::string client_id, std::string secret) {
  auto auth = secret_post(std::move(client_id), std::move(secret));
  auth.method = Method::client_secret_basic;
  return auth;
}

ClientAuthentication ClientAuthentication::with_assertion(std::string client_id,
                                                          std::string assertion,
                                                          std::string assertion_type) {
  ClientAuthentication auth;
  auth.method = Method::client_assertion;
  auth.client_id = std::move(client_id);
  auth.assertion = std::move(assertion);
  auth.assertion_type = std::move(assertion_type);
  return auth;
}

void ClientAuthentication::apply(http::Params& form, http::Headers& headers) const {
  switch (method) {
    case Method::none:
      form.add("client_id", client_id);
      break;
    case Method::client_secret_post:
      form.add("client_id", client_id);
      form.add("client_secret", secret);
      break;
    case Method::client_secret_basic:
      // The id goes in the header only: RFC 6749 §2.3.1 forbids two authentication methods in
      // one request, and Entra reads client_id from either.
      headers.set("Authorization", basic_authorization(client_id, secret));
      break;
    case Method::client_assertion:
      form.add("client_id", client_id);
      form.add("client_assertion_type", assertion_type);
      form.add("client_assertion", assertion);
      break;
  }
}

std::string basic_authorization(std::string_view client_id, std::string_view secret) {
  return "Basic " + jose::base64_encode(form_encode(client_id) + ":" + form_encode(secret));
}

}  // namespace toolauth::oauth
