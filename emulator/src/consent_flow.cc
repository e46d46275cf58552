#include "toolauth/emulator/consent_flow.h"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "toolauth/core/constant_time.h"
#include "toolauth/core/random.h"
#include "toolauth/jose/hash.h"
#include "toolauth/jose/jwt.h"
#include "toolauth/oauth/authorization_request.h"
#include "toolauth/oauth/authorization_response_issuer.h"
#include "toolauth/oauth/pkce.h"

namespace toolauth::emulator {

namespace {

namespace net = boost::asio;

// A page for the user's browser; `message` is ours, never input.
http::Response page(int status, std::string_view title, std::string_view message) {
  auto response = http::Response::html(
      status, "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + std::string(title) +
                  "</title></head><body><h1>" + std::string(title) + "</h1><p>" +
                  std::string(message) + "</p></body></html>");
  response.headers.set("Cache-Control", "no-store");
  return response;
}

http::Response refused(std::string_view message) { return page(400, "Consent failed", message); }

// Defect no-pkce: the authorization URL without code_challenge and code_challenge_method.
std::string without_pkce(const std::string& url) {
  boost::urls::url parsed(*boost::urls::parse_absolute_uri(url));
  parsed.params().erase("code_challenge");
  parsed.params().erase("code_challenge_method");
  return std::string(parsed.buffer());
}

}  // namespace

std::string ConsentSubject::vault_key(const EmulatorDefects& defects) const {
  const bool per_project = !defects.has(Defect::consent_not_per_project);
  const bool per_connection = !defects.has(Defect::consent_not_per_connection);
  const bool per_user = !defects.has(Defect::consent_not_per_user);
  return (per_project ? project : "*") + "/" + (per_connection ? connection : "*") + "/" +
         (per_user ? tid + "/" + oid : "*/*");
}

ConsentFlow::ConsentFlow(EmulatorState& state, oauth::TokenEndpointClient& tokens,
                         oauth::TokenVault& vault, service::Journal& journal,
                         const core::Clock& clock, std::string emulator_url,
                         EmulatorDefects defects)
    : state_(&state),
      tokens_(&tokens),
      vault_(&vault),
      journal_(&journal),
      clock_(&clock),
      emulator_url_(std::move(emulator_url)),
      defects_(defects) {}

void ConsentFlow::journal(const Request& request, std::string_view event, nlohmann::json fields) {
  if (!fields.is_object()) fields = nlohmann::json::object();
  fields["event"] = event;
  fields["consent_id"] = request.id;
  fields["project"] = request.subject.project;
  fields["connection"] = request.subject.connection;
  fields["caller"] = {{"tid", request.subject.tid}, {"oid", request.subject.oid}};
  if (!request.state.empty()) fields["state_hash"] = jose::short_hash(request.state);
  journal_->record("consent", std::move(fields));
}

ConsentRequired ConsentFlow::issue(const ConsentSubject& subject, std::string response_id) {
  // Requests long past their expiry are forgotten (declines stay long enough to be reported).
  const auto now = clock_->now();
  std::erase_if(requests_, [&](const auto& entry) {
    return entry.second.expires_at + std::chrono::hours(24) < now;
  });
  Request request{.id = "oauthreq_" + core::random_hex(24),
                  .subject = subject,
                  .response_id = std::move(response_id),
                  .expires_at = now + kLinkLifetime};
  journal(request, "issued");
  const auto id = request.id;
  requests_.emplace(id, std::move(request));
  return {emulator_url_ + "/oauth/consent/" + id, id};
}

bool ConsentFlow::declined(const ConsentSubject& subject, std::string_view response_id) const {
  if (response_id.empty()) return false;
  for (const auto& [id, request] : requests_) {
    if (request.stage == Stage::declined && request.response_id == response_id &&
        request.subject.vault_key(defects_) == subject.vault_key(defects_))
      return true;
  }
  return false;
}

ConsentFlow::Request* ConsentFlow::by_state(std::string_view state) {
  Request* found = nullptr;
  for (auto& [id, request] : requests_) {
    if (!request.state.empty() && core::constant_time_equal(state, request.state)) found = &request;
  }
  if (found == nullptr && defects_.has(Defect::skip_state_check)) {
    // Any state will do: the answer goes to the latest request waiting for one.
    for (auto& [id, request] : requests_) {
      if (request.stage == Stage::started) found = &request;
    }
  }
  return found;
}

net::awaitable<http::Response> ConsentFlow::open(http::Request& http_request) {
  auto it = requests_.find(http_request.param("id"));
  if (it == requests_.end()) co_return refused("This consent link is not known.");
  auto& request = it->second;
  if (request.stage != Stage::issued && !defects_.has(Defect::reusable_consent_link)) {
    journal(request, "link_reused");
    co_return refused("This consent link was used already. Send your request again for a new one.");
  }
  if (clock_->now() >= request.expires_at) {
    journal(request, "link_expired");
    co_return refused("This consent link has expired. Send your request again for a new one.");
  }
  auto connection = state_->connection(request.subject.project, request.subject.connection);
  if (!connection.ok() || !connection->has_value() || !(*connection)->oauth2) {
    co_return refused("The connection of this consent link no longer exists.");
  }
  const auto& settings = *(*connection)->oauth2;
  auto pkce = oauth::Pkce::generate();
  if (!pkce.ok()) co_return refused("The consent request could not be started.");
  oauth::AuthorizationRequest authorize{.authorization_url = settings.authorization_url,
                                        .client_id = settings.client_id,
                                        .redirect_uri = redirect_uri(),
                                        .scopes = settings.scopes,
                                        .offline_access = true,
                                        .state = jose::random_token(32),
                                        .code_challenge = pkce->challenge};
  auto url = oauth::build_authorization_url(authorize);
  if (!url.ok()) co_return refused("The connection's authorization URL cannot be used.");
  if (defects_.has(Defect::no_pkce)) {
    // No code_challenge goes out, so no verifier comes back with the code.
    *url = without_pkce(*url);
    pkce->verifier.clear();
  }
  // Single use from here on: the link never leads to a second authorization request.
  request.stage = Stage::started;
  request.state = authorize.state;
  request.authorization_url = settings.authorization_url;
  request.code_verifier = pkce->verifier;
  journal(request, "started");
  auto response = http::Response::redirect(*url);
  response.headers.set("Cache-Control", "no-store");
  co_return response;
}

net::awaitable<http::Response> ConsentFlow::callback(http::Request& http_request) {
  auto query = http_request.query_params();
  if (!query.ok()) co_return refused("The sign-in answer is malformed.");
  const auto state = query->get_or("state", "");
  if (state.empty()) co_return refused("The sign-in answer has no state.");
  auto* request = by_state(state);
  if (request == nullptr) {
    journal_->record("consent",
                     {{"event", "unknown_state"}, {"state_hash", jose::short_hash(state)}});
    co_return refused("The sign-in answer does not belong to a consent request of this service.");
  }
  if (request->stage != Stage::started) {
    journal(*request, "state_replayed");
    co_return refused("This sign-in answer was used already.");
  }
  if (clock_->now() >= request->expires_at) {
    request->stage = Stage::failed;
    journal(*request, "expired");
    co_return refused("The consent request has expired. Send your request again for a new one.");
  }
  // Mix-up (RFC 9207): an answer that names another authorization server than the one this
  // request went to was steered here; neither its code nor its error is for us.
  if (const auto iss = query->get_or("iss", "");
      !iss.empty() && !oauth::issuer_fits_authorization_server(request->authorization_url, iss)) {
    request->stage = Stage::failed;
    journal(*request, "issuer_mismatch");
    co_return refused(
        "The sign-in answer comes from another authorization server than the one this consent "
        "request went to. Nothing was stored.");
  }
  if (const auto error = query->get_or("error", ""); !error.empty()) {
    request->stage = error == "access_denied" ? Stage::declined : Stage::failed;
    journal(*request, request->stage == Stage::declined ? "declined" : "failed",
            {{"error", error}});
    if (request->stage == Stage::declined) {
      co_return page(200, "Consent declined", "You declined access. You can close this window.");
    }
    co_return refused("The sign-in did not complete.");
  }
  const auto code = query->get_or("code", "");
  if (code.empty()) {
    request->stage = Stage::failed;
    journal(*request, "failed", {{"error", "no_code"}});
    co_return refused("The sign-in answer has no code.");
  }
  // From here the state is spent whatever happens: a replay of this answer is refused.
  request->stage = Stage::failed;
  const auto subject = request->subject;
  const auto verifier = request->code_verifier;
  const auto consent_id = request->id;
  auto connection = state_->connection(subject.project, subject.connection);
  if (!connection.ok() || !connection->has_value() || !(*connection)->oauth2)
    co_return refused("The connection of this consent request no longer exists.");
  const auto settings = *(*connection)->oauth2;
  const auto client =
      settings.client_secret.empty()
          ? oauth::ClientAuthentication::public_client(settings.client_id)
          : oauth::ClientAuthentication::secret_post(settings.client_id, settings.client_secret);
  auto tokens = co_await tokens_->authorization_code(
      settings.token_url, client,
      {.code = code, .redirect_uri = redirect_uri(), .code_verifier = verifier});
  // The request may have been forgotten meanwhile; look it up again.
  auto it = requests_.find(consent_id);
  if (!tokens.ok()) {
    if (it != requests_.end()) journal(it->second, "failed", {{"error", tokens.error().summary()}});
    co_return refused("The sign-in could not be completed: " + tokens.error().error + ".");
  }
  // The user who signed in must be the user the link was made for, wherever the authorization
  // server tells us: a JWT access token of the user's own tenant (same tid) names its oid.
  // Otherwise a link sent to someone else would plant their tokens in this user's entry. The
  // token came from the token endpoint over TLS, not through the browser: its claims are
  // read, not verified.
  if (auto decoded = jose::decode_jwt(tokens->access_token); decoded.ok()) {
    const auto& claims = decoded->payload;
    const auto tid = claims.contains("tid") && claims["tid"].is_string()
                         ? claims["tid"].get<std::string>()
                         : std::string();
    const auto oid = claims.contains("oid") && claims["oid"].is_string()
                         ? claims["oid"].get<std::string>()
                         : std::string();
    if (tid == subject.tid && !oid.empty() && oid != subject.oid) {
      if (it != requests_.end()) journal(it->second, "user_mismatch");
      co_return refused(
          "You signed in as another user than the one this consent link was made for. Nothing "
          "was stored.");
    }
  }
  auto stored = vault_->put(subject.vault_key(defects_), subject.oid,
                            oauth::VaultTokens::from(*tokens, settings.token_url));
  if (!stored.ok()) co_return page(500, "Consent failed", "The tokens could not be stored.");
  if (it != requests_.end()) {
    it->second.stage = Stage::completed;
    it->second.code_verifier.clear();
    journal(it->second, "completed", {{"source", "consent"}});
  }
  co_return page(200, "Consent complete", "You can close this window and send your request again.");
}

void ConsentFlow::mount(http::Router& router) {
  router.add(http::Method::get, "/oauth/consent/{id}",
             [this](http::Request& r) { return open(r); });
  router.add(http::Method::get, "/oauth/callback",
             [this](http::Request& r) { return callback(r); });
}

}  // namespace toolauth::emulator
