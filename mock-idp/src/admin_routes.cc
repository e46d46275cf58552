#include "toolauth/idp/admin_routes.h"

#include "toolauth/core/json.h"
#include "toolauth/idp/json_fields.h"
#include "toolauth/service/admin.h"

namespace toolauth::idp {

namespace {

// The JSON object body of an admin request whose members are all in `allowed`.
core::Result<nlohmann::json> object_body(const http::Request& request,
                                         std::initializer_list<std::string_view> allowed) {
  auto body = core::parse_json(request.body.empty() ? std::string_view("{}")
                                                    : std::string_view(request.body));
  if (!body.ok()) return body.error();
  if (!body->is_object())
    return core::Error{core::Errc::invalid_argument, "the body must be a JSON object"};
  for (const auto& [key, value] : body->items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return core::Error{core::Errc::invalid_argument, "unknown member \"" + key + "\""};
    }
  }
  return body;
}

http::Response bad_request(const core::Error& e) {
  return service::admin_error(400, "invalid_request", e.message());
}

}  // namespace

void add_idp_admin_routes(http::Router& router, IdentityProvider& idp,
                          std::function<core::Result<void>()> save_keys) {
  router.add(http::Method::get, "/_admin/keys", [&idp](http::Request&) {
    return http::Response::json(
        200, {{"active", idp.keys().active().kid}, {"jwks", idp.keys().jwks(std::nullopt)}});
  });
  router.add(http::Method::post, "/_admin/keys/rotate", [&idp, save_keys](http::Request& request) {
    auto body = object_body(request, {"overlap_seconds"});
    if (!body.ok()) return bad_request(body.error());
    const auto overlap =
        integer_field(*body, "overlap_seconds").value_or(kDefaultKeyOverlap.count());
    if (overlap < 0)
      return service::admin_error(400, "invalid_request", "overlap_seconds must not be negative");
    if (auto rotated = idp.keys().rotate(std::chrono::seconds(overlap)); !rotated.ok()) {
      return service::admin_error(500, "server_error", rotated.error().message());
    }
    if (auto saved = save_keys(); !saved.ok())
      return service::admin_error(500, "server_error", saved.error().message());
    idp.journal().record("admin", {{"action", "rotate_keys"}, {"kid", idp.keys().active().kid}});
    return http::Response::json(
        200, {{"active", idp.keys().active().kid}, {"published", idp.keys().published_count()}});
  });
  router.add(http::Method::post, "/_admin/redirect-uris", [&idp](http::Request& request) {
    auto body = object_body(request, {"client_id", "redirect_uri"});
    if (!body.ok()) return bad_request(body.error());
    const auto client_id = string_field(*body, "client_id");
    const auto uri = string_field(*body, "redirect_uri");
    if (!idp.add_redirect_uri(client_id, uri)) {
      return service::admin_error(
          400, "invalid_request",
          "unknown client_id, or redirect_uri is not an absolute http(s) URI without fragment");
    }
    idp.changed();
    return http::Response::json(200, {{"client_id", client_id}, {"redirect_uri", uri}});
  });
  router.add(http::Method::put, "/_admin/lifetimes", [&idp](http::Request& request) {
    auto body = object_body(request, {"client_id", "access_token_seconds"});
    if (!body.ok()) return bad_request(body.error());
    const auto client_id = string_field(*body, "client_id");
    const auto seconds = integer_field(*body, "access_token_seconds");
    if (client_id.empty() || !seconds || *seconds < 1 || *seconds > 86400) {
      return service::admin_error(400, "invalid_request",
                                  "client_id and access_token_seconds (1..86400) are required");
    }
    idp.set_access_token_lifetime(client_id, std::chrono::seconds(*seconds));
    idp.changed();
    return http::Response::json(200, idp.lifetime_overrides_json());
  });
  router.add(http::Method::delete_, "/_admin/lifetimes", [&idp](http::Request&) {
    idp.clear_lifetime_overrides();
    idp.changed();
    return http::Response::json(200, idp.lifetime_overrides_json());
  });
  router.add(http::Method::post, "/_admin/revoke", [&idp](http::Request& request) {
    auto body = object_body(request, {"user", "client_id", "family"});
    if (!body.ok()) return bad_request(body.error());
    const auto family = string_field(*body, "family");
    const auto user_name = string_field(*body, "user");
    std::size_t revoked = 0;
    if (!family.empty()) {
      revoked = idp.refresh_tokens().revoke_family(family);
    } else if (!user_name.empty()) {
      const User* user = idp.directory().user_named(user_name);
      if (user == nullptr) user = idp.directory().find_user(user_name);
      if (user == nullptr) user = idp.directory().user_by_oid(user_name);
      if (user == nullptr) return service::admin_error(404, "not_found", "no such user");
      revoked = idp.refresh_tokens().revoke_user(user->name, string_field(*body, "client_id"));
    } else {
      return service::admin_error(400, "invalid_request", "name a user or a family");
    }
    idp.journal().record(
        "admin",
        {{"action", "revoke"}, {"user", user_name}, {"family", family}, {"revoked", revoked}});
    idp.changed();
    return http::Response::json(200, {{"revoked", revoked}});
  });
  router.add(http::Method::get, "/_admin/consents", [&idp](http::Request&) {
    return http::Response::json(200, {{"grants", idp.consents().to_json()}});
  });
  router.add(http::Method::post, "/_admin/consents/revoke", [&idp](http::Request& request) {
    auto body = object_body(request, {"client", "resource", "user"});
    if (!body.ok()) return bad_request(body.error());
    const auto removed =
        idp.consents().revoke(string_field(*body, "client"), string_field(*body, "resource"),
                              string_field(*body, "user"));
    idp.journal().record("admin", {{"action", "revoke_consent"}, {"removed", removed}});
    idp.changed();
    return http::Response::json(200, {{"revoked", removed}});
  });
}

}  // namespace toolauth::idp
