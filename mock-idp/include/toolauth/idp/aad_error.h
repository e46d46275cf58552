#pragma once
// Entra-shaped errors. Every failure the STS reports goes through one named constructor here,
// so the AADSTS code, OAuth error and HTTP status of a failure are defined in one place and
// tests can assert them exactly.
//
// Wire shape (reference/entra-oauth.md §3): {"error", "error_description": "AADSTS<code>:
// <message>\r\nTrace ID: <guid>\r\nCorrelation ID: <guid>\r\nTimestamp: <YYYY-MM-DD
// HH:MM:SSZ>", "error_codes": [<code>], "timestamp", "trace_id", "correlation_id",
// "error_uri", ["suberror"], ["claims"]}; invalid_client is 401.

#include <string>
#include <string_view>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/http/message.h"

namespace toolauth::idp {

struct AadError {
  int status = 400;
  std::string error;    // OAuth error code
  int code = 0;         // AADSTS number
  std::string message;  // the text after "AADSTS<code>: "
  std::string suberror;
  std::string claims;       // a JSON string, as Entra sends it
  bool basic_auth = false;  // the client authenticated with HTTP Basic: 401 carries a challenge
};

struct ErrorContext {
  core::Clock::time_point now;
  std::string correlation_id;  // the client's client-request-id, else a fresh GUID
  std::string base_url;        // for error_uri
};

http::Response render_error(const AadError& error, const ErrorContext& context);
// "2023-06-02 21:00:26Z"
std::string entra_timestamp(core::Clock::time_point t);

namespace aad {
// Clients and credentials.
AadError unknown_client(std::string_view client_id, std::string_view tenant);     // 700016
AadError invalid_client_secret(std::string_view client_id);                       // 7000215
AadError missing_client_credential();                                             // 7000218
AadError expired_client_secret(std::string_view client_id);                       // 7000222
AadError public_client_with_credential();                                         // 700025
AadError client_assertion_invalid(std::string_view why);                          // 700027
AadError client_assertion_expired();                                              // 700024
AadError client_assertion_replayed();                                             // 50013
AadError client_assertion_audience(std::string_view expected);                    // 700027
AadError federated_issuer_unknown(std::string_view issuer);                       // 700211
AadError federated_subject_unknown(std::string_view subject);                     // 700213
AadError unauthorized_grant(std::string_view client_id, std::string_view grant);  // 700054
// Request shape.
AadError missing_parameter(std::string_view name);             // 900144
AadError repeated_parameter(std::string_view name);            // 90014
AadError unsupported_grant_type(std::string_view grant_type);  // 70003
AadError unknown_tenant(std::string_view tenant);              // 90002
AadError tenant_required_for_grant();                          // 9001023
AadError resource_parameter_unsupported();                     // 901002
AadError resource_parameter_mismatch();                        // 9010010
AadError invalid_request(std::string_view message);            // 90014
AadError invalid_target(std::string_view resource);            // 500011, invalid_target
// Scopes and resources.
AadError invalid_scope(std::string_view scope);                                       // 70011
AadError multiple_resources();                                                        // 700022
AadError client_credentials_need_default(std::string_view scope);                     // 1002012
AadError unknown_resource(std::string_view resource, std::string_view tenant);        // 500011
AadError consent_required(std::string_view client_id, std::string_view client_name);  // 65001
// Codes, PKCE, redirects.
// Codes Entra does not document for a case are chosen from its nearest documented meaning;
// README lists every code the IdP returns.
AadError redirect_uri_mismatch(std::string_view redirect_uri, std::string_view client_id);  // 50011
AadError code_redeemed();                                                                   // 54005
AadError code_expired();                                                                    // 70008
AadError code_invalid();            // 9002313
AadError pkce_mismatch();           // 501481
AadError pkce_missing_verifier();   // 501481
AadError pkce_required();           // 9002325
AadError pkce_invalid_challenge();  // 501491
AadError pkce_plain_refused();      // 50149
AadError code_for_other_client();   // 70000
// More of the authorize endpoint and the sign-in pages.
AadError pkce_unsupported_method(std::string_view method);           // 50149
AadError redirect_uri_differs();                                     // 50011 invalid_grant
AadError unsupported_response_type(std::string_view response_type);  // 70005
AadError silent_consent_required(std::string_view client_id,
                                 std::string_view client_name);  // 65001 consent_required
AadError user_declined_consent();                                // 65004 access_denied
// Refresh tokens.
AadError refresh_token_expired();       // 700082 bad_token
AadError refresh_token_revoked();       // 50173
AadError refresh_token_other_client();  // 70000
AadError refresh_token_invalid();       // 9002313
AadError refresh_token_reused();        // 50173 (family revoked)
// Users.
AadError invalid_credentials();                                               // 50126
AadError login_required();                                                    // 50058
AadError interaction_required(int code, std::string_view message);            // 50076/50079
AadError user_not_in_tenant(std::string_view user, std::string_view tenant);  // 50020
// On-behalf-of and assertions.
AadError obo_audience_mismatch();                  // 500131
AadError obo_assertion_expired();                  // 500133
AadError assertion_invalid(std::string_view why);  // 50013
AadError obo_app_token();                          // 50013 (app-only tokens cannot be used)
// Device code.
AadError authorization_pending();   // 70016
AadError device_code_invalid();     // 70018
AadError device_code_expired();     // 70019
AadError authorization_declined();  // 70020
// Token exchange and Agent ID.
AadError token_exchange_unsupported();                   // 82001
AadError fmi_path_not_owned(std::string_view fmi_path);  // 700016
AadError agent_assertion_invalid(std::string_view why);  // 700211
// 50020: user_fic for a user that is not an agent user of that agent identity.
AadError agent_user_not_bound(std::string_view user, std::string_view agent);
// Revocation and introspection (mcp profile).
AadError unsupported_token_type(std::string_view hint);  // 90014, unsupported_token_type
AadError token_of_other_client();                        // 70000
// Our own failure (signing, storage): never the caller's fault, so a 500.
AadError internal_error(std::string_view why);  // 50000
}  // namespace aad

// Converts an internal failure (core::Error) into an Entra server error.
template <class T>
core::Result<T, AadError> or_internal_error(core::Result<T> result) {
  if (!result.ok()) return aad::internal_error(result.error().message());
  return std::move(result).value();
}

}  // namespace toolauth::idp
