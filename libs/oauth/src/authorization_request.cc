#include "toolauth/oauth/authorization_request.h"

#include <algorithm>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>

#include "toolauth/oauth/error.h"
#include "toolauth/oauth/pkce.h"
#include "toolauth/oauth/token_endpoint_client.h"

namespace toolauth::oauth {
namespace {

core::Error invalid(std::string detail) {
  return core::Error{Errc::invalid_argument, std::move(detail)};
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// Everything but the RFC 3986 unreserved characters, so no parser can misread a value
// ('+' as a space, '&' or '=' as a separator).
std::string percent_encode(std::string_view value) {
  return boost::urls::encode(value, boost::urls::unreserved_chars);
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
bool is_scope_token(std::string_view scope) {
  return !scope.empty() && std::all_of(scope.begin(), scope.end(), [](unsigned char c) {
    return c >= 0x21 && c <= 0x7e && c != '"' && c != '\\';
  });
}

bool is_base64url_challenge(std::string_view challenge) {
  // BASE64URL of a SHA-256 digest: exactly 43 characters.
  return challenge.size() == 43 && std::all_of(challenge.begin(), challenge.end(), [](char c) {
           return is_unreserved(static_cast<unsigned char>(c)) && c != '.' && c != '~';
         });
}

}  // namespace

std::string scope_string(const std::vector<std::string>& scopes, bool offline_access) {
  std::string out;
  bool has_offline = false;
  for (const auto& scope : scopes) {
    if (scope == kOfflineAccessScope) has_offline = true;
    out += (out.empty() ? "" : " ") + scope;
  }
  if (offline_access && !has_offline)
    out += (out.empty() ? "" : " ") + std::string(kOfflineAccessScope);
  return out;
}

core::Result<std::string> build_authorization_url(const AuthorizationRequest& request) {
  TOOLAUTH_RETURN_IF_ERROR(check_credential_url(request.authorization_url));
  auto parsed = boost::urls::parse_absolute_uri(request.authorization_url);
  if (!parsed) return invalid("the authorization URL is not an absolute URL");
  // parse_absolute_uri refuses fragments already; say why when someone tries anyway.
  if (request.client_id.empty()) return invalid("client_id is required");
  if (request.redirect_uri.empty()) return invalid("redirect_uri is required");
  if (request.state.empty()) return invalid("state is required (CSRF protection)");
  if (!is_base64url_challenge(request.code_challenge)) {
    return invalid("code_challenge must be the S256 challenge of a PKCE verifier");
  }
  for (const auto& scope : request.scopes) {
    if (!is_scope_token(scope)) return invalid("a scope may not contain spaces, quotes or '\\'");
  }

  std::vector<std::pair<std::string, std::string>> params = {
      {"response_type", "code"},
      {"client_id", request.client_id},
      {"redirect_uri", request.redirect_uri},
      {"scope", scope_string(request.scopes, request.offline_access)},
      {"state", request.state},
      {"code_challenge", request.code_challenge},
      {"code_challenge_method", std::string(kPkceMethodS256)},
  };
  params.insert(params.end(), request.extra.begin(), request.extra.end());

  boost::urls::url url(*parsed);
  for (const auto& param : params) {
    const std::string& name = param.first;
    if (name.empty()) return invalid("an extra parameter has no name");
    const auto count = std::count_if(params.begin(), params.end(),
                                     [&name](const auto& p) { return p.first == name; });
    if (count > 1 || url.params().contains(name)) {
      return invalid("parameter " + name + " would be sent twice");
    }
  }
  for (const auto& [name, value] : params) {
    url.encoded_params().append({percent_encode(name), percent_encode(value)});
  }
  return std::string(url.buffer());
}

}  // namespace toolauth::oauth
