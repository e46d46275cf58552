#include "toolauth/idp/discovery.h"

#include <boost/url/parse.hpp>

namespace toolauth::idp {

namespace {

http::Response metadata_response(const nlohmann::json& body) {
  auto response = http::Response::json(200, body);
  response.headers.set("Cache-Control", "max-age=86400, private");
  response.headers.set("Access-Control-Allow-Origin", "*");
  response.headers.set("Access-Control-Allow-Methods", "GET, OPTIONS");
  return response;
}

std::string host_and_port(const std::string& base_url) {
  auto url = boost::urls::parse_absolute_uri(base_url);
  return url ? std::string(url->encoded_host_and_port()) : base_url;
}

}  // namespace

nlohmann::json openid_configuration_v2(const IdentityProvider& idp, const Tenant* tenant,
                                       std::string_view segment) {
  const auto& base = idp.options().base_url;
  const std::string t = tenant ? tenant->id : std::string(segment);
  const std::string prefix = base + "/" + t;
  nlohmann::json doc = {
      {"token_endpoint", prefix + "/oauth2/v2.0/token"},
      {"token_endpoint_auth_methods_supported",
       {"client_secret_post", "private_key_jwt", "client_secret_basic"}},
      {"jwks_uri", prefix + "/discovery/v2.0/keys"},
      {"response_modes_supported", {"query", "fragment", "form_post"}},
      {"subject_types_supported", {"pairwise"}},
      {"id_token_signing_alg_values_supported", {"RS256"}},
      {"response_types_supported", {"code", "id_token", "code id_token", "id_token token"}},
      {"scopes_supported", {"openid", "profile", "email", "offline_access"}},
      {"issuer", tenant ? idp.tokens().issuer_v2(*tenant) : base + "/{tenantid}/v2.0"},
      {"request_uri_parameter_supported", false},
      {"userinfo_endpoint", base + "/oidc/userinfo"},
      {"authorization_endpoint", prefix + "/oauth2/v2.0/authorize"},
      {"device_authorization_endpoint", prefix + "/oauth2/v2.0/devicecode"},
      {"http_logout_supported", true},
      {"frontchannel_logout_supported", true},
      {"end_session_endpoint", prefix + "/oauth2/v2.0/logout"},
      {"claims_supported",
       {"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
        "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username",
        "name", "tid", "ver", "at_hash", "c_hash", "email"}},
      {"kerberos_endpoint", prefix + "/kerberos"},
      {"tenant_region_scope", tenant ? nlohmann::json("WW") : nlohmann::json(nullptr)},
      {"cloud_instance_name", "microsoftonline.com"},
      {"cloud_graph_host_name", "graph.windows.net"},
      {"msgraph_host", "graph.microsoft.com"},
      {"rbac_url", "https://pas.windows.net"},
  };
  if (tenant != nullptr && tenant->profile == TenantProfile::mcp) {
    // A named local: items() of a temporary would iterate a destroyed object.
    const auto oauth = authorization_server_metadata(idp, *tenant);
    for (const auto& [key, value] : oauth.items()) {
      if (!doc.contains(key)) doc[key] = value;
    }
  }
  return doc;
}

nlohmann::json openid_configuration_v1(const IdentityProvider& idp, const Tenant* tenant,
                                       std::string_view segment) {
  const auto& base = idp.options().base_url;
  const std::string t = tenant ? tenant->id : std::string(segment);
  const std::string prefix = base + "/" + t;
  return {
      {"token_endpoint", prefix + "/oauth2/token"},
      {"token_endpoint_auth_methods_supported",
       {"client_secret_post", "private_key_jwt", "client_secret_basic"}},
      {"jwks_uri", prefix + "/discovery/keys"},
      {"response_modes_supported", {"query", "fragment", "form_post"}},
      {"subject_types_supported", {"pairwise"}},
      {"id_token_signing_alg_values_supported", {"RS256"}},
      {"response_types_supported",
       {"code", "id_token", "code id_token", "token id_token", "token"}},
      {"scopes_supported", {"openid"}},
      {"issuer", tenant ? idp.tokens().issuer_v1(*tenant) : base + "/{tenantid}/"},
      {"microsoft_multi_refresh_token", true},
      {"authorization_endpoint", prefix + "/oauth2/authorize"},
      {"device_authorization_endpoint", prefix + "/oauth2/devicecode"},
      {"http_logout_supported", true},
      {"frontchannel_logout_supported", true},
      {"end_session_endpoint", prefix + "/oauth2/logout"},
      {"claims_supported",
       {"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
        "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "amr", "nonce", "email",
        "given_name", "family_name", "nickname"}},
      {"check_session_iframe", prefix + "/oauth2/checksession"},
      {"userinfo_endpoint", prefix + "/openid/userinfo"},
      {"kerberos_endpoint", prefix + "/kerberos"},
      {"tenant_region_scope", tenant ? nlohmann::json("WW") : nlohmann::json(nullptr)},
      {"cloud_instance_name", "microsoftonline.com"},
      {"cloud_graph_host_name", "graph.windows.net"},
      {"msgraph_host", "graph.microsoft.com"},
      {"rbac_url", "https://pas.windows.net"},
  };
}

nlohmann::json authorization_server_metadata(const IdentityProvider& idp, const Tenant& tenant) {
  const std::string prefix = idp.options().base_url + "/" + tenant.id;
  return {
      {"issuer", idp.tokens().issuer_v2(tenant)},
      {"authorization_endpoint", prefix + "/oauth2/v2.0/authorize"},
      {"token_endpoint", prefix + "/oauth2/v2.0/token"},
      {"jwks_uri", prefix + "/discovery/v2.0/keys"},
      {"registration_endpoint", prefix + "/oauth2/v2.0/register"},
      {"revocation_endpoint", prefix + "/oauth2/v2.0/revoke"},
      {"introspection_endpoint", prefix + "/oauth2/v2.0/introspect"},
      {"device_authorization_endpoint", prefix + "/oauth2/v2.0/devicecode"},
      {"scopes_supported", {"openid", "profile", "email", "offline_access"}},
      {"response_types_supported", {"code"}},
      {"response_modes_supported", {"query", "form_post"}},
      {"grant_types_supported",
       {"authorization_code", "refresh_token", "client_credentials",
        "urn:ietf:params:oauth:grant-type:device_code",
        "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "urn:ietf:params:oauth:grant-type:token-exchange"}},
      {"token_endpoint_auth_methods_supported",
       {"client_secret_basic", "client_secret_post", "private_key_jwt", "none"}},
      {"revocation_endpoint_auth_methods_supported",
       {"client_secret_basic", "client_secret_post", "none"}},
      {"introspection_endpoint_auth_methods_supported",
       {"client_secret_basic", "client_secret_post"}},
      {"code_challenge_methods_supported", {"S256"}},
      {"authorization_response_iss_parameter_supported", true},
  };
}

void add_discovery_routes(http::Router& router, IdentityProvider& idp) {
  // Each route resolves the tenant segment first; an unknown tenant is AADSTS90002.
  auto with_tenant = [&idp](auto make) {
    return [&idp, make](http::Request& request) {
      bool multi = false;
      const auto segment = request.param("tenant");
      auto tenant = idp.resolve_tenant(segment, &multi);
      if (!tenant.ok()) return idp.error(request, tenant.error());
      return make(request, *tenant, segment);
    };
  };
  router.add(http::Method::get, "/{tenant}/v2.0/.well-known/openid-configuration",
             with_tenant([&idp](http::Request&, const Tenant* tenant, std::string_view segment) {
               return metadata_response(openid_configuration_v2(idp, tenant, segment));
             }));
  router.add(http::Method::get, "/{tenant}/.well-known/openid-configuration",
             with_tenant([&idp](http::Request&, const Tenant* tenant, std::string_view segment) {
               return metadata_response(openid_configuration_v1(idp, tenant, segment));
             }));
  auto keys = with_tenant([&idp](http::Request&, const Tenant* tenant, std::string_view) {
    return metadata_response(idp.keys().jwks(tenant ? idp.tokens().issuer_v2(*tenant)
                                                    : idp.options().base_url + "/{tenantid}/v2.0"));
  });
  router.add(http::Method::get, "/{tenant}/discovery/v2.0/keys", keys);
  router.add(http::Method::get, "/{tenant}/discovery/keys", keys);

  // RFC 8414 §3 path insertion, and the OIDC variant the MCP SDK also tries, for `mcp` tenants.
  auto mcp_metadata = [&idp](bool oidc) {
    return [&idp, oidc](http::Request& request) {
      const auto* tenant = idp.directory().find_tenant(request.param("tenant"));
      if (tenant == nullptr || tenant->profile != TenantProfile::mcp) {
        return http::Response::json(404, {{"error", "not_found"}});
      }
      return metadata_response(oidc ? openid_configuration_v2(idp, tenant, tenant->id)
                                    : authorization_server_metadata(idp, *tenant));
    };
  };
  router.add(http::Method::get, "/.well-known/oauth-authorization-server/{tenant}/v2.0",
             mcp_metadata(false));
  router.add(http::Method::get, "/.well-known/openid-configuration/{tenant}/v2.0",
             mcp_metadata(true));
  router.add(http::Method::get, "/{tenant}/v2.0/.well-known/oauth-authorization-server",
             mcp_metadata(false));

  router.add(http::Method::get, "/common/discovery/instance", [&idp](http::Request& request) {
    auto query = request.query_params();
    const std::string authorization_endpoint =
        query.ok() ? query->get_or("authorization_endpoint", "") : "";
    auto url = boost::urls::parse_absolute_uri(authorization_endpoint);
    const std::string host = host_and_port(idp.options().base_url);
    if (!url || std::string(url->encoded_host_and_port()) != host) {
      return http::Response::json(
          400, {{"error", "invalid_instance"},
                {"error_description", "AADSTS50049: Unknown or invalid instance."}});
    }
    auto segments = url->segments();
    std::string tenant = segments.empty() ? "common" : std::string(*segments.begin());
    return metadata_response({
        {"tenant_discovery_endpoint",
         idp.options().base_url + "/" + tenant + "/v2.0/.well-known/openid-configuration"},
        {"api-version", "1.1"},
        {"metadata",
         {{{"preferred_network", host}, {"preferred_cache", host}, {"aliases", {host}}}}},
    });
  });
}

}  // namespace toolauth::idp
