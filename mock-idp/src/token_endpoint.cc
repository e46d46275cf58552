#include "toolauth/idp/token_endpoint.h"

#include "toolauth/idp/fault_errors.h"
#include "toolauth/idp/form_body.h"

namespace toolauth::idp {

namespace net = boost::asio;

const Tenant& TokenContext::effective_tenant() const {
  if (tenant != nullptr) return *tenant;
  const auto* home = idp.directory().tenant_named(client.tenant());
  return home != nullptr ? *home : idp.directory().tenants.front();
}

http::Response token_response(const nlohmann::json& body) {
  auto response = http::Response::json(200, body);
  response.headers.set("Cache-Control", "no-store, no-cache");
  response.headers.set("Pragma", "no-cache");
  return response;
}

void TokenEndpoint::add_grant(std::string grant_type, GrantPolicy policy, GrantHandler handler) {
  add_async_grant(
      std::move(grant_type), policy,
      [handler = std::move(handler)](TokenContext& context) -> net::awaitable<GrantResult> {
        co_return handler(context);
      });
}

void TokenEndpoint::add_async_grant(std::string grant_type, GrantPolicy policy,
                                    AsyncGrantHandler handler) {
  grants_[std::move(grant_type)] = Grant{policy, std::move(handler)};
}

namespace {

std::vector<std::string> token_endpoint_urls(const IdentityProvider& idp, std::string_view segment,
                                             const Tenant* tenant, bool v1) {
  const std::string suffix = v1 ? "/oauth2/token" : "/oauth2/v2.0/token";
  std::vector<std::string> urls = {idp.options().base_url + "/" + std::string(segment) + suffix};
  if (tenant != nullptr) {
    for (const auto* name : {&tenant->id, &tenant->domain}) {
      const auto url = idp.options().base_url + "/" + *name + suffix;
      if (url != urls.front()) urls.push_back(url);
    }
  }
  return urls;
}

}  // namespace

net::awaitable<http::Response> TokenEndpoint::handle(http::Request& request, bool v1_endpoint) {
  auto& idp = *idp_;
  const std::string segment(request.param("tenant"));
  nlohmann::json entry = {{"endpoint", v1_endpoint ? "token_v1" : "token"}, {"tenant", segment}};
  auto fail = [&](const AadError& error) {
    entry["outcome"] = "error";
    entry["error"] = error.error;
    entry["error_code"] = error.code;
    idp.journal().record("token", entry);
    return idp.error(request, error);
  };

  bool multi = false;
  auto tenant = idp.resolve_tenant(segment, &multi);
  if (!tenant.ok()) co_return fail(tenant.error());
  auto form = form_body(request);
  if (!form.ok()) co_return fail(form.error());

  std::string grant_type = form->get_or("grant_type", "");
  if (grant_type.empty()) co_return fail(aad::missing_parameter("grant_type"));
  if (grant_type == "device_code") grant_type = std::string(kGrantDeviceCode);  // MSAL's short form
  entry["grant_type"] = grant_type;
  // Named before authentication (form, HTTP Basic user or assertion `sub`) for the journal and
  // fault selectors.
  const auto presented_client = presented_client_id(request, *form);
  entry["client_id"] = presented_client;
  auto grant = grants_.find(grant_type);
  if (grant == grants_.end()) co_return fail(aad::unsupported_grant_type(grant_type));
  const auto& policy = grant->second.policy;
  if (multi && !policy.allowed_on_common) co_return fail(aad::tenant_required_for_grant());
  if (policy.refused_in_entra_profile && *tenant != nullptr &&
      (*tenant)->profile == TenantProfile::entra) {
    co_return fail(*policy.refused_in_entra_profile);
  }

  const std::map<std::string, std::string> fault_context = {{"endpoint", "token"},
                                                            {"grant_type", grant_type},
                                                            {"tenant", segment},
                                                            {"client_id", presented_client},
                                                            {"scope", form->get_or("scope", "")},
                                                            {"user", form->get_or("username", "")}};
  // A fault "after_handling" lets the grant happen (a code or refresh token is redeemed and
  // journalled) and then delays or loses the answer: what a client that crashed, timed out or
  // lost its connection mid-request must survive without presenting the token again.
  std::optional<service::FaultAction> after_handling;
  if (auto response =
          co_await injected_fault(idp, request, fault_context, entry, &after_handling)) {
    idp.journal().record("token", entry);
    co_return std::move(*response);
  }

  const ClientAuthRequest auth{request, *form,
                               token_endpoint_urls(idp, segment, *tenant, v1_endpoint),
                               *tenant ? (*tenant)->domain : segment};
  auto client = authenticate_client(idp, auth);
  if (!client.ok()) co_return fail(client.error());
  entry["client"] = client->name();
  entry["client_auth"] = static_cast<int>(client->level);
  if (policy.confidential_only && client->is_public()) {
    co_return fail(aad::missing_client_credential());
  }
  if (!client->allows_grant(grant_type))
    co_return fail(aad::unauthorized_grant(client->client_id, grant_type));

  TokenContext context{idp,     request,     *form,      *tenant,
                       segment, v1_endpoint, grant_type, std::move(*client)};
  auto result = co_await grant->second.handler(context);
  for (const auto& [key, value] : context.journal.items()) entry[key] = value;
  auto answer = result.ok() ? std::optional<http::Response>() : fail(result.error());
  if (result.ok()) {
    entry["outcome"] = "issued";
    idp.journal().record("token", entry);
    answer = token_response(*result);
  }
  if (after_handling)
    co_return co_await answer_after_handling(idp, request, *after_handling, std::move(*answer));
  co_return std::move(*answer);
}

core::Result<ScopeRequest, AadError> requested_scopes(const TokenContext& context,
                                                      std::string_view scope,
                                                      std::optional<std::string>* audience) {
  return resolve_scopes(context.idp.directory(), context.effective_tenant(), scope,
                        context.form.get_or("resource", ""), audience);
}

void register_grants(TokenEndpoint& endpoint) {
  endpoint.add_async_grant("client_credentials",
                           {.confidential_only = true, .allowed_on_common = false},
                           client_credentials_grant);
  endpoint.add_grant(std::string(kGrantJwtBearer), {.confidential_only = true}, on_behalf_of_grant);
  endpoint.add_grant("user_fic", {.confidential_only = true, .allowed_on_common = false},
                     user_fic_grant);
  endpoint.add_grant(std::string(kGrantTokenExchange),
                     {.confidential_only = true,
                      .allowed_on_common = false,
                      .refused_in_entra_profile = aad::token_exchange_unsupported()},
                     token_exchange_grant);
  endpoint.add_grant("authorization_code", {}, authorization_code_grant);
  endpoint.add_grant("refresh_token", {}, refresh_token_grant);
  endpoint.add_grant(std::string(kGrantDeviceCode), {}, device_code_grant);
  endpoint.add_grant("password", {}, password_grant);
}

}  // namespace toolauth::idp
