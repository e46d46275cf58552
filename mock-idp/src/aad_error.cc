#include "toolauth/idp/aad_error.h"

#include <ctime>

#include "toolauth/core/random.h"

namespace toolauth::idp {

std::string entra_timestamp(core::Clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buffer;
}

http::Response render_error(const AadError& error, const ErrorContext& context) {
  const std::string trace_id = core::uuid_v4();
  const std::string correlation_id =
      context.correlation_id.empty() ? core::uuid_v4() : context.correlation_id;
  const std::string timestamp = entra_timestamp(context.now);
  const std::string code = std::to_string(error.code);
  nlohmann::json body = {
      {"error", error.error},
      {"error_description", "AADSTS" + code + ": " + error.message + "\r\nTrace ID: " + trace_id +
                                "\r\nCorrelation ID: " + correlation_id +
                                "\r\nTimestamp: " + timestamp},
      {"error_codes", {error.code}},
      {"timestamp", timestamp},
      {"trace_id", trace_id},
      {"correlation_id", correlation_id},
      {"error_uri", context.base_url + "/error?code=" + code},
  };
  if (!error.suberror.empty()) body["suberror"] = error.suberror;
  if (!error.claims.empty()) body["claims"] = error.claims;
  auto response = http::Response::json(error.status, body);
  response.headers.set("Cache-Control", "no-store, no-cache");
  response.headers.set("Pragma", "no-cache");
  response.headers.set("x-ms-request-id", trace_id);
  if (error.status == 401 && error.basic_auth)
    response.headers.set("WWW-Authenticate", "Basic realm=\"toolauth\"");
  return response;
}

namespace aad {
namespace {
AadError make(int status, std::string error, int code, std::string message,
              std::string suberror = {}) {
  return AadError{status, std::move(error), code, std::move(message), std::move(suberror), {},
                  false};
}
std::string q(std::string_view text) { return "'" + std::string(text) + "'"; }
}  // namespace

AadError unknown_client(std::string_view client_id, std::string_view tenant) {
  return make(
      400, "unauthorized_client", 700016,
      "Application with identifier " + q(client_id) + " was not found in the directory " +
          q(tenant) +
          ". This can happen if the application has not been installed by the administrator of the "
          "tenant or consented to by any user in the tenant. You might have sent your "
          "authentication "
          "request to the wrong tenant.");
}
AadError invalid_client_secret(std::string_view client_id) {
  return make(401, "invalid_client", 7000215,
              "Invalid client secret provided. Ensure the secret being sent in the request is the "
              "client secret "
              "value, not the client secret ID, for a secret added to app " +
                  q(client_id) + ".");
}
AadError missing_client_credential() {
  return make(401, "invalid_client", 7000218,
              "The request body must contain the following parameter: 'client_assertion' or "
              "'client_secret'.");
}
AadError expired_client_secret(std::string_view client_id) {
  return make(401, "invalid_client", 7000222,
              "The provided client secret keys for app " + q(client_id) + " are expired.");
}
AadError public_client_with_credential() {
  return make(
      400, "invalid_client", 700025,
      "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");
}
AadError client_assertion_invalid(std::string_view why) {
  return make(401, "invalid_client", 700027,
              "Client assertion failed signature validation. " + std::string(why));
}
AadError client_assertion_expired() {
  return make(401, "invalid_client", 700024,
              "Client assertion is not within its valid time range.");
}
AadError client_assertion_replayed() {
  return make(401, "invalid_client", 50013,
              "Assertion failed validation: it has already been used (jti replay); sign a new one "
              "for each request.");
}
AadError client_assertion_audience(std::string_view expected) {
  return make(401, "invalid_client", 700027,
              "Client assertion failed validation: its 'aud' claim must be the token endpoint " +
                  q(expected) + ".");
}
AadError federated_issuer_unknown(std::string_view issuer) {
  return make(401, "invalid_client", 700211,
              "No matching federated identity record found for presented assertion issuer " +
                  q(issuer) + ".");
}
AadError federated_subject_unknown(std::string_view subject) {
  return make(401, "invalid_client", 700213,
              "No matching federated identity record found for presented assertion subject " +
                  q(subject) + ".");
}
AadError unauthorized_grant(std::string_view client_id, std::string_view grant) {
  return make(
      400, "unauthorized_client", 700054,
      "grant_type " + q(grant) + " is not enabled for the application " + q(client_id) + ".");
}
AadError missing_parameter(std::string_view name) {
  return make(400, "invalid_request", 900144,
              "The request body must contain the following parameter: " + q(name) + ".");
}
AadError repeated_parameter(std::string_view name) {
  return make(400, "invalid_request", 90014,
              "The parameter " + q(name) +
                  " appears more than once; request parameters must not be repeated.");
}
AadError unsupported_grant_type(std::string_view grant_type) {
  return make(400, "unsupported_grant_type", 70003,
              "The app requested an unsupported grant type " + q(grant_type) + ".");
}
AadError unknown_tenant(std::string_view tenant) {
  return make(400, "invalid_request", 90002,
              "Tenant " + q(tenant) +
                  " not found. Check to make sure you have the correct tenant ID and are signing "
                  "into the correct cloud.");
}
AadError tenant_required_for_grant() {
  return make(
      400, "invalid_request", 9001023,
      "The grant type isn't supported over the /common or /consumers endpoints. Please use the "
      "/organizations or tenant-specific endpoint.");
}
AadError resource_parameter_unsupported() {
  return make(400, "invalid_request", 901002, "The 'resource' request parameter isn't supported.");
}
AadError resource_parameter_mismatch() {
  return make(
      400, "invalid_request", 9010010,
      "The resource parameter provided in the request doesn't match with the requested scopes.");
}
AadError invalid_request(std::string_view message) {
  return make(400, "invalid_request", 90014, std::string(message));
}
AadError invalid_target(std::string_view resource) {
  return make(400, "invalid_target", 500011,
              "The resource " + q(resource) +
                  " is not a protected resource registered with this authorization server.");
}
AadError invalid_scope(std::string_view scope) {
  return make(400, "invalid_scope", 70011,
              "The provided value for the input parameter 'scope' is not valid. The scope " +
                  q(scope) + " is not valid.");
}
AadError multiple_resources() {
  return make(400, "invalid_scope", 700022,
              "The provided value for the input parameter scope is not valid because it contains "
              "more than one resource.");
}
AadError client_credentials_need_default(std::string_view scope) {
  return make(400, "invalid_scope", 1002012,
              "The provided value for scope " + std::string(scope) +
                  " is not valid. Client credential flows must have a scope value with /.default "
                  "suffixed to the "
                  "resource identifier (application ID URI).");
}
AadError unknown_resource(std::string_view resource, std::string_view tenant) {
  return make(400, "invalid_resource", 500011,
              "The resource principal named " + std::string(resource) +
                  " was not found in the tenant named " + std::string(tenant) +
                  ". This can happen if the application has not been installed by the "
                  "administrator of the tenant "
                  "or consented to by any user in the tenant.");
}
AadError consent_required(std::string_view client_id, std::string_view client_name) {
  return make(400, "invalid_grant", 65001,
              "The user or administrator has not consented to use the application with ID " +
                  q(client_id) + " named " + q(client_name) +
                  ". Send an interactive authorization request for this user and resource.",
              "consent_required");
}
AadError redirect_uri_mismatch(std::string_view redirect_uri, std::string_view client_id) {
  return make(400, "invalid_request", 50011,
              "The redirect URI " + q(redirect_uri) +
                  " specified in the request does not match the redirect URIs configured for the "
                  "application " +
                  q(client_id) + ".");
}
AadError code_redeemed() {
  return make(400, "invalid_grant", 54005,
              "OAuth2 Authorization code was already redeemed, please retry with a new valid code "
              "or use an "
              "existing refresh token.");
}
AadError code_expired() {
  return make(
      400, "invalid_grant", 70008,
      "The provided authorization code or refresh token has expired due to inactivity. Send a new "
      "interactive authorization request for this user and resource.");
}
AadError code_invalid() {
  return make(400, "invalid_grant", 9002313,
              "Invalid request. Request is malformed or invalid: the code is not valid.");
}
AadError pkce_mismatch() {
  return make(
      400, "invalid_grant", 501481,
      "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
}
AadError pkce_missing_verifier() {
  return make(400, "invalid_grant", 501481,
              "The code_verifier is missing; the authorization request carried a code_challenge.");
}
AadError pkce_required() {
  return make(400, "invalid_request", 9002325,
              "Proof Key for Code Exchange is required (code_challenge with S256).");
}
AadError pkce_invalid_challenge() {
  return make(400, "invalid_request", 501491, "Invalid size of Code_Challenge parameter.");
}
AadError pkce_plain_refused() {
  return make(400, "invalid_request", 50149,
              "The code_challenge_method 'plain' is not allowed; use 'S256'.");
}
AadError code_for_other_client() {
  return make(400, "invalid_grant", 70000,
              "The provided value for the 'code' parameter is not valid for this client.");
}
AadError pkce_unsupported_method(std::string_view method) {
  return make(400, "invalid_request", 50149,
              "The code_challenge_method " + q(method) + " is not supported; use 'S256'.");
}
AadError redirect_uri_differs() {
  return make(400, "invalid_grant", 50011,
              "The redirect URI in the token request does not match the redirect URI of the "
              "authorization request.");
}
AadError unsupported_response_type(std::string_view response_type) {
  return make(400, "unsupported_response_type", 70005,
              "The application requested an unsupported response type " + q(response_type) +
                  "; only 'code' is supported.");
}
AadError silent_consent_required(std::string_view client_id, std::string_view client_name) {
  return make(400, "consent_required", 65001,
              "The user or administrator has not consented to use the application with ID " +
                  q(client_id) + " named " + q(client_name) +
                  ". Send an interactive authorization request for this user and resource.");
}
AadError user_declined_consent() {
  return make(400, "access_denied", 65004, "User declined to consent to access the app.");
}
AadError refresh_token_expired() {
  return make(400, "invalid_grant", 700082,
              "The refresh token has expired due to inactivity. The token was issued and was "
              "inactive for too long.",
              "bad_token");
}
AadError refresh_token_revoked() {
  return make(400, "invalid_grant", 50173,
              "The provided grant has expired due to it being revoked, a fresh auth token is "
              "needed. The user might "
              "have changed or reset their password.",
              "bad_token");
}
AadError refresh_token_other_client() {
  return make(
      400, "invalid_grant", 70000,
      "Provided grant is invalid or malformed: the refresh token was issued to another client.");
}
AadError refresh_token_invalid() {
  return make(400, "invalid_grant", 9002313,
              "Invalid request. Request is malformed or invalid: the refresh token is not valid.");
}
AadError refresh_token_reused() {
  return make(400, "invalid_grant", 50173,
              "The provided grant has been revoked: a refresh token that was already exchanged was "
              "presented again, "
              "so the whole token family is revoked (RFC 9700 reuse detection).",
              "bad_token");
}
AadError invalid_credentials() {
  return make(400, "invalid_grant", 50126,
              "Error validating credentials due to invalid username or password.");
}
AadError login_required() {
  return make(400, "login_required", 50058,
              "A silent sign-in request was sent but no user is signed in.");
}
AadError interaction_required(int code, std::string_view message) {
  return make(400, "interaction_required", code, std::string(message));
}
AadError user_not_in_tenant(std::string_view user, std::string_view tenant) {
  return make(400, "invalid_grant", 50020,
              "User account " + q(user) + " does not exist in tenant " + q(tenant) +
                  " and cannot access the application in that tenant.");
}
AadError obo_audience_mismatch() {
  return make(400, "invalid_grant", 500131,
              "Assertion audience does not match the Client app presenting the assertion.");
}
AadError obo_assertion_expired() {
  return make(400, "invalid_grant", 500133, "Assertion is not within its valid time range.");
}
AadError assertion_invalid(std::string_view why) {
  return make(400, "invalid_grant", 50013,
              "Assertion failed signature validation. " + std::string(why));
}
AadError obo_app_token() {
  return make(400, "invalid_grant", 50013,
              "Assertion is not valid for on-behalf-of: app-only tokens carry no user to act for.");
}
AadError authorization_pending() {
  return make(400, "authorization_pending", 70016,
              "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
}
AadError device_code_invalid() {
  return make(400, "bad_verification_code", 70018,
              "Invalid verification code: the device code is not known.");
}
AadError device_code_expired() {
  return make(400, "expired_token", 70019, "Verification code expired.");
}
AadError authorization_declined() {
  return make(400, "authorization_declined", 70020,
              "The end user declined the authorization request.");
}
AadError token_exchange_unsupported() {
  return make(400, "unsupported_grant_type", 82001,
              "The token exchange grant (RFC 8693) is not supported by this tenant; use "
              "on-behalf-of (jwt-bearer).");
}
AadError fmi_path_not_owned(std::string_view fmi_path) {
  return make(400, "unauthorized_client", 700016,
              "The agent identity " + q(fmi_path) +
                  " in fmi_path is not a child of this agent identity blueprint.");
}
AadError agent_assertion_invalid(std::string_view why) {
  return make(
      401, "invalid_client", 700211,
      "No matching federated identity record found for presented assertion. " + std::string(why));
}
AadError agent_user_not_bound(std::string_view user, std::string_view agent) {
  return make(400, "invalid_grant", 50020,
              "User account " + q(user) + " is not an agent user of the agent identity " +
                  q(agent) + " and cannot be signed in by it.");
}
AadError unsupported_token_type(std::string_view hint) {
  return make(
      400, "unsupported_token_type", 90014,
      "The token_type_hint " + q(hint) + " is not supported; use access_token or refresh_token.");
}
AadError token_of_other_client() {
  return make(400, "invalid_grant", 70000,
              "Provided grant is invalid or malformed: the token was issued to another client.");
}

AadError internal_error(std::string_view why) {
  return make(500, "server_error", 50000,
              "There was an error issuing a token: " + std::string(why));
}

}  // namespace aad
}  // namespace toolauth::idp
