#include "toolauth/idp/authorize_protocol.h"

#include <algorithm>
#include <charconv>

#include "toolauth/core/random.h"
#include "toolauth/idp/scopes.h"
#include "toolauth/idp/sign_in_pages.h"
#include "toolauth/jose/hash.h"

namespace toolauth::idp {

namespace {

constexpr std::string_view kLoopbackHosts[] = {"localhost", "127.0.0.1", "[::1]"};

// RFC 8252 §7.3: the port of a loopback redirect URI is chosen at run time, so a registered
// loopback URI without a port matches any port; scheme, host, path and query stay exact.
bool loopback_match(std::string_view registered, std::string_view presented) {
  for (auto host : kLoopbackHosts) {
    const std::string prefix = "http://" + std::string(host);
    if (!registered.starts_with(prefix)) continue;
    const auto registered_rest = registered.substr(prefix.size());
    // A registered port means that port; "http://localhost.example" is no loopback URI.
    if (!registered_rest.empty() && registered_rest.front() != '/' &&
        registered_rest.front() != '?') {
      return false;
    }
    if (!presented.starts_with(prefix)) return false;
    auto rest = presented.substr(prefix.size());
    if (!rest.empty() && rest.front() == ':') {
      std::size_t digits = 1;
      while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
      unsigned port = 0;
      const auto parsed = std::from_chars(rest.data() + 1, rest.data() + digits, port);
      if (parsed.ec != std::errc() || digits < 2 || digits > 6 || port == 0 || port > 65535)
        return false;
      rest = rest.substr(digits);
    }
    return rest == registered_rest;
  }
  return false;
}

bool is_base64url(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

bool is_unreserved(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
  });
}

// The tenant whose settings (profile, RFC 8707 handling, PKCE leniency) apply: the path's,
// or on /common the client's home tenant.
const Tenant* policy_tenant(const IdentityProvider& idp, const AuthorizationRequest& request,
                            const Application& client) {
  if (!request.tenant.empty()) return idp.directory().tenant_named(request.tenant);
  return idp.directory().tenant_named(client.tenant);
}

std::optional<AadError> check_prompt(AuthorizationRequest& r) {
  for (const auto& value : split_spaces(r.prompt)) {
    if (value == "none") {
      r.prompt_none = true;
    } else if (value == "login") {
      r.prompt_login = true;
    } else if (value == "consent") {
      r.prompt_consent = true;
    } else if (value == "select_account") {
      r.prompt_select_account = true;
    } else {
      return aad::invalid_request("Invalid value for the prompt parameter: '" + value +
                                  "'. Use none, login, consent or select_account.");
    }
  }
  // OIDC Core §3.1.2.1: none with any other value is an error.
  if (r.prompt_none && (r.prompt_login || r.prompt_consent || r.prompt_select_account))
    return aad::invalid_request("prompt=none cannot be combined with other prompt values.");
  return std::nullopt;
}

std::optional<AadError> check_pkce(AuthorizationRequest& r, const Tenant& tenant) {
  if (r.code_challenge.empty()) return aad::pkce_required();
  // RFC 7636 §4.3: an absent method means plain.
  const std::string method = r.code_challenge_method.empty() ? "plain" : r.code_challenge_method;
  if (method == "S256") {
    // BASE64URL of a SHA-256 digest is exactly 43 characters.
    if (r.code_challenge.size() != 43 || !is_base64url(r.code_challenge))
      return aad::pkce_invalid_challenge();
  } else if (method == "plain") {
    if (!tenant.allow_plain_pkce) return aad::pkce_plain_refused();
    if (r.code_challenge.size() < 43 || r.code_challenge.size() > 128 ||
        !is_unreserved(r.code_challenge)) {
      return aad::pkce_invalid_challenge();
    }
  } else {
    return aad::pkce_unsupported_method(method);
  }
  r.code_challenge_method = method;
  return std::nullopt;
}

std::optional<AadError> check_scope(const IdentityProvider& idp, AuthorizationRequest& r,
                                    const Tenant& tenant) {
  const auto& directory = idp.directory();
  std::vector<std::string> oidc;
  for (const auto& token : split_spaces(r.raw_scope)) {
    if (std::find(std::begin(kOidcScopes), std::end(kOidcScopes), token) != std::end(kOidcScopes) &&
        std::find(oidc.begin(), oidc.end(), token) == oidc.end()) {
      oidc.push_back(token);
    }
  }
  if (r.v1) {
    // v1 names the API with `resource` and always returns an ID token.
    if (std::find(oidc.begin(), oidc.end(), "openid") == oidc.end())
      oidc.insert(oidc.begin(), "openid");
    std::string scope = join(oidc);
    if (!r.resource.empty()) {
      if (find_resource_lenient(directory, r.resource) == nullptr)
        return aad::unknown_resource(r.resource, tenant.domain);
      scope = r.resource + "/.default " + scope;
    }
    r.scope = scope;
    return std::nullopt;
  }
  if (split_spaces(r.raw_scope).empty() && r.resource.empty())
    return aad::missing_parameter("scope");
  std::optional<std::string> audience;
  auto resolved = resolve_scopes(directory, tenant, r.raw_scope, r.resource, &audience);
  if (!resolved.ok()) return resolved.error();
  if (resolved->resource != nullptr && resolved->dot_default && resolved->resource->scopes.empty())
    return aad::invalid_scope(r.raw_scope.empty() ? r.resource : r.raw_scope);
  r.scope = r.raw_scope;
  return std::nullopt;
}

}  // namespace

