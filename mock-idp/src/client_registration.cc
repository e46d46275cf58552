#include "toolauth/idp/client_registration.h"

#include "toolauth/core/json.h"
#include "toolauth/core/random.h"
#include "toolauth/idp/client_metadata.h"
#include "toolauth/idp/fault_errors.h"
#include "toolauth/idp/json_fields.h"
#include "toolauth/jose/hash.h"

namespace toolauth::idp {

namespace {

http::Response no_store(http::Response response) {
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("Pragma", "no-cache");
  return response;
}

boost::asio::awaitable<http::Response> register_client(IdentityProvider& idp,
                                                       const http::Request& request) {
  const auto segment = request.param("tenant");
  nlohmann::json entry = {{"endpoint", "register"}, {"tenant", segment}};
  bool multi = false;
  auto tenant = idp.resolve_tenant(segment, &multi);
  if (!tenant.ok()) {
    entry["outcome"] = "error";
    entry["error"] = tenant.error().error;
    entry["error_code"] = tenant.error().code;
    idp.journal().record("register", entry);
    co_return idp.error(request, tenant.error());
  }
  if (*tenant == nullptr || (*tenant)->profile != TenantProfile::mcp)
    co_return http::Response::json(404, {{"error", "not_found"}});

  auto fail = [&](int status, const ClientMetadataError& error) {
    entry["outcome"] = "error";
    entry["error"] = error.error;
    entry["status"] = status;
    idp.journal().record("register", entry);
    return no_store(http::Response::json(
        status, {{"error", error.error}, {"error_description", error.description}}));
  };
  if (request.media_type() != "application/json") {
    co_return fail(400, {"invalid_client_metadata",
                         "The client metadata must be sent as application/json (RFC 7591 §3.1)."});
  }
  auto body = core::parse_json(request.body, {.max_depth = 16, .max_bytes = kMaxRegistrationBytes});
  if (!body.ok()) {
    co_return fail(
        400, {"invalid_client_metadata", "The body is not valid JSON: " + body.error().message()});
  }
  const std::map<std::string, std::string> fault_context = {{"endpoint", "register"},
                                                            {"tenant", std::string(segment)}};
  if (auto response = co_await injected_fault(idp, request, fault_context, entry)) {
    idp.journal().record("register", entry);
    co_return std::move(*response);
  }
  auto metadata = validate_client_metadata(*body);
  if (!metadata.ok()) co_return fail(400, metadata.error());

  ClientRegistration registration;
  registration.client_id = core::uuid_v4();
  registration.object_id = core::uuid_v4();
  registration.tenant = (*tenant)->name;
  if (string_field(*metadata, "token_endpoint_auth_method") != kAuthMethodNone) {
    registration.client_secret = jose::random_token(32);
    idp.secret_witness().saw(registration.client_secret);
  }
  registration.issued_at = idp.clock().unix_seconds();
  registration.metadata = std::move(*metadata);
  auto response = registration.response();

  entry["client_id"] = registration.client_id;
  entry["auth_method"] = registration.metadata["token_endpoint_auth_method"];
  entry["grant_types"] = registration.metadata["grant_types"];
  entry["redirect_uris"] = registration.metadata["redirect_uris"];
  if (!idp.registered_clients().add(idp.directory(), std::move(registration))) {
    co_return fail(
        403, {"access_denied", "No more clients can be registered (the limit is " +
                                   std::to_string(RegisteredClients::kMaxClients) +
                                   "); POST /_admin/reset drops dynamically registered clients."});
  }
  idp.changed();
  entry["outcome"] = "registered";
  idp.journal().record("register", entry);
  co_return no_store(http::Response::json(201, response));
}

}  // namespace

void add_registration_routes(http::Router& router, IdentityProvider& idp) {
  router.add(http::Method::post, "/{tenant}/oauth2/v2.0/register",
             [&idp](http::Request& request) { return register_client(idp, request); });
}

}  // namespace toolauth::idp
