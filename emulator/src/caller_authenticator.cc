#include "toolauth/emulator/caller_authenticator.h"

#include "toolauth/jose/error.h"
#include "toolauth/jose/jwt.h"

namespace toolauth::emulator {

namespace {

ApiError unauthorized(std::string inner, std::string message) {
  return ApiError{401,          "Unauthorized",  std::move(message), "invalid_request_error",
                  std::nullopt, std::move(inner)};
}

ApiError from_verifier(const core::Error& e, const std::vector<std::string>& audiences) {
  using jose::Errc;
  const auto c = e.code;
  if (c == Errc::token_expired)
    return unauthorized("TokenExpired", "The access token has expired.");
  if (c == Errc::token_not_yet_valid || c == Errc::issued_in_future)
    return unauthorized("TokenNotYetValid", "The access token is not valid yet.");
  if (c == Errc::audience_mismatch) {
    std::string list;
    for (const auto& a : audiences) list += (list.empty() ? "" : ", ") + a;
    return unauthorized("InvalidAudience",
                        "The access token's audience is incorrect (expected " + list + ").");
  }
  if (c == Errc::issuer_mismatch)
    return unauthorized("InvalidIssuer", "The access token's issuer is not trusted.");
  if (c == Errc::signature_invalid)
    return unauthorized("InvalidSignature", "The access token's signature is invalid.");
  if (c == Errc::unknown_kid || c == Errc::missing_kid)
    return unauthorized("InvalidSignature", "The access token's signing key is unknown.");
  if (c == Errc::alg_none || c == Errc::alg_not_allowed || c == Errc::key_alg_mismatch)
    return unauthorized("InvalidSignature",
                        "The access token's signing algorithm is not accepted.");
  if (c == Errc::missing_claim)
    return unauthorized("MissingClaim", "The access token lacks a required claim.");
  return unauthorized("InvalidToken", "The access token is invalid.");
}

std::string claim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

CallerAuthenticator::CallerAuthenticator(const EmulatorWorld& world, http::Client& client,
                                         const core::Clock& clock, EmulatorDefects defects)
    : world_(&world), defects_(defects) {
  for (const auto& tenant : world.tenants) {
    Issuer issuer;
    issuer.keys = std::make_unique<service::JwksCache>(tenant.jwks_url, client, clock);
    auto built = jose::Verifier::builder()
                     .allow(jose::Alg::RS256)
                     .keys(std::shared_ptr<const jose::KeyResolver>(
                         issuer.keys.get(), [](const jose::KeyResolver*) {}))
                     .issuers(tenant.issuers)
                     .audiences(world.caller_audiences)
                     .leeway(kLeeway)
                     .clock(clock)
                     .require_claims({"tid", "oid"})
                     .build();
    if (built.ok()) issuer.verifier.emplace(std::move(*built));
    issuers_.emplace(tenant.id, std::move(issuer));
  }
}

CallerAuthenticator::~CallerAuthenticator() = default;

boost::asio::awaitable<core::Result<Caller, ApiError>> CallerAuthenticator::authenticate(
    const http::Request& request, const TenantConfig& project_tenant) {
  const auto headers = request.headers.get_all("authorization");
  if (headers.empty())
    co_return unauthorized("MissingToken",
                           "Access token is missing: send Authorization: Bearer "
                           "<token> for https://ai.azure.com.");
  if (headers.size() > 1)
    co_return unauthorized("InvalidAuthorizationHeader", "The Authorization header is repeated.");
  const std::string_view header = headers.front();
  if (header.size() <= 7 || !http::iequals(header.substr(0, 7), "bearer "))
    co_return unauthorized("InvalidAuthorizationHeader",
                           "The Authorization header does not carry a bearer token.");
  std::string token(header.substr(7));
  while (!token.empty() && token.front() == ' ') token.erase(0, 1);

  auto decoded = jose::decode_jwt(token);
  if (!decoded.ok()) co_return unauthorized("MalformedToken", "The access token is malformed.");
  // Unverified: only to choose whose keys verify the signature; the verifier checks iss again.
  const auto* tenant = world_->tenant_by_issuer(claim(decoded->payload, "iss"));
  if (tenant == nullptr)
    co_return unauthorized("UnknownIssuer", "The access token was not issued by a known tenant.");
  auto& issuer = issuers_.at(tenant->id);
  const auto kid = claim(decoded->header, "kid");
  if (auto loaded = co_await issuer.keys->ensure(kid); !loaded.ok() && !issuer.keys->has(kid))
    co_return unauthorized("SigningKeysUnavailable",
                           "The signing keys of the token's issuer are unavailable.");
  if (!issuer.verifier)
    co_return unauthorized("InvalidToken", "The tenant's token policy is misconfigured.");
  auto verified = issuer.verifier->verify(token);
  if (!verified.ok()) co_return from_verifier(verified.error(), world_->caller_audiences);

  Caller caller;
  caller.tid = claim(verified->claims, "tid");
  caller.oid = claim(verified->claims, "oid");
  if (caller.tid.empty() || caller.oid.empty())
    co_return unauthorized("MissingClaim", "The access token lacks tid or oid.");
  if (caller.tid != tenant->id)
    co_return unauthorized("InvalidIssuer", "The access token's tid does not match its issuer.");
  // Defect accept-cross-tenant: a user of any known tenant may use any project.
  if (caller.tid != project_tenant.id && !defects_.has(Defect::accept_cross_tenant)) {
    co_return ApiError{403,
                       "PermissionDenied",
                       "The caller's tenant does not match the project's tenant; cross-tenant "
                       "access is not supported.",
                       "invalid_request_error",
                       std::nullopt,
                       "TenantMismatch"};
  }
  caller.tenant = tenant->name;
  caller.name = claim(verified->claims, "name");
  caller.username = claim(verified->claims, "upn");
  if (caller.username.empty()) caller.username = claim(verified->claims, "preferred_username");
  caller.app_id = claim(verified->claims, "appid");
  if (caller.app_id.empty()) caller.app_id = claim(verified->claims, "azp");
  caller.app_only = !verified->claims.contains("scp") && claim(verified->claims, "idtyp") != "user";
  caller.token = std::move(token);
  co_return caller;
}

http::Response refusal_response(const ApiError& error, const TenantConfig& tenant) {
  auto response = error.response();
  if (error.status == 401) {
    std::string challenge = "Bearer authorization_uri=\"" + tenant.issuers.front() + "\"";
    if (error.inner_code != "MissingToken")
      challenge += ", error=\"invalid_token\", error_description=\"" + error.inner_code + "\"";
    response.headers.set("WWW-Authenticate", challenge);
  }
  return response;
}

}  // namespace toolauth::emulator
