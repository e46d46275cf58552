#include "toolauth/idp/userinfo.h"

#include "toolauth/idp/json_fields.h"
#include "toolauth/idp/scopes.h"
#include "toolauth/jose/verifier.h"

namespace toolauth::idp {

namespace {

// RFC 6750 §3: error_description may not hold '"' or '\\'.
std::string quotable(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = '\'';
  }
  return out;
}

http::Response challenge(int status, std::string_view error, std::string_view description) {
  std::string value = "Bearer realm=\"toolauth\"";
  if (!error.empty()) {
    value += ", error=\"" + std::string(error) + "\", error_description=\"" +
             quotable(description) + "\"";
  }
  auto response = error.empty() ? http::Response::empty(status)
                                : http::Response::json(
                                      status, {{"error", std::string(error)},
                                               {"error_description", std::string(description)}});
  response.headers.set("WWW-Authenticate", value);
  response.headers.set("Cache-Control", "no-store");
  return response;
}

http::Response userinfo(IdentityProvider& idp, http::Request& request) {
  nlohmann::json entry = nlohmann::json::object();
  auto refuse = [&](int status, std::string_view error, std::string_view description) {
    entry["outcome"] = "refused";
    entry["error"] = error;
    entry["reason"] = description;
    idp.journal().record("userinfo", entry);
    return challenge(status, error, description);
  };
  const auto header = request.headers.get("authorization");
  if (!header || header->size() < 7 || !iequals_ascii(header->substr(0, 7), "bearer ")) {
    return refuse(401, {}, "no bearer token");
  }
  const auto token = header->substr(7);

  std::vector<std::string> issuers;
  for (const auto& t : idp.directory().tenants) {
    issuers.push_back(idp.tokens().issuer_v1(t));
    issuers.push_back(idp.tokens().issuer_v2(t));
  }
  const auto* graph = idp.directory().find_application(kGraphClientId);
  std::vector<std::string> audiences = {std::string(kGraphClientId)};
  if (graph != nullptr) {
    for (const auto& uri : graph->identifier_uris) {
      audiences.push_back(uri);
      audiences.push_back(uri + "/");
    }
  }
  auto verifier = jose::Verifier::builder()
                      .allow(jose::Alg::RS256)
                      .keys(std::shared_ptr<const jose::KeyResolver>(
                          &idp.keys(), [](const jose::KeyResolver*) {}))
                      .issuers(issuers)
                      .audiences(audiences)
                      .clock(idp.clock())
                      .require_claims({"oid", "sub", "scp", "tid"})
                      .build();
  if (!verifier.ok()) return refuse(401, "invalid_token", "the token cannot be verified");
  auto verified = verifier->verify(token);
  if (!verified.ok()) {
    // The detail names the failed check (expired, audience, signature), never the token.
    return refuse(401, "invalid_token", verified.error().message());
  }
  const auto& claims = verified->claims;
  const auto scopes = split_spaces(string_field(claims, "scp"));
  auto has = [&](std::string_view s) {
    return std::find(scopes.begin(), scopes.end(), s) != scopes.end();
  };
  if (!has("openid")) return refuse(403, "insufficient_scope", "the token lacks the openid scope");
  const auto oid = string_field(claims, "oid");
  const auto* user = idp.directory().user_by_oid(oid);
  if (user == nullptr) return refuse(401, "invalid_token", "the token's user no longer exists");

  nlohmann::json body = {{"sub", string_field(claims, "sub")}, {"oid", user->oid}};
  if (has("profile")) {
    body["name"] = user->display_name;
    body["given_name"] = user->given_name;
    body["family_name"] = user->family_name;
    body["preferred_username"] = user->username;
  }
  if (has("email") && !user->email.empty()) body["email"] = user->email;
  entry["outcome"] = "answered";
  entry["user"] = user->name;
  entry["client_id"] = string_field(claims, claims.contains("azp") ? "azp" : "appid");
  idp.journal().record("userinfo", entry);
  auto response = http::Response::json(200, body);
  response.headers.set("Cache-Control", "no-store");
  return response;
}

}  // namespace

void add_userinfo_routes(http::Router& router, IdentityProvider& idp) {
  for (const auto* path : {"/oidc/userinfo", "/{tenant}/openid/userinfo"}) {
    for (const auto method : {http::Method::get, http::Method::post}) {
      router.add(method, path, [&idp](http::Request& r) { return userinfo(idp, r); });
    }
  }
}

}  // namespace toolauth::idp