bool redirect_uri_registered(const Application& client, std::string_view presented) {
  for (const auto& registered : client.redirect_uris) {
    if (registered == presented) return true;
    if (client.public_client && loopback_match(registered, presented)) return true;
  }
  return false;
}

const Tenant* sign_in_tenant(const IdentityProvider& idp, const AuthorizationRequest& request) {
  const auto& directory = idp.directory();
  if (!request.tenant.empty()) return directory.tenant_named(request.tenant);
  const auto* client = directory.find_application(request.client_id);
  if (client != nullptr && !client->multi_tenant) return directory.tenant_named(client->tenant);
  return nullptr;
}

AuthorizeCheck check_authorization_request(const IdentityProvider& idp,
                                           std::string_view tenant_segment, bool v1,
                                           const http::Params& params) {
  AuthorizeCheck out;
  auto& r = out.request;
  r.tenant_segment = std::string(tenant_segment);
  r.v1 = v1;
  r.client_id = params.get_or("client_id", "");
  r.redirect_uri = params.get_or("redirect_uri", "");
  r.response_type = params.get_or("response_type", "");
  r.raw_scope = params.get_or("scope", "");
  r.resource = params.get_or("resource", "");
  r.state = params.get_or("state", "");
  r.nonce = params.get_or("nonce", "");
  r.code_challenge = params.get_or("code_challenge", "");
  r.code_challenge_method = params.get_or("code_challenge_method", "");
  r.prompt = params.get_or("prompt", "");
  r.login_hint = params.get_or("login_hint", "");
  r.domain_hint = params.get_or("domain_hint", "");
  r.client_info = params.get_or("client_info", "") == "1";

  // 1. What decides whether redirecting is safe: errors here are shown, never redirected.
  bool multi = false;
  auto tenant = idp.resolve_tenant(tenant_segment, &multi);
  if (!tenant.ok()) {
    out.page_error = tenant.error();
    return out;
  }
  if (*tenant != nullptr) r.tenant = (*tenant)->name;
  for (const char* name : {"client_id", "redirect_uri"}) {
    if (params.count(name) > 1) {
      out.page_error = aad::repeated_parameter(name);
      return out;
    }
  }
  if (r.client_id.empty()) {
    out.page_error = aad::missing_parameter("client_id");
    return out;
  }
  const auto* client = idp.directory().find_application(r.client_id);
  const std::string tenant_label = *tenant != nullptr ? (*tenant)->domain : r.tenant_segment;
  if (client == nullptr ||
      (*tenant != nullptr && client->tenant != (*tenant)->name && !client->multi_tenant)) {
    out.page_error = aad::unknown_client(r.client_id, tenant_label);
    return out;
  }
  if (r.redirect_uri.empty()) {
    out.page_error = aad::missing_parameter("redirect_uri");
    return out;
  }
  if (!redirect_uri_registered(*client, r.redirect_uri)) {
    out.page_error = aad::redirect_uri_mismatch(r.redirect_uri, r.client_id);
    return out;
  }

  // 2. The redirect URI is trusted: every other error goes back to it.
  const auto mode = params.get_or("response_mode", "");
  if (mode == "form_post") {
    r.response_mode = ResponseMode::form_post;
  } else if (mode == "fragment") {
    r.response_mode = ResponseMode::fragment;
  } else if (!mode.empty() && mode != "query") {
    out.redirect_error = aad::invalid_request("Invalid value for response_mode: '" + mode +
                                              "'. Use query, fragment or form_post.");
    return out;
  }
  if (auto repeated = params.first_repeated()) {
    out.redirect_error = aad::repeated_parameter(*repeated);
    return out;
  }
  if (r.response_type.empty()) {
    out.redirect_error = aad::missing_parameter("response_type");
    return out;
  }
  if (r.response_type != "code") {
    out.redirect_error = aad::unsupported_response_type(r.response_type);
    return out;
  }
  if (!client->allows_grant("authorization_code")) {
    out.redirect_error = aad::unauthorized_grant(r.client_id, "authorization_code");
    return out;
  }
  if (auto error = check_prompt(r)) {
    out.redirect_error = *error;
    return out;
  }
  if (params.has("max_age")) {
    const auto text = params.get_or("max_age", "");
    long long value = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
      out.redirect_error = aad::invalid_request("max_age must be a number of seconds.");
      return out;
    }
    r.max_age = value;
  }
  const auto* policy = policy_tenant(idp, r, *client);
  if (policy == nullptr) {
    out.redirect_error = aad::unknown_client(r.client_id, tenant_label);
    return out;
  }
  if (auto error = check_scope(idp, r, *policy)) {
    out.redirect_error = *error;
    return out;
  }
  if (auto error = check_pkce(r, *policy)) {
    out.redirect_error = *error;
    return out;
  }
  return out;
}

