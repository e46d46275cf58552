// grant_type=client_credentials: an app-only token for `<resource>/.default` carrying the
// client's application permissions as roles. Also the first step of Entra Agent ID: a
// blueprint asking with fmi_path=<agent identity> for api://AzureADTokenExchange gets the
// exchange token (T1) that agent identity then presents as its client assertion.

#include "toolauth/idp/agent_facets.h"
#include "toolauth/idp/token_endpoint.h"

namespace toolauth::idp {

namespace {
constexpr std::string_view kTokenExchangeAudience = "api://AzureADTokenExchange";
}  // namespace

boost::asio::awaitable<GrantResult> client_credentials_grant(TokenContext& context) {
  auto& idp = context.idp;
  const auto& client = context.client;
  const Tenant& tenant = *context.tenant;  // the policy keeps /common away
  const auto scope = context.form.get_or("scope", "");

  std::optional<std::string> audience;
  ScopeRequest request;
  if (context.v1_endpoint) {
    const auto resource = context.form.get_or("resource", "");
    if (resource.empty()) co_return aad::missing_parameter("resource");
    request.resource = find_resource_lenient(idp.directory(), resource);
    if (request.resource == nullptr) co_return aad::unknown_resource(resource, tenant.domain);
    request.resource_identifier = resource;
    request.dot_default = true;
  } else {
    if (scope.empty()) co_return aad::missing_parameter("scope");
    TOOLAUTH_CO_ASSIGN_OR_RETURN(request, requested_scopes(context, scope, &audience));
    // OIDC scopes next to .default are tolerated (older Azure Identity sent them) and ignored.
    if (request.resource == nullptr || !request.dot_default)
      co_return aad::client_credentials_need_default(scope);
  }
  if (client.tenant() != tenant.name && !(client.application && client.application->multi_tenant)) {
    co_return aad::unknown_client(client.client_id, tenant.domain);
  }

  AccessTokenRequest token;
  token.tenant = &tenant;
  token.client_id = client.client_id;
  token.client_auth = client.level;
  token.app_object_id = client.object_id();
  token.app_display_name = client.display_name();
  token.resource = request.resource;
  token.resource_identifier = request.resource_identifier;
  token.audience = audience;
  token.roles = client.app_roles_on(request.resource->name);
  token.lifetime = idp.access_token_lifetime(client.client_id);

  const auto fmi_path = context.form.get_or("fmi_path", "");
  const Identity* exchange_for = nullptr;
  if (!fmi_path.empty()) {
    if (client.identity == nullptr || client.identity->kind != IdentityKind::agent_blueprint) {
      co_return aad::invalid_request("fmi_path is only accepted from an agent identity blueprint.");
    }
    exchange_for = idp.directory().find_identity(fmi_path);
    if (exchange_for == nullptr || exchange_for->kind != IdentityKind::agent_identity ||
        exchange_for->blueprint != client.identity->name) {
      co_return aad::fmi_path_not_owned(fmi_path);
    }
    if (!iequals_ascii(request.resource_identifier, kTokenExchangeAudience)) {
      co_return aad::invalid_scope(scope);
    }
  }
  if (client.identity != nullptr && client.identity->kind == IdentityKind::agent_identity) {
    token.extra_claims =
        agent_facet_claims(idp.directory(), *client.identity, AgentSubject::agent_identity);
  }

  // Other requests run while the token is signed and may replace the directory (reset): what
  // is needed afterwards is copied out of it first.
  context.journal["resource"] = request.resource->name;
  context.journal["subject"] = client.object_id();
  context.journal["roles"] = token.roles;
  const std::string blueprint = client.identity != nullptr ? client.identity->name : "";
  const std::string exchange_client_id = exchange_for != nullptr ? exchange_for->client_id : "";
  const auto lifetime = token.lifetime.count();
  TOOLAUTH_CO_ASSIGN_OR_RETURN(auto minted,
                               or_internal_error(co_await idp.tokens().access_token_async(token)));
  if (!exchange_client_id.empty()) {
    idp.record_exchange_grant(minted.uti, {blueprint, exchange_client_id, minted.expires});
    context.journal["fmi_path"] = exchange_client_id;
  }
  context.journal["uti"] = minted.uti;
  co_return nlohmann::json{{"token_type", "Bearer"},
                           {"expires_in", lifetime},
                           {"ext_expires_in", lifetime},
                           {"access_token", minted.token}};
}

}  // namespace toolauth::idp
