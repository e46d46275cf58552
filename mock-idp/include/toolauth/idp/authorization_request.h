#pragma once
// An authorization request as the IdP keeps it while the user signs in: by value, with names
// and ids (never pointers into the Directory, which a reset replaces). authorize_protocol.h
// checks and answers it.

#include <optional>
#include <string>

namespace toolauth::idp {

enum class ResponseMode { query, fragment, form_post };

struct AuthorizationRequest {
  std::string tenant_segment;  // as in the path
  std::string tenant;          // tenant name; empty on /common and /organizations
  bool v1 = false;             // /oauth2/authorize with `resource`
  std::string client_id;
  std::string redirect_uri;
  std::string response_type;
  ResponseMode response_mode = ResponseMode::query;
  // The scope string the code carries: for v1 requests `<resource>/.default` plus the OIDC
  // scopes, so the token endpoint resolves both versions alike.
  std::string scope;
  std::string raw_scope;  // as the client sent it (for the journal)
  std::string resource;   // RFC 8707 `resource` (v2) or the v1 `resource`
  std::string state;
  std::string nonce;
  std::string code_challenge;
  std::string code_challenge_method;
  std::string prompt;  // as sent
  bool prompt_none = false;
  bool prompt_login = false;
  bool prompt_consent = false;
  bool prompt_select_account = false;
  std::optional<long long> max_age;  // OIDC max_age, seconds
  std::string login_hint;
  std::string domain_hint;
  bool client_info = false;
};

}  // namespace toolauth::idp