http::Response authorization_response(const IdentityProvider& idp,
                                      const AuthorizationRequest& request, http::Params params) {
  if (!request.state.empty()) params.add("state", request.state);
  if (const auto* tenant = idp.directory().tenant_named(request.tenant);
      tenant != nullptr && tenant->profile == TenantProfile::mcp) {
    params.add("iss", idp.tokens().issuer_v2(*tenant));  // RFC 9207
  }
  http::Response response;
  switch (request.response_mode) {
    case ResponseMode::form_post:
      return form_post_page(request.redirect_uri, params);
    case ResponseMode::fragment:
      response = http::Response::redirect(request.redirect_uri + "#" + http::encode_form(params));
      break;
    case ResponseMode::query: {
      auto location = http::append_query(request.redirect_uri, params);
      // A registered redirect URI is an absolute URI; should one still not parse, show the
      // parameters rather than redirect somewhere unintended.
      if (!location.ok()) return form_post_page(request.redirect_uri, params);
      response = http::Response::redirect(std::move(*location));
      break;
    }
  }
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("Referrer-Policy", "no-referrer");
  return response;
}

http::Response authorization_error(const IdentityProvider& idp, const http::Request& http_request,
                                   const AuthorizationRequest& request, const AadError& error) {
  const auto context = idp.error_context(http_request);
  const auto trace_id = core::uuid_v4();
  const auto correlation_id =
      context.correlation_id.empty() ? core::uuid_v4() : context.correlation_id;
  http::Params params;
  params.add("error", error.error);
  params.add("error_description", "AADSTS" + std::to_string(error.code) + ": " + error.message +
                                      "\r\nTrace ID: " + trace_id +
                                      "\r\nCorrelation ID: " + correlation_id +
                                      "\r\nTimestamp: " + entra_timestamp(context.now));
  params.add("error_uri", context.base_url + "/error?code=" + std::to_string(error.code));
  return authorization_response(idp, request, std::move(params));
}

nlohmann::json authorize_journal_fields(const AuthorizationRequest& r) {
  return {{"tenant", r.tenant_segment},
          {"v1", r.v1},
          {"client_id", r.client_id},
          {"redirect_uri", r.redirect_uri},
          {"response_type", r.response_type},
          {"response_mode", r.response_mode == ResponseMode::form_post  ? "form_post"
                            : r.response_mode == ResponseMode::fragment ? "fragment"
                                                                        : "query"},
          {"scope", r.raw_scope},
          {"resource", r.resource},
          {"code_challenge_method", r.code_challenge_method},
          {"state_present", !r.state.empty()},
          {"state_hash", r.state.empty() ? std::string() : jose::short_hash(r.state)},
          {"nonce_present", !r.nonce.empty()},
          {"prompt", r.prompt},
          {"login_hint", r.login_hint},
          {"domain_hint", r.domain_hint},
          {"client_info", r.client_info}};
}

}  // namespace toolauth::idp
