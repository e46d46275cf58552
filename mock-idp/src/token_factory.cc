#include "toolauth/idp/token_factory.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>

#include "toolauth/idp/scopes.h"
#include "toolauth/jose/base64url.h"
#include "toolauth/jose/hash.h"

namespace toolauth::idp {

namespace {
std::int64_t seconds_of(core::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
// Opaque Entra internals (aio, rh) are random here: clients must not interpret them.
std::string opaque(std::size_t bytes) { return jose::random_token(bytes); }
}  // namespace

TokenFactory::TokenFactory(const KeyRing& keys, const core::Clock& clock, std::string base_url)
    : keys_(&keys),
      clock_(&clock),
      base_url_(std::move(base_url)),
      signers_(std::make_shared<boost::asio::thread_pool>(
          std::max(1u, std::thread::hardware_concurrency()))) {}

std::string TokenFactory::issuer_v2(const Tenant& tenant) const {
  return base_url_ + "/" + tenant.id + "/v2.0";
}
std::string TokenFactory::issuer_v1(const Tenant& tenant) const {
  return base_url_ + "/" + tenant.id + "/";
}

std::string TokenFactory::client_info(const User& user, const Tenant& tenant) {
  return jose::base64url_encode(nlohmann::json{{"uid", user.oid}, {"utid", tenant.id}}.dump());
}

std::string TokenFactory::pairwise_subject(std::string_view oid, std::string_view client_id) {
  return jose::sha256_base64url(std::string(oid) + ":" + std::string(client_id)).substr(0, 43);
}

std::string TokenFactory::random_uti() { return jose::random_token(16).substr(0, 22); }

core::Result<MintedToken> TokenFactory::access_token(const AccessTokenRequest& r) const {
  auto token = access_token_claims(r);
  TOOLAUTH_ASSIGN_OR_RETURN(auto signed_token,
                            keys_->active().sign(token.claims, {.include_x5t = token.v1}));
  if (witness_) witness_->saw(signed_token);
  return MintedToken{std::move(signed_token), std::move(token.uti), token.expires,
                     std::move(token.claims)};
}

boost::asio::awaitable<core::Result<MintedToken>> TokenFactory::access_token_async(
    const AccessTokenRequest& r) const {
  auto token = access_token_claims(r);
  // co_spawn needs a default-constructible result.
  struct Signature {
    std::string token;
    core::Error error;
  };
  // The job owns copies: a key rotation meanwhile does not pull the key from under it (a copy
  // shares the OpenSSL key), and the claims stay here for the caller.
  auto signature = co_await boost::asio::co_spawn(
      *signers_,
      [key = keys_->active(), claims = token.claims,
       v1 = token.v1]() -> boost::asio::awaitable<Signature> {
        auto signed_token = key.sign(claims, {.include_x5t = v1});
        if (!signed_token.ok()) co_return Signature{{}, signed_token.error()};
        co_return Signature{std::move(*signed_token), {}};
      },
      boost::asio::use_awaitable);
  if (signature.error.code) co_return signature.error;
  if (witness_) witness_->saw(signature.token);
  co_return MintedToken{std::move(signature.token), std::move(token.uti), token.expires,
                        std::move(token.claims)};
}

TokenFactory::Unsigned TokenFactory::access_token_claims(const AccessTokenRequest& r) const {
  const auto now = clock_->now();
  const auto expires = now + r.lifetime;
  const int version = r.version.value_or(r.resource ? r.resource->access_token_version : 2);
  const bool v1 = version == 1;
  const std::string uti = random_uti();
  const std::string acr = std::to_string(static_cast<int>(r.client_auth));

  nlohmann::json claims = nlohmann::json::object();
  if (r.audience) {
    claims["aud"] = *r.audience;
  } else if (v1) {
    claims["aud"] = r.resource_identifier;
  } else {
    claims["aud"] = r.resource ? r.resource->client_id : r.resource_identifier;
  }
  claims["iss"] = v1 ? issuer_v1(*r.tenant) : issuer_v2(*r.tenant);
  claims["iat"] = seconds_of(now);
  claims["nbf"] = seconds_of(now);
  claims["exp"] = seconds_of(expires);
  claims["aio"] = opaque(48);
  if (v1) {
    claims["appid"] = r.client_id;
    claims["appidacr"] = acr;
  } else {
    claims["azp"] = r.client_id;
    claims["azpacr"] = acr;
  }
  if (r.user != nullptr) {
    claims["name"] = r.user->display_name;
    claims["oid"] = r.user->oid;
    claims["sub"] = pairwise_subject(r.user->oid, r.client_id);
    claims["scp"] = join(r.scopes);
    claims["idtyp"] = "user";
    if (v1) {
      claims["acr"] = "1";
      claims["amr"] = {"pwd"};
      claims["unique_name"] = r.user->username;
      claims["upn"] = r.user->username;
      if (!r.user->given_name.empty()) claims["given_name"] = r.user->given_name;
      if (!r.user->family_name.empty()) claims["family_name"] = r.user->family_name;
      claims["ipaddr"] = "127.0.0.1";
    } else {
      claims["preferred_username"] = r.user->username;
    }
    if (!r.session_id.empty()) claims["sid"] = r.session_id;
  } else {
    claims["oid"] = r.app_object_id;
    claims["sub"] = r.app_object_id;
    claims["idtyp"] = "app";
    if (v1) claims["idp"] = issuer_v1(*r.tenant);
  }
  if (!r.roles.empty()) claims["roles"] = r.roles;
  claims["rh"] = opaque(24);
  claims["tid"] = r.tenant->id;
  claims["uti"] = uti;
  claims["ver"] = v1 ? "1.0" : "2.0";
  if (r.tenant->profile == TenantProfile::mcp) {
    // RFC 9068 claims for authorization servers in the MCP profile.
    claims["jti"] = uti;
    claims["client_id"] = r.client_id;
    if (r.user != nullptr) claims["scope"] = join(r.scopes);
  }
  for (const auto& [name, value] : r.extra_claims.items()) claims[name] = value;
  return Unsigned{std::move(claims), uti, expires, v1};
}

core::Result<MintedToken> TokenFactory::id_token(const IdTokenRequest& r) const {
  const auto now = clock_->now();
  const auto expires = now + r.lifetime;
  const std::string uti = random_uti();
  nlohmann::json claims = {
      {"aud", r.client_id},
      {"iss", issuer_v2(*r.tenant)},
      {"iat", seconds_of(now)},
      {"nbf", seconds_of(now)},
      {"exp", seconds_of(expires)},
      {"aio", opaque(48)},
      {"name", r.user->display_name},
      {"oid", r.user->oid},
      {"preferred_username", r.user->username},
      {"rh", opaque(24)},
      {"sub", pairwise_subject(r.user->oid, r.client_id)},
      {"tid", r.tenant->id},
      {"uti", uti},
      {"ver", "2.0"},
  };
  if (!r.nonce.empty()) claims["nonce"] = r.nonce;
  if (!r.session_id.empty()) claims["sid"] = r.session_id;
  if (r.include_email && !r.user->email.empty()) claims["email"] = r.user->email;
  if (r.auth_time) claims["auth_time"] = seconds_of(*r.auth_time);
  TOOLAUTH_ASSIGN_OR_RETURN(auto token, keys_->active().sign(claims));
  if (witness_) witness_->saw(token);
  return MintedToken{std::move(token), uti, expires, std::move(claims)};
}

}  // namespace toolauth::idp
