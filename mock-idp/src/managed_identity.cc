#include "toolauth/idp/managed_identity.h"

#include "toolauth/core/constant_time.h"
#include "toolauth/core/random.h"
#include "toolauth/idp/fault_errors.h"
#include "toolauth/idp/scopes.h"

namespace toolauth::idp {

namespace net = boost::asio;

namespace {

enum class Source { imds, app_service };

constexpr std::string_view kAppServiceApiVersion = "2019-08-01";
constexpr std::string_view kSelectors[] = {"client_id", "object_id", "msi_res_id", "mi_res_id"};

std::string_view source_name(Source source) {
  return source == Source::imds ? "imds" : "app_service";
}

// A failure in the shape of the endpoint it happened on.
struct MiError {
  int status = 400;
  std::string message;
};

http::Response render(Source source, const MiError& e) {
  if (source == Source::imds) {
    return http::Response::json(e.status,
                                {{"error", "invalid_request"}, {"error_description", e.message}});
  }
  return http::Response::json(
      e.status,
      {{"statusCode", e.status}, {"message", e.message}, {"correlationId", core::uuid_v4()}});
}

core::Result<const Identity*, MiError> select_identity(const Directory& directory,
                                                       const http::Params& query) {
  std::string_view selector;
  std::string value;
  for (auto name : kSelectors) {
    if (!query.has(name)) continue;
    if (!selector.empty()) {
      return MiError{400,
                     "Only one of client_id, object_id, msi_res_id and mi_res_id may be "
                     "specified."};
    }
    selector = name;
    value = query.get_or(name, "");
  }
  const Identity* identity = nullptr;
  if (selector.empty()) {
    for (const auto& i : directory.identities) {
      if (i.kind == IdentityKind::system_assigned) {
        identity = &i;
        break;
      }
    }
  } else if (selector == "client_id") {
    identity = directory.find_identity(value);
  } else if (selector == "object_id") {
    identity = directory.find_identity_by_object_id(value);
  } else {
    identity = directory.find_identity_by_resource_id(value);
  }
  const bool managed = identity != nullptr && (identity->kind == IdentityKind::system_assigned ||
                                               identity->kind == IdentityKind::user_assigned);
  if (!managed || directory.tenant_named(identity->tenant) == nullptr)
    return MiError{400, "Identity not found"};
  return identity;
}

class ManagedIdentityEndpoint {
 public:
  ManagedIdentityEndpoint(IdentityProvider& idp, std::string identity_header)
      : idp_(&idp), identity_header_(std::move(identity_header)) {}

