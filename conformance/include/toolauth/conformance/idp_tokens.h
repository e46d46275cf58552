#pragma once
// Real tokens from the run's mock IdP, for scenarios that present them to an IUT.
//
// User tokens come from the token endpoint (grant_type=password with the public client
// `caller`), so mock-idp journals each one. ROPC cannot show a consent page: the first time a
// user needs a resource, the headless user agent signs in and approves it through the
// authorize endpoint (auth code with PKCE), as a person would.
//
// Time-shifted tokens are real too: the admin plane moves the shared clock (and shortens the
// client's token lifetime) just for the token request, then puts both back, so an IUT on real
// time, in this process or not, sees a token that expired or is not valid yet.
//
// Forged tokens (bad signature, alg none, key confusion, unknown kid, another issuer) come
// from jose::TokenForge holding the IdP's real signing key, built from a real token's claims
// so each changes exactly one thing.
//
// Threading: the environment's executor. Every token handed out is remembered (minted()) so a
// test can prove none of them reached an artifact.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/conformance/environment.h"
#include "toolauth/core/result.h"
#include "toolauth/jose/forge.h"

namespace toolauth::conformance {

inline constexpr std::string_view kTokenClient = "caller";
inline constexpr std::string_view kConsentRedirectUri = "https://localhost/callback";

struct TokenRequest {
  std::string user;   // world user name: "alice"
  std::string scope;  // as sent: "api://<app>/Tools.Invoke"
  // The shared clock is moved by this much while the token is issued.
  std::chrono::seconds clock_shift{0};
  // The client's access-token lifetime while the token is issued (admin plane).
  std::optional<std::chrono::seconds> lifetime;
};

class IdpTokens {
 public:
  explicit IdpTokens(Environment& env);

  // Errors: the IdP's answer (AADSTS code in the detail), transport errors.
  boost::asio::awaitable<core::Result<std::string>> user_token(TokenRequest request);
  // The forge, with the IdP's active signing key.
  jose::TokenForge forge() const;
  const std::vector<std::string>& minted() const { return minted_; }
  void remember(std::string token) { minted_.push_back(std::move(token)); }

 private:
  boost::asio::awaitable<core::Result<nlohmann::json>> password_grant(const nlohmann::json& user,
                                                                      const std::string& scope);
  boost::asio::awaitable<core::Result<void>> consent(const nlohmann::json& user,
                                                     const std::string& scope);
  boost::asio::awaitable<core::Result<void>> admin(http::Method method, std::string path,
                                                   nlohmann::json body);

  Environment* env_;
  std::vector<std::string> minted_;
};

}  // namespace toolauth::conformance
