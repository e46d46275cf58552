#include "toolauth/idp/logout.h"

#include <algorithm>

#include "toolauth/idp/json_fields.h"
#include "toolauth/idp/session_cookie.h"
#include "toolauth/idp/sign_in_pages.h"
#include "toolauth/jose/verifier.h"

namespace toolauth::idp {

namespace {

bool listed(const std::vector<std::string>& uris, std::string_view uri) {
  return std::find(uris.begin(), uris.end(), uri) != uris.end();
}

// The client an id_token_hint was issued to, when the hint is an ID token of ours. Expired
// hints are fine (OIDC RP-Initiated Logout §2: the hint may have expired).
std::string hinted_client(IdentityProvider& idp, std::string_view hint) {
  if (hint.empty()) return {};
  std::vector<std::string> issuers;
  for (const auto& t : idp.directory().tenants) issuers.push_back(idp.tokens().issuer_v2(t));
  auto verifier = jose::Verifier::builder()
                      .allow(jose::Alg::RS256)
                      .keys(std::shared_ptr<const jose::KeyResolver>(
                          &idp.keys(), [](const jose::KeyResolver*) {}))
                      .issuers(issuers)
                      .any_audience()
                      .leeway(std::chrono::hours(24 * 365))
                      .clock(idp.clock())
                      .build();
  if (!verifier.ok()) return {};
  auto verified = verifier->verify(hint);
  return verified.ok() ? string_field(verified->claims, "aud") : std::string();
}

bool redirect_allowed(const IdentityProvider& idp, const std::string& client_id,
                      std::string_view uri) {
  if (!client_id.empty()) {
    const auto* client = idp.directory().find_application(client_id);
    return client != nullptr &&
           (listed(client->post_logout_redirect_uris, uri) || listed(client->redirect_uris, uri));
  }
  const auto& apps = idp.directory().applications;
  return std::any_of(apps.begin(), apps.end(), [&](const Application& app) {
    return listed(app.post_logout_redirect_uris, uri);
  });
}

http::Response logout(IdentityProvider& idp, http::Request& request) {
  nlohmann::json entry = {{"tenant", request.param("tenant")}};
  bool multi = false;
  auto tenant = idp.resolve_tenant(request.param("tenant"), &multi);
  if (!tenant.ok()) {
    entry["outcome"] = "error";
    entry["error_code"] = tenant.error().code;
    idp.journal().record("logout", entry);
    return error_page(tenant.error(), idp.error_context(request));
  }
  auto query = request.query_params();
  if (!query.ok()) {
    const auto error = aad::invalid_request("The request is not valid URL encoding.");
    entry["outcome"] = "error";
    entry["error_code"] = error.code;
    idp.journal().record("logout", entry);
    return error_page(error, idp.error_context(request));
  }
  const auto post_logout = query->get_or("post_logout_redirect_uri", "");
  std::string client_id = query->get_or("client_id", "");
  const std::string hint_client = hinted_client(idp, query->get_or("id_token_hint", ""));
  if (client_id.empty()) client_id = hint_client;
  entry["client_id"] = client_id;
  entry["post_logout_redirect_uri"] = post_logout;

  bool ended = false;
  if (auto cookie = request_cookie(request, kSessionCookie)) {
    if (const auto* session = idp.sessions().find(*cookie, idp.clock().now())) {
      entry["user"] = session->user;
      ended = true;
    }
    idp.sessions().end(*cookie);
    idp.changed();
  }
  entry["session_ended"] = ended;

  std::optional<http::Response> response;
  // A client_id that disagrees with the hint names no one in particular: refuse to redirect.
  const bool consistent = hint_client.empty() || hint_client == client_id;
  if (!post_logout.empty() && consistent && redirect_allowed(idp, client_id, post_logout)) {
    http::Params params;
    if (auto state = query->get("state")) params.add("state", std::string(*state));
    auto location = params.empty() ? core::Result<std::string>(post_logout)
                                   : http::append_query(post_logout, params);
    if (location.ok()) {
      response = http::Response::redirect(std::move(*location));
      add_page_headers(*response);
      entry["outcome"] = "redirect";
    }
  }
  if (!response) {
    response = signed_out_page();
    entry["outcome"] = post_logout.empty() ? "signed_out_page" : "redirect_refused";
  }
  response->headers.add("Set-Cookie", expired_session_cookie());
  idp.journal().record("logout", entry);
  return std::move(*response);
}

}  // namespace

void add_logout_routes(http::Router& router, IdentityProvider& idp) {
  for (const auto* path : {"/{tenant}/oauth2/v2.0/logout", "/{tenant}/oauth2/logout"}) {
    router.add(http::Method::get, path, [&idp](http::Request& r) { return logout(idp, r); });
  }
}

}  // namespace toolauth::idp
