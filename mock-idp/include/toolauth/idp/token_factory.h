#pragma once
// Mints access and ID tokens with Entra's claim sets (reference/entra-oauth.md §4): v2 or v1
// as the resource application chooses (accessTokenAcceptedVersion), delegated (a user) or
// app-only (a service principal). Every token is freshly signed with its own `uti` (and `jti`
// in the `mcp` profile, as RFC 9068 wants); nothing is cached or handed out twice.
//
// Signing an RS256 token is most of what a token request costs. access_token_async() computes
// the signature on a pool of one worker per core while the io thread, which owns all IdP
// state, serves other requests: a single-threaded server then keeps every core signing.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/idp/directory.h"
#include "toolauth/idp/key_ring.h"
#include "toolauth/idp/secret_witness.h"

namespace toolauth::idp {

// How the client authenticated, as azpacr/appidacr report it.
enum class ClientAuthLevel { none = 0, secret = 1, certificate = 2 };

struct AccessTokenRequest {
  const Tenant* tenant = nullptr;
  std::string client_id;  // azp / appid
  ClientAuthLevel client_auth = ClientAuthLevel::none;
  const User* user = nullptr;  // delegated token; null for app-only
  std::string app_object_id;   // app-only subject: the service principal's object id
  std::string app_display_name;
  const Application* resource = nullptr;
  std::string resource_identifier;      // as requested: the v1 `aud`
  std::optional<std::string> audience;  // overrides `aud` (RFC 8707 resource in the mcp profile)
  std::vector<std::string> scopes;      // delegated permissions -> scp
  std::vector<std::string> roles;       // app roles -> roles
  std::optional<int> version;           // overrides the resource's token version
  nlohmann::json extra_claims = nlohmann::json::object();  // xms_mirid, agent claims, act, ...
  std::chrono::seconds lifetime{3600};
  std::string session_id;  // sid of the sign-in session, when there is one
};

struct IdTokenRequest {
  const Tenant* tenant = nullptr;
  std::string client_id;
  const User* user = nullptr;
  std::string nonce;
  std::string session_id;
  bool include_email = false;
  std::chrono::seconds lifetime{3600};
  std::optional<core::Clock::time_point> auth_time;
};

struct MintedToken {
  std::string token;
  std::string uti;
  core::Clock::time_point expires;
  nlohmann::json claims;
};

class TokenFactory {
 public:
  TokenFactory(const KeyRing& keys, const core::Clock& clock, std::string base_url);

  const std::string& base_url() const { return base_url_; }
  // https://host:port/{tid}/v2.0 and the v1 form https://host:port/{tid}/
  std::string issuer_v2(const Tenant& tenant) const;
  std::string issuer_v1(const Tenant& tenant) const;

  core::Result<MintedToken> access_token(const AccessTokenRequest& request) const;
  // The same token, signed on a worker thread; resumes on the caller's executor. `request` is
  // read before the first suspension only, so the caller may let it (and the directory it
  // points into) change meanwhile.
  boost::asio::awaitable<core::Result<MintedToken>> access_token_async(
      const AccessTokenRequest& request) const;
  core::Result<MintedToken> id_token(const IdTokenRequest& request) const;

  // base64url({"uid": oid, "utid": tid}), which MSAL turns into the home account id.
  static std::string client_info(const User& user, const Tenant& tenant);
  // Entra's `sub` is pairwise: stable for one user and one application, different across them.
  static std::string pairwise_subject(std::string_view oid, std::string_view client_id);
  static std::string random_uti();

  // Sees each secret issued (secret_witness.h); the witness outlives this.
  void witness_with(const SecretWitness* witness) { witness_ = witness; }

 private:
  // An access token before its signature.
  struct Unsigned {
    nlohmann::json claims;
    std::string uti;
    core::Clock::time_point expires;
    bool v1 = false;
  };
  Unsigned access_token_claims(const AccessTokenRequest& request) const;

  const KeyRing* keys_;
  const core::Clock* clock_;
  std::string base_url_;
  std::shared_ptr<boost::asio::thread_pool> signers_;
  const SecretWitness* witness_ = nullptr;
};

}  // namespace toolauth::idp
