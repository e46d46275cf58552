#include "toolauth/idp/sign_in.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

#include "toolauth/core/constant_time.h"
#include "toolauth/idp/authorize_protocol.h"
#include "toolauth/idp/device_authorization.h"
#include "toolauth/idp/form_body.h"
#include "toolauth/idp/logout.h"
#include "toolauth/idp/session_cookie.h"
#include "toolauth/idp/sign_in_pages.h"
#include "toolauth/idp/user_tokens.h"
#include "toolauth/idp/userinfo.h"
#include "toolauth/jose/hash.h"

namespace toolauth::idp {

namespace net = boost::asio;

namespace {

// One request of a flow: what the handlers share, and the journal entry it ends with.
struct Step {
  IdentityProvider& idp;
  const http::Request& http;
  nlohmann::json entry;

  core::Clock::time_point now() const { return idp.clock().now(); }

  void record(const PendingAuthorization* pending = nullptr) {
    if (pending != nullptr && !pending->user.empty()) entry["user"] = pending->user;
    const bool device = pending != nullptr && pending->kind == PendingAuthorization::Kind::device;
    idp.journal().record(device ? "device_login" : "authorize", entry);
  }
  void set_error(const AadError& error) {
    entry["outcome"] = "error";
    entry["error"] = error.error;
    entry["error_code"] = error.code;
  }
  // An error the user sees: no redirect.
  http::Response show_error(const AadError& error, const PendingAuthorization* pending = nullptr) {
    set_error(error);
    record(pending);
    return error_page(error, idp.error_context(http));
  }
  // An error for the client, at its (verified) redirect URI.
  http::Response redirect_error(const AuthorizationRequest& request, const AadError& error,
                                const PendingAuthorization* pending = nullptr) {
    set_error(error);
    record(pending);
    return authorization_error(idp, http, request, error);
  }
};

// Removes the flow from the store and returns its last state. `pending` referred into the
// store: code after this uses the returned copy only.
PendingAuthorization end_flow(IdentityProvider& idp, const std::string& flow_id,
                              const PendingAuthorization& pending) {
  PendingAuthorization last = pending;
  idp.pending_authorizations().finish(flow_id);
  return last;
}

const Session* browser_session(IdentityProvider& idp, const http::Request& request) {
  auto cookie = request_cookie(request, kSessionCookie);
  return cookie ? idp.sessions().find(*cookie, idp.clock().now()) : nullptr;
}

// Agent user accounts (Entra Agent ID) sign in through their agent, never on these pages.
bool may_sign_in(const IdentityProvider& idp, const AuthorizationRequest& r, const User& user) {
  if (!user.agent_identity.empty()) return false;
  const auto* tenant = sign_in_tenant(idp, r);
  return tenant == nullptr || user.tenant == tenant->name;
}

// The browser's session, if it may sign the user in for `r` without asking: the user may
// sign in here, matches login_hint, and signed in within max_age.
const Session* usable_session(IdentityProvider& idp, const http::Request& request,
                              const AuthorizationRequest& r) {
  const auto* session = browser_session(idp, request);
  if (session == nullptr) return nullptr;
  const auto* user = idp.directory().user_named(session->user);
  if (user == nullptr || !may_sign_in(idp, r, *user)) return nullptr;
  if (!r.login_hint.empty() && !iequals_ascii(r.login_hint, user->username)) return nullptr;
  // Compared in seconds: max_age is the client's number, as large as it likes.
  if (r.max_age &&
      std::chrono::ceil<std::chrono::seconds>(idp.clock().now() - session->auth_time).count() >
          *r.max_age)
    return nullptr;
  return session;
}

// The scopes of `r`, resolved as when it was checked (with the same tenant's settings).
core::Result<ScopeRequest, AadError> requested_scope(const IdentityProvider& idp,
                                                     const AuthorizationRequest& r,
                                                     const Application& client) {
  const auto* tenant = idp.directory().tenant_named(r.tenant.empty() ? client.tenant : r.tenant);
  if (tenant == nullptr) return aad::unknown_tenant(r.tenant_segment);
  std::optional<std::string> audience;
  if (r.v1) return parse_scopes(idp.directory(), r.scope, tenant->domain);
  return resolve_scopes(idp.directory(), *tenant, r.scope, r.resource, &audience);
}

http::Response show_login(Step& step, const std::string& flow_id, PendingAuthorization& pending,
                          std::optional<AadError> error = std::nullopt) {
  auto& idp = step.idp;
  const auto& r = pending.request;
  const auto* client = idp.directory().find_application(r.client_id);
  const auto* tenant = sign_in_tenant(idp, r);
  LoginPage page;
  page.flow_id = flow_id;
  page.csrf_token = idp.pending_authorizations().issue_csrf_token(flow_id);
  page.client_name = client != nullptr ? client->display_name : r.client_id;
  page.tenant_label = tenant != nullptr ? tenant->domain : std::string();
  page.error = error;
  const User* session_user = idp.directory().user_named(pending.session_user);
  if (session_user != nullptr) page.session_username = session_user->username;
  const auto domain_of = [](std::string_view upn) {
    const auto at = upn.rfind('@');
    return at == std::string_view::npos ? std::string_view() : upn.substr(at + 1);
  };
  for (const auto& user : idp.directory().users) {
    if (!may_sign_in(idp, r, user)) continue;
    LoginPageUser item{user.username, user.display_name, false};
    if (!r.login_hint.empty()) {
      item.selected = iequals_ascii(r.login_hint, user.username);
    } else if (session_user != nullptr) {
      item.selected = session_user == &user;
    } else if (!r.domain_hint.empty()) {
      item.selected = iequals_ascii(r.domain_hint, domain_of(user.username));
    }
    // One preselected account at most: the first that fits.
    for (const auto& earlier : page.users) item.selected = item.selected && !earlier.selected;
    page.users.push_back(std::move(item));
  }
  if (!step.entry.contains("outcome")) step.entry["outcome"] = "login_page";
  step.record(&pending);
  return login_page(page);
}

// The end of a flow: a code for the client at its redirect URI, or the device approved.
http::Response complete(Step& step, const std::string& flow_id, PendingAuthorization& pending) {
  auto& idp = step.idp;
  const auto& r = pending.request;
  const auto* user = idp.directory().user_named(pending.user);
  if (pending.kind == PendingAuthorization::Kind::device) {
    auto* device = idp.device_codes().find_by_user_code(pending.user_code, step.now());
    const auto* client = idp.directory().find_application(r.client_id);
    if (device == nullptr || user == nullptr || client == nullptr) {
      const auto last = end_flow(idp, flow_id, pending);
      return step.show_error(aad::device_code_expired(), &last);
    }
    device->state = DeviceAuthorization::State::approved;
    device->user = user->name;
    device->user_tenant = user->tenant;
    device->session_id = pending.session_id;
    device->auth_time = pending.auth_time;
    step.entry["outcome"] = "approved";
    step.record(&pending);
    end_flow(idp, flow_id, pending);
    return device_done_page(client->display_name, true);
  }
  if (user == nullptr) {
    const auto last = end_flow(idp, flow_id, pending);
    return step.show_error(aad::invalid_request("The signed-in user no longer exists."), &last);
  }
  AuthCode code;
  code.client_id = r.client_id;
  code.redirect_uri = r.redirect_uri;
  code.tenant = user->tenant;
  code.user = user->name;
  code.scope = r.scope;
  code.resource = r.v1 ? std::string() : r.resource;
  code.nonce = r.nonce;
  code.code_challenge = r.code_challenge;
  code.code_challenge_method = r.code_challenge_method;
  code.session_id = pending.session_id;
  code.auth_time = pending.auth_time;
  code.expires = step.now() + idp.options().lifetimes.code;
  idp.codes().purge(step.now());
  const auto value = idp.codes().issue(std::move(code));
  http::Params params;
  params.add("code", value);
  if (r.client_info) {
    if (const auto* tenant = idp.directory().tenant_named(user->tenant))
      params.add("client_info", TokenFactory::client_info(*user, *tenant));
  }
  if (!pending.session_id.empty()) params.add("session_state", pending.session_id);
  step.entry["outcome"] = "code";
  step.entry["code_hash"] = jose::short_hash(value);
  step.record(&pending);
  const auto last = end_flow(idp, flow_id, pending);
  return authorization_response(idp, last.request, std::move(params));
}

http::Response show_consent(Step& step, const std::string& flow_id, PendingAuthorization& pending,
                            const Application& client, const User& user, const ScopeRequest& scopes,
                            const ConsentNeed& need) {
  auto& idp = step.idp;
  ConsentPage page;
  page.flow_id = flow_id;
  page.csrf_token = idp.pending_authorizations().issue_csrf_token(flow_id);
  page.client_name = client.display_name;
  page.client_id = client.client_id;
  page.username = user.username;
  for (const auto& value : need.permissions) {
    std::string description;
    for (const auto& p : need.resource->scopes) {
      if (p.value == value) description = p.description;
    }
    page.permissions.push_back({value, description, need.resource->display_name});
  }
  for (const auto& oidc : scopes.oidc)
    page.permissions.push_back({oidc, std::string(oidc_scope_description(oidc)), {}});
  step.entry["outcome"] = "consent_page";
  step.entry["consent_missing"] = need.missing;
  step.record(&pending);
  return consent_page(page);
}

// The user is known: ask for consent when needed, else finish.
http::Response after_sign_in(Step& step, const std::string& flow_id,
                             PendingAuthorization& pending) {
  auto& idp = step.idp;
  const auto& r = pending.request;
  const auto* client = idp.directory().find_application(r.client_id);
  const auto* user = idp.directory().user_named(pending.user);
  if (client == nullptr || user == nullptr) {
    const auto last = end_flow(idp, flow_id, pending);
    return step.show_error(aad::unknown_client(last.request.client_id, last.request.tenant_segment),
                           &last);
  }
  auto scopes = requested_scope(idp, r, *client);
  if (!scopes.ok()) {
    const auto last = end_flow(idp, flow_id, pending);
    if (last.kind == PendingAuthorization::Kind::device)
      return step.show_error(scopes.error(), &last);
    return step.redirect_error(last.request, scopes.error(), &last);
  }
  const auto need = consent_need(idp, *client, *user, *scopes);
  if (r.prompt_consent || need.missing)
    return show_consent(step, flow_id, pending, *client, *user, *scopes, need);
  return complete(step, flow_id, pending);
}

// Turns an injected fault into the error the authorize endpoint reports; nullopt when the
// fault only adds latency.
std::optional<AadError> fault_error(const service::FaultAction& action) {
  if (action.status == 0 && action.error.empty() && action.code.empty()) return std::nullopt;
  AadError error;
  error.status = action.status != 0 ? action.status : 400;
  error.error = action.error.empty() ? "server_error" : action.error;
  std::string_view digits = action.code;
  if (digits.starts_with("AADSTS")) digits.remove_prefix(6);
  std::from_chars(digits.data(), digits.data() + digits.size(), error.code);
  error.message = action.error_description.empty() ? "Injected fault." : action.error_description;
  return error;
}

// The flow a page form belongs to, with its anti-CSRF token checked and used up.
core::Result<PendingAuthorization*, AadError> posted_flow(IdentityProvider& idp,
                                                          const http::Params& form) {
  const auto flow_id = form.get_or("flow", "");
  auto* pending = idp.pending_authorizations().find(flow_id, idp.clock().now());
  if (pending == nullptr) {
    return aad::invalid_request(
        "This sign-in is unknown or has expired. Go back to the application and sign in "
        "again.");
  }
  if (!idp.pending_authorizations().consume_csrf_token(flow_id, form.get_or("csrf_token", ""))) {
    return aad::invalid_request(
        "The form was already sent or is not valid (anti-forgery check failed). Go back to the "
        "application and sign in again.");
  }
  return pending;
}

net::awaitable<http::Response> authorize(IdentityProvider& idp, http::Request& request, bool v1) {
  Step step{idp, request, {{"step", "request"}, {"method", http::to_string(request.method)}}};
  core::Result<http::Params> params = request.query_params();
  if (request.method == http::Method::post) {
    if (request.media_type() != "application/x-www-form-urlencoded") {
      co_return step.show_error(
          aad::invalid_request("An authorization request sent with POST must be a form."));
    }
    params = request.form_params();
  }
  if (!params.ok())
    co_return step.show_error(aad::invalid_request("The request is not valid URL encoding."));
  auto check = check_authorization_request(idp, request.param("tenant"), v1, *params);
  auto& r = check.request;
  step.entry.update(authorize_journal_fields(r));
  if (check.page_error) co_return step.show_error(*check.page_error);

  std::map<std::string, std::string> fault_context = {{"endpoint", "authorize"},
                                                      {"tenant", r.tenant_segment},
                                                      {"client_id", r.client_id},
                                                      {"scope", r.raw_scope},
                                                      {"user", r.login_hint}};
  if (auto fault = idp.faults().take(fault_context)) {
    step.entry["fault"] = true;
    if (fault->drop_connection) {
      step.set_error(aad::internal_error("injected: connection dropped"));
      step.record();
      http::Response dropped;
      dropped.abort = true;
      co_return dropped;
    }
    if (fault->latency.count() > 0) {
      net::steady_timer delay(co_await net::this_coro::executor, fault->latency);
      co_await delay.async_wait(net::use_awaitable);
    }
    if (auto error = fault_error(*fault)) co_return step.redirect_error(r, *error);
  }
  if (check.redirect_error) co_return step.redirect_error(r, *check.redirect_error);

  const auto* session = usable_session(idp, request, r);
  if (r.prompt_none && session == nullptr) co_return step.redirect_error(r, aad::login_required());
  PendingAuthorization pending;
  pending.kind = PendingAuthorization::Kind::authorize;
  pending.request = r;
  if (session != nullptr && !r.prompt_login && !r.prompt_select_account) {
    pending.user = session->user;
    pending.session_id = session->id;
    pending.auth_time = session->auth_time;
  } else if (session != nullptr && r.prompt_select_account && !r.prompt_login) {
    pending.session_user = session->user;
  }
  const auto flow_id = idp.pending_authorizations().start(std::move(pending), step.now());
  auto* flow = idp.pending_authorizations().find(flow_id, step.now());
  step.entry["flow"] = flow->flow_hash;

  if (r.prompt_none) {
    // Silent: finish now or fail; never a page.
    const auto* client = idp.directory().find_application(r.client_id);
    const auto* user = idp.directory().user_named(flow->user);
    auto scopes = requested_scope(idp, r, *client);
    if (!scopes.ok()) {
      const auto last = end_flow(idp, flow_id, *flow);
      co_return step.redirect_error(r, scopes.error(), &last);
    }
    if (consent_need(idp, *client, *user, *scopes).missing) {
      const auto last = end_flow(idp, flow_id, *flow);
      co_return step.redirect_error(
          r, aad::silent_consent_required(client->client_id, client->display_name), &last);
    }
    co_return complete(step, flow_id, *flow);
  }
  if (!flow->user.empty()) co_return after_sign_in(step, flow_id, *flow);
  co_return show_login(step, flow_id, *flow);
}

http::Response login(IdentityProvider& idp, http::Request& request) {
  Step step{idp, request, {{"step", "login"}}};
  auto form = form_body(request, "The form");
  if (!form.ok()) return step.show_error(form.error());
  auto flow = posted_flow(idp, *form);
  if (!flow.ok()) return step.show_error(flow.error());
  const std::string flow_id = form->get_or("flow", "");
  auto& pending = **flow;
  step.entry.update(authorize_journal_fields(pending.request));
  step.entry["flow"] = pending.flow_hash;
  if (!pending.user.empty()) {
    // This flow is past its sign-in page: the token belongs to another form.
    return step.show_error(aad::invalid_request("This sign-in form is no longer in use."),
                           &pending);
  }

  const auto now = step.now();
  const auto username = form->get_or("username", "");
  const auto password = form->get_or("password", "");
  const auto* user = idp.directory().find_user(username);
  std::string session_id;
  core::Clock::time_point auth_time = now;
  std::optional<std::string> new_cookie;
  const auto* session = browser_session(idp, request);
  if (user != nullptr && password.empty() && !pending.session_user.empty() &&
      user->name == pending.session_user && session != nullptr && session->user == user->name) {
    // prompt=select_account and the user picked the account the browser is signed in with.
    session_id = session->id;
    auth_time = session->auth_time;
  } else {
    // Compared even for an unknown user, so timing does not reveal which accounts exist.
    const bool password_ok = core::constant_time_equal(
        password, user != nullptr ? user->password : std::string(64, '\0'));
    if (user == nullptr || user->password.empty() || !password_ok) {
      const auto error = aad::invalid_credentials();
      step.set_error(error);
      return show_login(step, flow_id, pending, error);
    }
    if (!may_sign_in(idp, pending.request, *user)) {
      const auto* tenant = sign_in_tenant(idp, pending.request);
      const auto error =
          aad::user_not_in_tenant(user->username, tenant ? tenant->domain : user->tenant);
      step.set_error(error);
      return show_login(step, flow_id, pending, error);
    }
    if (auto old = request_cookie(request, kSessionCookie)) idp.sessions().end(*old);
    Session started;
    started.user = user->name;
    started.tenant = user->tenant;
    started.auth_time = now;
    started.expires = now + idp.options().lifetimes.session;
    const auto cookie = idp.sessions().start(std::move(started));
    const auto* live = idp.sessions().find(cookie, now);
    session_id = live->id;
    new_cookie = session_cookie(cookie, idp.options().lifetimes.session);
    idp.changed();
  }
  pending.user = user->name;
  pending.session_id = session_id;
  pending.auth_time = auth_time;
  auto response = after_sign_in(step, flow_id, pending);
  if (new_cookie) response.headers.add("Set-Cookie", *new_cookie);
  return response;
}

http::Response consent(IdentityProvider& idp, http::Request& request) {
  Step step{idp, request, {{"step", "consent"}}};
  auto form = form_body(request, "The form");
  if (!form.ok()) return step.show_error(form.error());
  auto flow = posted_flow(idp, *form);
  if (!flow.ok()) return step.show_error(flow.error());
  const std::string flow_id = form->get_or("flow", "");
  auto& pending = **flow;
  const auto& r = pending.request;
  step.entry.update(authorize_journal_fields(r));
  step.entry["flow"] = pending.flow_hash;
  const auto decision = form->get_or("decision", "");
  step.entry["decision"] = decision;
  const auto* client = idp.directory().find_application(r.client_id);
  const auto* user = idp.directory().user_named(pending.user);
  if (pending.user.empty() || client == nullptr || user == nullptr) {
    return step.show_error(aad::invalid_request("Nobody has signed in to this flow yet."),
                           &pending);
  }
  if (decision == "decline") {
    const auto last = end_flow(idp, flow_id, pending);
    if (last.kind == PendingAuthorization::Kind::device) {
      if (auto* device = idp.device_codes().find_by_user_code(last.user_code, step.now()))
        device->state = DeviceAuthorization::State::declined;
      step.set_error(aad::authorization_declined());
      step.record(&last);
      return device_done_page(client->display_name, false);
    }
    return step.redirect_error(last.request, aad::user_declined_consent(), &last);
  }
  if (decision != "approve") {
    return step.show_error(aad::invalid_request("decision must be approve or decline."), &pending);
  }
  auto scopes = requested_scope(idp, r, *client);
  if (!scopes.ok()) {
    const auto last = end_flow(idp, flow_id, pending);
    return step.show_error(scopes.error(), &last);
  }
  const auto need = consent_need(idp, *client, *user, *scopes);
  if (need.resource != nullptr && !need.permissions.empty()) {
    idp.consents().grant(*client, *need.resource, *user, need.permissions);
    step.entry["consented"] = join(need.permissions);
    idp.changed();
  }
  return complete(step, flow_id, pending);
}

http::Response device_login(IdentityProvider& idp, http::Request& request) {
  if (request.method == http::Method::get) {
    auto query = request.query_params();
    DeviceLoginPage page;
    if (query.ok()) page.user_code = query->get_or("user_code", "");
    return device_login_page(page);
  }
  Step step{idp, request, {{"step", "devicelogin"}}};
  auto form = form_body(request, "The form");
  if (!form.ok()) return step.show_error(form.error());
  const auto user_code = form->get_or("user_code", "");
  const auto now = step.now();
  auto* device = idp.device_codes().find_by_user_code(user_code, now);
  if (device == nullptr) {
    const auto error = aad::device_code_invalid();
    step.set_error(error);
    idp.journal().record("device_login", step.entry);
    return device_login_page({user_code, error}, 400);
  }
  PendingAuthorization pending;
  pending.kind = PendingAuthorization::Kind::device;
  pending.user_code = device->user_code;
  auto& r = pending.request;
  r.tenant_segment = device->tenant_segment;
  r.tenant = device->tenant;
  r.client_id = device->client_id;
  r.scope = device->scope;
  r.raw_scope = device->scope;
  r.resource = device->resource;
  // Entra always asks which account to continue with on a device sign-in.
  r.prompt_select_account = true;
  if (const auto* session = usable_session(idp, request, r)) pending.session_user = session->user;
  step.entry.update(authorize_journal_fields(r));
  const auto flow_id = idp.pending_authorizations().start(std::move(pending), now);
  auto* flow = idp.pending_authorizations().find(flow_id, now);
  step.entry["flow"] = flow->flow_hash;
  return show_login(step, flow_id, *flow);
}

}  // namespace

void add_sign_in_routes(http::Router& router, IdentityProvider& idp) {
  for (const bool v1 : {false, true}) {
    const auto path = v1 ? "/{tenant}/oauth2/authorize" : "/{tenant}/oauth2/v2.0/authorize";
    for (const auto method : {http::Method::get, http::Method::post}) {
      router.add(method, path, [&idp, v1](http::Request& r) { return authorize(idp, r, v1); });
    }
  }
  router.add(http::Method::post, "/login", [&idp](http::Request& r) { return login(idp, r); });
  router.add(http::Method::post, "/consent", [&idp](http::Request& r) { return consent(idp, r); });
  for (const auto method : {http::Method::get, http::Method::post}) {
    router.add(method, "/devicelogin", [&idp](http::Request& r) { return device_login(idp, r); });
  }
}

void add_user_flow_routes(http::Router& router, IdentityProvider& idp) {
  add_sign_in_routes(router, idp);
  add_device_authorization_routes(router, idp);
  add_logout_routes(router, idp);
  add_userinfo_routes(router, idp);
}

}  // namespace toolauth::idp
