#include "toolauth/idp/device_authorization.h"

#include <algorithm>

#include "toolauth/idp/fault_errors.h"
#include "toolauth/idp/form_body.h"
#include "toolauth/idp/scopes.h"
#include "toolauth/idp/token_endpoint.h"
#include "toolauth/jose/hash.h"

namespace toolauth::idp {

namespace net = boost::asio;

namespace {

net::awaitable<http::Response> device_authorization(IdentityProvider& idp, http::Request& request,
                                                    bool v1) {
  const std::string segment(request.param("tenant"));
  nlohmann::json entry = {{"tenant", segment}};
  auto fail = [&](const AadError& error) {
    entry["outcome"] = "error";
    entry["error"] = error.error;
    entry["error_code"] = error.code;
    idp.journal().record("devicecode", entry);
    return idp.error(request, error);
  };
  bool multi = false;
  auto tenant = idp.resolve_tenant(segment, &multi);
  if (!tenant.ok()) co_return fail(tenant.error());
  auto form = form_body(request);
  if (!form.ok()) co_return fail(form.error());
  const auto client_id = form->get_or("client_id", "");
  auto scope = form->get_or("scope", "");
  auto resource = form->get_or("resource", "");
  entry["client_id"] = client_id;
  entry["scope"] = scope;
  entry["resource"] = resource;

  const std::map<std::string, std::string> fault_context = {
      {"endpoint", "devicecode"}, {"tenant", segment}, {"client_id", client_id}, {"scope", scope}};
  if (auto response = co_await injected_fault(idp, request, fault_context, entry)) {
    idp.journal().record("devicecode", entry);
    co_return std::move(*response);
  }

  if (client_id.empty()) co_return fail(aad::missing_parameter("client_id"));
  const std::string tenant_label = *tenant != nullptr ? (*tenant)->domain : segment;
  const auto* client = idp.directory().find_application(client_id);
  if (client == nullptr ||
      (*tenant != nullptr && client->tenant != (*tenant)->name && !client->multi_tenant)) {
    co_return fail(aad::unknown_client(client_id, tenant_label));
  }
  if (!client->allows_grant(kGrantDeviceCode))
    co_return fail(aad::unauthorized_grant(client_id, kGrantDeviceCode));
  if (v1) {
    // v1 names the API with `resource`; kept as `<resource>/.default` like v2 would ask.
    if (resource.empty()) co_return fail(aad::missing_parameter("resource"));
    if (find_resource_lenient(idp.directory(), resource) == nullptr)
      co_return fail(aad::unknown_resource(resource, tenant_label));
    std::string oidc = " openid";
    for (const auto& s : split_spaces(scope)) {
      if (s != "openid" &&
          std::find(std::begin(kOidcScopes), std::end(kOidcScopes), s) != std::end(kOidcScopes))
        oidc += " " + s;
    }
    scope = resource + "/.default" + oidc;
    resource.clear();
  }
  if (split_spaces(scope).empty() && resource.empty())
    co_return fail(aad::missing_parameter("scope"));
  const auto* policy = *tenant != nullptr ? *tenant : idp.directory().tenant_named(client->tenant);
  if (policy == nullptr) co_return fail(aad::unknown_client(client_id, tenant_label));
  std::optional<std::string> audience;
  auto scopes = resolve_scopes(idp.directory(), *policy, scope, resource, &audience);
  if (!scopes.ok()) co_return fail(scopes.error());

  const auto now = idp.clock().now();
  const auto lifetime = idp.options().lifetimes.device_code;
  DeviceAuthorization authorization;
  authorization.client_id = client_id;
  authorization.tenant_segment = segment;
  authorization.tenant = *tenant != nullptr ? (*tenant)->name : std::string();
  authorization.scope = scope;
  authorization.resource = resource;
  authorization.expires = now + lifetime;
  idp.device_codes().purge(now);
  auto issued = idp.device_codes().issue(std::move(authorization));
  const std::string verification_uri = idp.options().base_url + "/devicelogin";
  entry["outcome"] = "issued";
  entry["device_code_hash"] = jose::short_hash(issued.device_code);
  idp.journal().record("devicecode", entry);
  nlohmann::json body = {
      {"user_code", issued.user_code},
      {"device_code", issued.device_code},
      {"verification_uri", verification_uri},
      {"expires_in", lifetime.count()},
      {"interval", kDevicePollInterval},
      {"message", "To sign in, use a web browser to open the page " + verification_uri +
                      " and enter the code " + issued.user_code + " to authenticate."},
  };
  co_return token_response(body);
}

}  // namespace

void add_device_authorization_routes(http::Router& router, IdentityProvider& idp) {
  router.add(http::Method::post, "/{tenant}/oauth2/v2.0/devicecode",
             [&idp](http::Request& r) { return device_authorization(idp, r, false); });
  router.add(http::Method::post, "/{tenant}/oauth2/devicecode",
             [&idp](http::Request& r) { return device_authorization(idp, r, true); });
}

}  // namespace toolauth::idp
