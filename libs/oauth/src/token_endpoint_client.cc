#include "toolauth/oauth/token_endpoint_client.h"

#include <boost/url/parse.hpp>

#include "toolauth/oauth/error.h"

namespace toolauth::oauth {
namespace {

bool is_loopback_host(const boost::urls::url_view& url) {
  switch (url.host_type()) {
    case boost::urls::host_type::ipv4:
      return url.host_ipv4_address().is_loopback();
    case boost::urls::host_type::ipv6:
      return url.host_ipv6_address().is_loopback();
    case boost::urls::host_type::name:
      return url.encoded_host() == "localhost";
    default:
      return false;
  }
}

void add_if_set(http::Params& form, const char* name, const std::string& value) {
  if (!value.empty()) form.add(name, value);
}

}  // namespace

core::Result<void> check_credential_url(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return core::Error{Errc::invalid_argument, "not an absolute URL"};
  const auto scheme = parsed->scheme_id();
  if (scheme == boost::urls::scheme::https) return {};
  if (scheme == boost::urls::scheme::http && is_loopback_host(*parsed)) {
    return {};
  }
  return core::Error{Errc::invalid_argument,
                     "credentials go only to https URLs (or http on a loopback address)"};
}

TokenEndpointClient::TokenEndpointClient(http::Client& http, const core::Clock& clock,
                                         core::Logger logger)
    : http_(&http), clock_(&clock), logger_(std::move(logger)) {}

boost::asio::awaitable<TokenResult> TokenEndpointClient::client_credentials(
    std::string token_url, ClientAuthentication client, ClientCredentialsGrant grant) {
  http::Params form{{"grant_type", "client_credentials"}, {"scope", grant.scope}};
  add_if_set(form, "fmi_path", grant.fmi_path);
  co_return co_await request(std::move(token_url), client, std::move(form));
}

boost::asio::awaitable<TokenResult> TokenEndpointClient::authorization_code(
    std::string token_url, ClientAuthentication client, AuthorizationCodeGrant grant) {
  http::Params form{{"grant_type", "authorization_code"},
                    {"code", grant.code},
                    {"redirect_uri", grant.redirect_uri},
                    {"code_verifier", grant.code_verifier}};
  add_if_set(form, "scope", grant.scope);
  co_return co_await request(std::move(token_url), client, std::move(form));
}

boost::asio::awaitable<TokenResult> TokenEndpointClient::refresh(std::string refresh_url,
                                                                 ClientAuthentication client,
                                                                 RefreshTokenGrant grant) {
  http::Params form{{"grant_type", "refresh_token"}, {"refresh_token", grant.refresh_token}};
  add_if_set(form, "scope", grant.scope);
  co_return co_await request(std::move(refresh_url), client, std::move(form));
}

boost::asio::awaitable<TokenResult> TokenEndpointClient::on_behalf_of(std::string token_url,
                                                                      ClientAuthentication client,
                                                                      OnBehalfOfGrant grant) {
  http::Params form{{"grant_type", std::string(kGrantJwtBearer)},
                    {"assertion", grant.assertion},
                    {"scope", grant.scope},
                    {"requested_token_use", "on_behalf_of"}};
  co_return co_await request(std::move(token_url), client, std::move(form));
}

boost::asio::awaitable<TokenResult> TokenEndpointClient::request(std::string token_url,
                                                                 ClientAuthentication client,
                                                                 http::Params form) {
  const std::string grant_type(form.get("grant_type").value_or(""));
  if (auto allowed = check_credential_url(token_url); !allowed.ok()) {
    co_return bad_request(allowed.error().detail);
  }
  http::ClientRequest request{.method = http::Method::post, .url = std::move(token_url)};
  // A code or a rotating refresh token sent twice is a replay the IdP punishes by revoking the
  // whole refresh-token family; never risk a second send.
  request.once = grant_type == "authorization_code" || grant_type == "refresh_token";
  client.apply(form, request.headers);
  request.headers.set("Content-Type", "application/x-www-form-urlencoded");
  request.headers.set("Accept", "application/json");
  request.body = http::encode_form(form);

  const nlohmann::json log_fields = {{"grant_type", grant_type}, {"client_id", client.client_id}};
  auto response = co_await http_->send(std::move(request));
  if (!response.ok()) {
    auto failure = transport_failure(response.error());
    logger_.warn("token request got no answer",
                 {{"grant_type", grant_type}, {"error", failure.summary()}});
    co_return failure;
  }
  auto result = parse_token_response(*response, clock_->now());
  if (result.ok()) {
    logger_.debug("token issued", log_fields);
  } else {
    auto fields = log_fields;
    fields["error"] = result.error().summary();
    logger_.info("token request refused", fields);
  }
  co_return result;
}

}  // namespace toolauth::oauth