  net::awaitable<http::Response> handle(http::Request& request, Source source) const {
    auto& idp = *idp_;
    nlohmann::json entry = {{"source", source_name(source)}};
    auto finish = [&](http::Response response, std::string_view outcome) {
      entry["outcome"] = outcome;
      entry["status"] = response.status;
      idp.journal().record("managed_identity", entry);
      response.headers.set("Cache-Control", "no-store");
      return response;
    };
    auto fail = [&](const MiError& e) {
      entry["error"] = e.message;
      return finish(render(source, e), "error");
    };

    if (auto refused = check_caller(request, source)) co_return fail(*refused);
    auto query = request.query_params();
    if (!query.ok()) co_return fail({400, "The query string is not valid."});
    if (auto repeated = query->first_repeated())
      co_return fail({400, "The parameter " + *repeated + " appears more than once."});
    const auto api_version = query->get_or("api-version", "");
    if (api_version.empty()) co_return fail({400, "Required api-version parameter not specified"});
    if (source == Source::app_service && api_version != kAppServiceApiVersion) {
      co_return fail({400, "api-version " + api_version + " is not supported; use " +
                               std::string(kAppServiceApiVersion) + "."});
    }
    std::string resource = query->get_or("resource", "");
    if (resource.ends_with("/.default")) resource.resize(resource.size() - 9);
    entry["resource"] = resource;
    if (resource.empty()) co_return fail({400, "Required audience parameter not specified"});

    auto identity = select_identity(idp.directory(), *query);
    if (!identity.ok()) co_return fail(identity.error());
    const Identity& mi = **identity;
    entry["identity"] = mi.name;
    entry["client_id"] = mi.client_id;

    const std::map<std::string, std::string> fault_context = {
        {"endpoint", "managed_identity"},
        {"source", std::string(source_name(source))},
        {"client_id", mi.client_id},
        {"resource", resource}};
    if (auto response = co_await injected_fault(idp, request, fault_context, entry))
      co_return finish(std::move(*response), "fault");

    const auto* api = find_resource_lenient(idp.directory(), resource);
    const auto* tenant = idp.directory().tenant_named(mi.tenant);
    if (api == nullptr) {
      const auto error = aad::unknown_resource(resource, tenant->domain);
      entry["error"] = error.error;
      entry["error_code"] = error.code;
      co_return finish(idp.error(request, error), "error");
    }

    AccessTokenRequest token;
    token.tenant = tenant;
    token.client_id = mi.client_id;
    token.client_auth = ClientAuthLevel::certificate;
    token.app_object_id = mi.object_id;
    token.app_display_name = mi.name;
    token.resource = api;
    token.resource_identifier = resource;
    token.version = 1;
    if (auto it = mi.app_permissions.find(api->name); it != mi.app_permissions.end())
      token.roles = it->second;
    token.extra_claims["xms_mirid"] = mi.resource_id;
    token.lifetime = idp.access_token_lifetime(mi.client_id);
    auto minted = idp.tokens().access_token(token);
    if (!minted.ok()) {
      // Our own failure (signing), never the caller's.
      co_return finish(idp.error(request, aad::internal_error(minted.error().message())), "error");
    }
    entry["uti"] = minted->uti;
    entry["roles"] = token.roles;

    const auto seconds = [&](std::string_view claim) {
      return std::to_string(minted->claims[std::string(claim)].get<std::int64_t>());
    };
    const auto lifetime = std::to_string(token.lifetime.count());
    nlohmann::json body = {{"access_token", minted->token},
                           {"expires_on", seconds("exp")},
                           {"resource", resource},
                           {"token_type", "Bearer"},
                           {"client_id", mi.client_id}};
    if (source == Source::imds) {
      body["refresh_token"] = "";
      body["expires_in"] = lifetime;
      body["ext_expires_in"] = lifetime;
      body["not_before"] = seconds("nbf");
    }
    co_return finish(http::Response::json(200, body), "issued");
  }

 private:
  // IMDS wants `Metadata: true` (it keeps pages that merely fetch a URL out); App Service wants
  // the secret header the platform put in the process's environment.
  std::optional<MiError> check_caller(const http::Request& request, Source source) const {
    if (source == Source::imds) {
      const auto metadata = request.headers.get("metadata");
      if (!metadata || !iequals_ascii(*metadata, "true"))
        return MiError{400, "Required metadata header not specified"};
      return std::nullopt;
    }
    const auto header = request.headers.get("x-identity-header");
    if (!header || header->empty()) return MiError{401, "X-IDENTITY-HEADER is required."};
    if (!core::constant_time_equal(*header, identity_header_))
      return MiError{403, "X-IDENTITY-HEADER does not match."};
    return std::nullopt;
  }

  IdentityProvider* idp_;
  std::string identity_header_;
};

}  // namespace

void add_managed_identity_routes(http::Router& router, IdentityProvider& idp,
                                 std::string identity_header) {
  auto endpoint = std::make_shared<ManagedIdentityEndpoint>(idp, std::move(identity_header));
  auto imds = [endpoint](http::Request& r) { return endpoint->handle(r, Source::imds); };
  // MSAL appends the path to AZURE_POD_IDENTITY_AUTHORITY_HOST as it is (a doubled slash when
  // the host ends in one), and MSAL Node 5 canonicalises the result with a trailing slash.
  for (const auto* path : {"/metadata/identity/oauth2/token", "//metadata/identity/oauth2/token",
                           "/metadata/identity/oauth2/token/", "//metadata/identity/oauth2/token/"})
    router.add(http::Method::get, path, imds);
  router.add(http::Method::get, "/msi/token",
             [endpoint](http::Request& r) { return endpoint->handle(r, Source::app_service); });
}

}  // namespace toolauth::idp
