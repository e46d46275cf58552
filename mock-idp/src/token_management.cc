#include "toolauth/idp/token_management.h"

#include <algorithm>

#include "toolauth/core/unix_time.h"
#include "toolauth/idp/client_auth.h"
#include "toolauth/idp/fault_errors.h"
#include "toolauth/idp/form_body.h"
#include "toolauth/idp/json_fields.h"
#include "toolauth/idp/scopes.h"
#include "toolauth/jose/hash.h"
#include "toolauth/jose/verifier.h"

namespace toolauth::idp {

namespace {

namespace net = boost::asio;

constexpr std::string_view kAccessTokenHint = "access_token";
constexpr std::string_view kRefreshTokenHint = "refresh_token";

std::int64_t unix_seconds(core::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

http::Response no_store(http::Response response) {
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("Pragma", "no-cache");
  return response;
}

struct AccessToken {
  nlohmann::json claims;
  std::string uti;
  std::string client_id;  // azp (v2) or appid (v1)
  core::Clock::time_point expires;
};

// An access token the IdP issued for `tenant`; the error says why a token is not one.
core::Result<AccessToken> verify_access_token(IdentityProvider& idp, const Tenant& tenant,
                                              std::string_view token) {
  TOOLAUTH_ASSIGN_OR_RETURN(
      auto verifier, jose::Verifier::builder()
                         .allow(jose::Alg::RS256)
                         .keys(std::shared_ptr<const jose::KeyResolver>(
                             &idp.keys(), [](const jose::KeyResolver*) {}))
                         .issuers({idp.tokens().issuer_v1(tenant), idp.tokens().issuer_v2(tenant)})
                         .any_audience()
                         .clock(idp.clock())
                         .require_claims({"uti"})
                         .build());
  TOOLAUTH_ASSIGN_OR_RETURN(auto verified, verifier.verify(token));
  AccessToken out;
  out.uti = string_field(verified.claims, "uti");
  out.client_id = string_field(verified.claims, "azp");
  if (out.client_id.empty()) out.client_id = string_field(verified.claims, "appid");
  // ID tokens verify too, but name no client of their own: they are not access tokens.
  if (out.uti.empty() || out.client_id.empty())
    return core::Error{core::Errc::invalid_argument, "not an access token"};
  out.expires = core::time_at_unix_seconds(integer_field(verified.claims, "exp").value_or(0));
  out.claims = std::move(verified.claims);
  return out;
}

// What revocation and introspection share: a tenant in the mcp profile, a form body without
// repeated parameters, an authenticated client of the tenant, a `token`.
class PresentedToken {
 public:
  PresentedToken(IdentityProvider& idp, const http::Request& request, std::string_view endpoint)
      : idp_(idp),
        request_(request),
        endpoint_(endpoint),
        entry_({{"endpoint", endpoint}, {"tenant", request.param("tenant")}}) {}

  // The response to send when the request cannot go on (an injected fault among them), else
  // nullopt.
  net::awaitable<std::optional<http::Response>> admit() {
    bool multi = false;
    auto tenant = idp_.resolve_tenant(request_.param("tenant"), &multi);
    if (!tenant.ok()) co_return fail(tenant.error());
    if (*tenant == nullptr || (*tenant)->profile != TenantProfile::mcp)
      co_return http::Response::json(404, {{"error", "not_found"}});
    tenant_ = *tenant;
    auto form = form_body(request_);
    if (!form.ok()) co_return fail(form.error());
    form_ = std::move(*form);
    const auto presented_client = presented_client_id(request_, form_);
    entry_["client_id"] = presented_client;

    const std::map<std::string, std::string> fault_context = {
        {"endpoint", endpoint_},
        {"tenant", std::string(request_.param("tenant"))},
        {"client_id", presented_client},
        {"token_type_hint", form_.get_or("token_type_hint", "")}};
    if (auto response = co_await injected_fault(idp_, request_, fault_context, entry_)) {
      record();
      co_return std::move(*response);
    }

    auto client =
        authenticate_client(idp_, {request_, form_, assertion_audiences(), tenant_->domain});
    if (!client.ok()) co_return fail(client.error());
    client_ = std::move(*client);
    entry_["client_id"] = client_.client_id;
    entry_["client"] = client_.name();
    const bool of_tenant = client_.tenant() == tenant_->name ||
                           (client_.application != nullptr && client_.application->multi_tenant);
    if (!of_tenant) co_return fail(aad::unknown_client(client_.client_id, tenant_->domain));
    token_ = form_.get_or("token", "");
    if (token_.empty()) co_return fail(aad::missing_parameter("token"));
    co_return std::nullopt;
  }

  http::Response fail(const AadError& error) {
    entry_["outcome"] = "error";
    entry_["error"] = error.error;
    entry_["error_code"] = error.code;
    record();
    return idp_.error(request_, error);
  }
  // Journals `outcome` and returns `response`.
  http::Response finish(std::string_view outcome, http::Response response) {
    entry_["outcome"] = outcome;
    record();
    return no_store(std::move(response));
  }
  http::Response inactive(std::string_view reason) {
    entry_["reason"] = reason;
    return finish("inactive", http::Response::json(200, {{"active", false}}));
  }

  const Tenant& tenant() const { return *tenant_; }
  const http::Params& form() const { return form_; }
  const AuthenticatedClient& client() const { return client_; }
  const std::string& token() const { return token_; }
  nlohmann::json& entry() { return entry_; }

  // The refresh token of this tenant the request presents, or nullptr.
  RefreshToken* refresh_token() {
    auto* record = idp_.refresh_tokens().find(token_);
    if (record == nullptr || record->tenant != tenant_->name) return nullptr;
    entry_["token_type"] = kRefreshTokenHint;
    entry_["family"] = jose::short_hash(record->family_id);
    return record;
  }
  core::Result<AccessToken> access_token() {
    auto access = verify_access_token(idp_, *tenant_, token_);
    if (access.ok()) {
      entry_["token_type"] = kAccessTokenHint;
      entry_["uti"] = access->uti;
    }
    return access;
  }

 private:
  // A client assertion (RFC 7523 §3) may be addressed to this endpoint, the token endpoint
  // or the issuer, with the tenant as called, by GUID or by domain.
  std::vector<std::string> assertion_audiences() const {
    std::vector<std::string> out;
    const auto& base = idp_.options().base_url;
    for (std::string_view path : {std::string_view(endpoint_), std::string_view("token")}) {
      for (std::string_view name : {request_.param("tenant"), std::string_view(tenant_->id),
                                    std::string_view(tenant_->domain)}) {
        auto url = base + "/" + std::string(name) + "/oauth2/v2.0/" + std::string(path);
        if (std::find(out.begin(), out.end(), url) == out.end()) out.push_back(std::move(url));
      }
    }
    out.push_back(idp_.tokens().issuer_v2(*tenant_));
    return out;
  }
  void record() { idp_.journal().record(endpoint_, entry_); }

  IdentityProvider& idp_;
  const http::Request& request_;
  std::string endpoint_;
  nlohmann::json entry_;
  const Tenant* tenant_ = nullptr;
  http::Params form_;
  AuthenticatedClient client_;
  std::string token_;
};

http::Response revoke(PresentedToken& in, IdentityProvider& idp) {
  const auto hint = in.form().get_or("token_type_hint", "");
  if (!hint.empty() && hint != kAccessTokenHint && hint != kRefreshTokenHint)
    return in.fail(aad::unsupported_token_type(hint));
  const auto& client = in.client();

  if (auto* refresh = in.refresh_token()) {
    if (!iequals_ascii(refresh->client_id, client.client_id))
      return in.fail(aad::token_of_other_client());
    in.entry()["revoked"] = idp.refresh_tokens().revoke_family(refresh->family_id);
    idp.changed();
    return in.finish("revoked", http::Response::empty(200));
  }
  auto access = in.access_token();
  if (!access.ok()) {
    // RFC 7009 §2.2: an invalid token is no error; whatever it is, nobody can use it.
    in.entry()["reason"] = access.error().message();
    return in.finish("unknown", http::Response::empty(200));
  }
  if (!iequals_ascii(access->client_id, client.client_id))
    return in.fail(aad::token_of_other_client());
  idp.revoked_tokens().revoke(access->uti, access->expires, idp.clock().now());
  idp.changed();
  return in.finish("revoked", http::Response::empty(200));
}

// Whether `aud` names the caller's own application: an API may introspect tokens meant for it.
bool audience_is(const Directory& directory, const nlohmann::json& aud,
                 const AuthenticatedClient& client) {
  if (client.application == nullptr) return false;
  auto names_client = [&](const nlohmann::json& value) {
    return value.is_string() &&
           find_resource_lenient(directory, value.get<std::string>()) == client.application;
  };
  if (aud.is_array()) return std::any_of(aud.begin(), aud.end(), names_client);
  return names_client(aud);
}

http::Response introspect(PresentedToken& in, IdentityProvider& idp) {
  const auto& client = in.client();
  // RFC 7662 §4: introspection tells who a token belongs to, so only a client that proves who
  // it is may ask.
  if (client.is_public()) return in.fail(aad::missing_client_credential());
  const auto now = idp.clock().now();

  if (const auto* refresh = in.refresh_token()) {
    const User* user = idp.directory().user_named(refresh->user);
    if (refresh->state == RefreshToken::State::rotated) return in.inactive("rotated");
    if (refresh->state != RefreshToken::State::active) return in.inactive("revoked");
    if (refresh->expires <= now) return in.inactive("expired");
    if (!iequals_ascii(refresh->client_id, client.client_id)) return in.inactive("other client");
    if (user == nullptr) return in.inactive("unknown user");
    const auto issued = unix_seconds(refresh->issued);
    return in.finish(
        "active", http::Response::json(
                      200, {{"active", true},
                            {"scope", refresh->scope},
                            {"client_id", refresh->client_id},
                            {"username", user->username},
                            {"token_type", kRefreshTokenHint},
                            {"exp", unix_seconds(refresh->expires)},
                            {"iat", issued},
                            {"nbf", issued},
                            {"sub", TokenFactory::pairwise_subject(user->oid, refresh->client_id)},
                            {"iss", idp.tokens().issuer_v2(in.tenant())},
                            {"jti", refresh->token_hash}}));
  }

  auto access = in.access_token();
  if (!access.ok()) return in.inactive(access.error().message());
  if (idp.revoked_tokens().revoked(access->uti)) return in.inactive("revoked");
  const auto& claims = access->claims;
  const bool own = iequals_ascii(access->client_id, client.client_id);
  const auto aud = claims.find("aud");
  if (!own && (aud == claims.end() || !audience_is(idp.directory(), *aud, client)))
    return in.inactive("other client");

  nlohmann::json body = {{"active", true},
                         {"client_id", access->client_id},
                         {"token_type", "Bearer"},
                         {"jti", access->uti}};
  for (const char* name : {"exp", "iat", "nbf", "sub", "aud", "iss", "roles"}) {
    if (auto it = claims.find(name); it != claims.end()) body[name] = *it;
  }
  if (auto scope = string_field(claims, "scp"); !scope.empty()) body["scope"] = scope;
  auto username = string_field(claims, "preferred_username");
  if (username.empty()) username = string_field(claims, "upn");
  if (!username.empty()) body["username"] = username;
  return in.finish("active", http::Response::json(200, body));
}

// Admits the request to `endpoint`, then lets `serve` answer it.
net::awaitable<http::Response> admitted(IdentityProvider& idp, const http::Request& request,
                                        std::string_view endpoint,
                                        http::Response (*serve)(PresentedToken&,
                                                                IdentityProvider&)) {
  PresentedToken in(idp, request, endpoint);
  if (auto refused = co_await in.admit()) co_return std::move(*refused);
  co_return serve(in, idp);
}

}  // namespace

void add_token_management_routes(http::Router& router, IdentityProvider& idp) {
  router.add(http::Method::post, "/{tenant}/oauth2/v2.0/revoke",
             [&idp](http::Request& request) { return admitted(idp, request, "revoke", revoke); });
  router.add(
      http::Method::post, "/{tenant}/oauth2/v2.0/introspect",
      [&idp](http::Request& request) { return admitted(idp, request, "introspect", introspect); });
}

}  // namespace toolauth::idp
