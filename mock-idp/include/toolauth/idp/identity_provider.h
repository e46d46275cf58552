#pragma once
// The state of one mock IdP: its directory, keys, consents, codes, refresh tokens, sessions
// and settings, plus the journal and fault injector every endpoint reports to. Endpoints are
// free functions over an IdentityProvider; the server wires them to routes.
//
// Thread safety: everything runs on the server's one io_context thread.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "toolauth/core/clock.h"
#include "toolauth/http/message.h"
#include "toolauth/idp/aad_error.h"
#include "toolauth/idp/auth_codes.h"
#include "toolauth/idp/consents.h"
#include "toolauth/idp/device_codes.h"
#include "toolauth/idp/directory.h"
#include "toolauth/idp/key_ring.h"
#include "toolauth/idp/pending_authorizations.h"
#include "toolauth/idp/refresh_tokens.h"
#include "toolauth/idp/registered_clients.h"
#include "toolauth/idp/replay_cache.h"
#include "toolauth/idp/revoked_tokens.h"
#include "toolauth/idp/sessions.h"
#include "toolauth/idp/token_factory.h"
#include "toolauth/service/faults.h"
#include "toolauth/service/journal.h"

namespace toolauth::idp {

struct Lifetimes {
  std::chrono::seconds access_token{3600};
  std::chrono::seconds id_token{3600};
  std::chrono::seconds refresh_token{std::chrono::days(90)};
  std::chrono::seconds code{600};
  std::chrono::seconds device_code{900};
  std::chrono::seconds session{std::chrono::hours(24)};
};

struct IdpOptions {
  std::string base_url;     // public URL of the HTTPS STS, used verbatim in issuers
  std::string mi_base_url;  // public URL of the plain-HTTP managed identity listener
  Lifetimes lifetimes;
  // Clock skew tolerated on client-made JWTs (client assertions); real clients keep their own
  // clocks, so this must cover the gap when a test advances ours.
  std::chrono::seconds assertion_leeway{300};
};

class IdentityProvider {
 public:
  IdentityProvider(Directory directory, KeyRing keys, const core::Clock& clock, IdpOptions options,
                   service::Journal& journal, service::FaultInjector& faults);
  IdentityProvider(const IdentityProvider&) = delete;
  IdentityProvider& operator=(const IdentityProvider&) = delete;

  Directory& directory() { return directory_; }
  const Directory& directory() const { return directory_; }
  KeyRing& keys() { return keys_; }
  const TokenFactory& tokens() const { return tokens_; }
  ConsentStore& consents() { return consents_; }
  AuthCodeStore& codes() { return codes_; }
  RefreshTokenStore& refresh_tokens() { return refresh_tokens_; }
  SessionStore& sessions() { return sessions_; }
  ReplayCache& assertion_ids() { return assertion_ids_; }
  RegisteredClients& registered_clients() { return registered_clients_; }
  RevokedTokens& revoked_tokens() { return revoked_tokens_; }
  // Interactive sign-ins and device authorizations in progress (memory only: short-lived).
  PendingAuthorizationStore& pending_authorizations() { return pending_; }
  DeviceCodeStore& device_codes() { return device_codes_; }
  // Sees every secret issued (secret_witness.h): set its observer to collect them.
  SecretWitness& secret_witness() { return secret_witness_; }
  const core::Clock& clock() const { return *clock_; }
  const IdpOptions& options() const { return options_; }
  service::Journal& journal() { return *journal_; }
  service::FaultInjector& faults() { return *faults_; }

  // Access-token lifetime for a client: the admin plane may shorten it per client, so tests
  // can make real clients (MSAL, jose) see expiry on their own clocks.
  std::chrono::seconds access_token_lifetime(std::string_view client_id) const;
  void set_access_token_lifetime(std::string client_id, std::chrono::seconds lifetime);
  void clear_lifetime_overrides() { lifetime_overrides_.clear(); }
  nlohmann::json lifetime_overrides_json() const;

  // Resolves the tenant segment of a path: a GUID or domain gives that tenant; "common" and
  // "organizations" give nullptr with *multi = true; anything else is AADSTS90002.
  core::Result<const Tenant*, AadError> resolve_tenant(std::string_view segment, bool* multi) const;

  // Error rendering context for a request: correlation id from client-request-id.
  ErrorContext error_context(const http::Request& request) const;
  http::Response error(const http::Request& request, const AadError& error) const;

  // Agent ID: T1 exchange tokens minted for a blueprint, by uti, until they expire.
  struct ExchangeGrant {
    std::string blueprint;  // identity name
    std::string fmi_path;   // agent identity client id
    core::Clock::time_point expires;
  };
  void record_exchange_grant(const std::string& uti, ExchangeGrant grant);
  const ExchangeGrant* find_exchange_grant(std::string_view uti) const;

  // Redirect URIs registered through the admin plane (a server started on port 0 registers
  // its callback). They are configuration, not state: reset() keeps them. False when the
  // client is unknown or the URI is not an absolute http(s) URI without a fragment.
  bool add_redirect_uri(const std::string& client_id, const std::string& uri);
  nlohmann::json runtime_redirect_uris_json() const;

  // Back to the fixture state: consents, codes, tokens, sessions, overrides and dynamically
  // registered clients cleared; `directory` replaces the current one. Keys are kept (verifiers
  // have cached them), and so are runtime redirect URIs and access-token revocations (tokens
  // issued before the reset still verify).
  void reset(Directory directory);

  // Called after every change worth keeping across a restart (set by the server).
  std::function<void()> on_change;
  void changed() {
    if (on_change) on_change();
  }

 private:
  Directory directory_;
  KeyRing keys_;
  const core::Clock* clock_;
  IdpOptions options_;
  TokenFactory tokens_;
  ConsentStore consents_;
  SecretWitness secret_witness_;  // the stores and the token factory point at it
  AuthCodeStore codes_;
  RefreshTokenStore refresh_tokens_;
  SessionStore sessions_;
  ReplayCache assertion_ids_;
  RegisteredClients registered_clients_;
  RevokedTokens revoked_tokens_;
  PendingAuthorizationStore pending_;
  DeviceCodeStore device_codes_;
  service::Journal* journal_;
  service::FaultInjector* faults_;
  std::map<std::string, std::chrono::seconds, std::less<>> lifetime_overrides_;
  std::map<std::string, ExchangeGrant, std::less<>> exchange_grants_;
  std::vector<std::pair<std::string, std::string>> runtime_redirect_uris_;  // (client_id, uri)
};

}  // namespace toolauth::idp
