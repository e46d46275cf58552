#include "toolauth/conformance/idp_tokens.h"

#include "toolauth/conformance/user_agent.h"
#include "toolauth/core/error.h"
#include "toolauth/core/json.h"
#include "toolauth/jose/hash.h"

namespace toolauth::conformance {

namespace {

core::Error fixture_error(std::string detail) {
  return core::Error{core::make_error_code(core::Errc::not_found), std::move(detail)};
}

core::Error idp_refused(const std::string& what, const http::ClientResponse& response) {
  auto body = core::parse_json(response.body);
  std::string detail = what + " answered " + std::to_string(response.status);
  if (body.ok() && body->is_object()) {
    detail += " " + body->value("error", std::string());
    const auto description = body->value("error_description", std::string());
    detail += description.empty() ? "" : ": " + description.substr(0, description.find('\n'));
  }
  return core::Error{core::make_error_code(core::Errc::invalid_argument), detail};
}

std::string tenant_id(const nlohmann::json& world, const std::string& tenant_name) {
  const auto* tenant = find_named(world, "tenants", tenant_name);
  return tenant ? tenant->value("id", std::string()) : std::string();
}

}  // namespace

IdpTokens::IdpTokens(Environment& env) : env_(&env) {}

jose::TokenForge IdpTokens::forge() const {
  return jose::TokenForge(env_->idp().provider().keys().active(), env_->clock());
}

boost::asio::awaitable<core::Result<void>> IdpTokens::admin(http::Method method, std::string path,
                                                            nlohmann::json body) {
  http::ClientRequest request{.method = method, .url = env_->idp_url() + path};
  if (!body.is_null()) {
    request.body = body.dump();
    request.headers.set("Content-Type", "application/json");
  }
  auto response = co_await env_->client().send(std::move(request));
  if (!response.ok()) co_return response.error();
  if (response->status != 200) co_return idp_refused(path, *response);
  co_return core::Result<void>{};
}

boost::asio::awaitable<core::Result<nlohmann::json>> IdpTokens::password_grant(
    const nlohmann::json& user, const std::string& scope) {
  const auto* client = find_named(env_->world(), "clients", kTokenClient);
  if (client == nullptr) co_return fixture_error("the world has no client \"caller\"");
  const auto tenant = tenant_id(env_->world(), user.value("tenant", ""));
  http::ClientRequest request{
      .method = http::Method::post,
      .url = env_->idp_url() + "/" + tenant + "/oauth2/v2.0/token",
      .body = http::encode_form({{"grant_type", "password"},
                                 {"client_id", client->value("client_id", "")},
                                 {"username", user.value("username", "")},
                                 {"password", user.value("password", "")},
                                 {"scope", scope}})};
  request.headers.set("Content-Type", "application/x-www-form-urlencoded");
  auto response = co_await env_->client().send(std::move(request));
  if (!response.ok()) co_return response.error();
  auto body = core::parse_json(response->body);
  if (!body.ok() || !body->is_object()) co_return idp_refused("the token endpoint", *response);
  if (response->status != 200 || !body->contains("access_token")) {
    nlohmann::json refused = *body;
    refused["status"] = response->status;
    co_return refused;  // the caller looks at "error"
  }
  co_return *body;
}

boost::asio::awaitable<core::Result<void>> IdpTokens::consent(const nlohmann::json& user,
                                                              const std::string& scope) {
  const auto* client = find_named(env_->world(), "clients", kTokenClient);
  const auto tenant = tenant_id(env_->world(), user.value("tenant", ""));
  const auto verifier = jose::random_token(32);
  const http::Params query = {{"client_id", client->value("client_id", "")},
                              {"response_type", "code"},
                              {"redirect_uri", std::string(kConsentRedirectUri)},
                              {"scope", scope + " openid offline_access"},
                              {"state", jose::random_token(16)},
                              {"code_challenge", jose::pkce_s256_challenge(verifier)},
                              {"code_challenge_method", "S256"},
                              {"login_hint", user.value("username", "")}};
  UserAgent browser(env_->client(), {user.value("username", ""), user.value("password", "")});
  auto walk = co_await browser.open(
      env_->idp_url() + "/" + tenant + "/oauth2/v2.0/authorize?" + http::encode_form(query),
      ConsentDecision::approve, std::string(kConsentRedirectUri));
  if (!walk.ok()) co_return walk.error();
  if (!walk->params.has("code"))
    co_return core::Error{
        core::make_error_code(core::Errc::invalid_argument),
        "consent did not end with a code: " + walk->params.get_or("error", "no redirect")};
  co_return core::Result<void>{};
}

boost::asio::awaitable<core::Result<std::string>> IdpTokens::user_token(TokenRequest request) {
  const auto* user = find_named(env_->world(), "users", request.user);
  if (user == nullptr) co_return fixture_error("the world has no user \"" + request.user + "\"");
  const auto* client = find_named(env_->world(), "clients", kTokenClient);
  if (client == nullptr) co_return fixture_error("the world has no client \"caller\"");

  // Unshifted first: it tells whether the user still has to consent (AADSTS65001).
  auto answer = co_await password_grant(*user, request.scope);
  if (!answer.ok()) co_return answer.error();
  if (answer->contains("access_token")) minted_.push_back((*answer)["access_token"]);
  const bool needs_consent =
      answer->value("error", "") == "invalid_grant" &&
      answer->value("error_description", "").find("AADSTS65001") != std::string::npos;
  if (needs_consent) {
    auto consented = co_await consent(*user, request.scope);
    if (!consented.ok()) co_return consented.error();
  }
  const bool shifted = request.clock_shift.count() != 0 || request.lifetime.has_value();
  if (request.lifetime) {
    auto set = co_await admin(http::Method::put, "/_admin/lifetimes",
                              {{"client_id", client->value("client_id", "")},
                               {"access_token_seconds", request.lifetime->count()}});
    if (!set.ok()) co_return set.error();
  }
  if (request.clock_shift.count() != 0) {
    auto set = co_await admin(http::Method::post, "/_admin/clock",
                              {{"offset_seconds", request.clock_shift.count()}});
    if (!set.ok()) co_return set.error();
  }
  if (shifted || needs_consent) answer = co_await password_grant(*user, request.scope);
  // Put the world back even when the token request failed.
  if (request.clock_shift.count() != 0)
    (void)co_await admin(http::Method::post, "/_admin/clock", {{"offset_seconds", 0}});
  if (request.lifetime) (void)co_await admin(http::Method::delete_, "/_admin/lifetimes", nullptr);
  if (!answer.ok()) co_return answer.error();
  if (!answer->contains("access_token") || !(*answer)["access_token"].is_string())
    co_return core::Error{core::make_error_code(core::Errc::invalid_argument),
                          "the token endpoint refused: " + answer->value("error", "?") + " " +
                              answer->value("error_description", "").substr(0, 120)};
  auto token = (*answer)["access_token"].get<std::string>();
  if (shifted || needs_consent) minted_.push_back(token);
  co_return token;
}

}  // namespace toolauth::conformance
