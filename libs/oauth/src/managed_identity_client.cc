#include "toolauth/oauth/managed_identity_client.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <charconv>

#include "toolauth/core/json.h"
#include "toolauth/oauth/error.h"

namespace toolauth::oauth {
namespace {

bool is_local_or_https(const boost::urls::url_view& url) {
  if (url.scheme_id() == boost::urls::scheme::https) return true;
  if (url.scheme_id() != boost::urls::scheme::http) return false;
  switch (url.host_type()) {
    case boost::urls::host_type::ipv4: {
      const auto address = url.host_ipv4_address();
      // 169.254.0.0/16 is where IMDS lives.
      return address.is_loopback() || (address.to_uint() >> 16) == 0xa9fe;
    }
    case boost::urls::host_type::ipv6:
      return url.host_ipv6_address().is_loopback();
    case boost::urls::host_type::name:
      return url.encoded_host() == "localhost";
    default:
      return false;
  }
}

std::string_view selector_name(ManagedIdentitySelector::Kind kind,
                               ManagedIdentityEndpoint::Protocol protocol) {
  using Kind = ManagedIdentitySelector::Kind;
  switch (kind) {
    case Kind::client_id:
      return "client_id";
    case Kind::object_id:
      return "object_id";
    case Kind::resource_id:
      return protocol == ManagedIdentityEndpoint::Protocol::imds ? "msi_res_id" : "mi_res_id";
    case Kind::system_assigned:
      break;
  }
  return {};
}

std::optional<long long> epoch_seconds(const nlohmann::json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<long long>();
  if (!it->is_string()) return std::nullopt;
  const auto& text = it->get_ref<const std::string&>();
  long long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// Reads the parts of a managed identity answer that a token endpoint answer lacks.
TokenResult adapt(TokenResult result, const http::ClientResponse& response,
                  core::Clock::time_point now, std::string_view resource) {
  auto parsed = core::parse_json(response.body);
  const nlohmann::json body = parsed.ok() ? std::move(*parsed) : nlohmann::json();
  if (!result.ok()) {
    auto error = result.error();
    if (error.error_description.empty() && body.is_object() && body.contains("message") &&
        body["message"].is_string()) {
      error.error_description = body["message"].get<std::string>();
    }
    if (error.failure == TokenFailure::rejected &&
        (response.status == 404 || response.status == 410)) {
      error.failure = TokenFailure::transient;
    }
    return error;
  }
  auto token = std::move(*result);
  if (auto expires_on = epoch_seconds(body, "expires_on")) {
    // In seconds and bounded: expires_on is the endpoint's number, as large as it likes.
    const auto now_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    const long long remaining =
        *expires_on <= now_seconds
            ? 0
            : std::min<long long>(*expires_on - now_seconds, kLongestTokenLifetime.count());
    token.expires_in = std::chrono::seconds(remaining);
  }
  if (token.token_type.empty()) token.token_type = "Bearer";
  token.scope = body.is_object() && body.contains("resource") && body["resource"].is_string()
                    ? body["resource"].get<std::string>()
                    : std::string(resource);
  return token;
}

}  // namespace

ManagedIdentityEndpoint ManagedIdentityEndpoint::app_service(std::string identity_endpoint,
                                                             std::string identity_header) {
  return {Protocol::app_service, std::move(identity_endpoint), std::move(identity_header)};
}

ManagedIdentityEndpoint ManagedIdentityEndpoint::imds(std::string host) {
  return {Protocol::imds, std::move(host), {}};
}

ManagedIdentityClient::ManagedIdentityClient(http::Client& http, const core::Clock& clock,
                                             ManagedIdentityEndpoint endpoint, core::Logger logger)
    : http_(&http), clock_(&clock), endpoint_(std::move(endpoint)), logger_(std::move(logger)) {}

core::Result<http::ClientRequest> ManagedIdentityClient::make_request(
    std::string_view resource, const ManagedIdentitySelector& identity) const {
  using Protocol = ManagedIdentityEndpoint::Protocol;
  if (resource.ends_with("/.default")) resource.remove_suffix(std::string_view("/.default").size());
  if (resource.empty()) return core::Error{Errc::invalid_argument, "a resource is required"};
  if (identity.kind != ManagedIdentitySelector::Kind::system_assigned && identity.value.empty()) {
    return core::Error{Errc::invalid_argument, "the identity selector has no value"};
  }
  std::string base = endpoint_.url;
  if (endpoint_.protocol == Protocol::imds) {
    while (base.ends_with('/')) base.pop_back();
    base += kImdsTokenPath;
  }
  auto parsed = boost::urls::parse_absolute_uri(base);
  if (!parsed) return core::Error{Errc::invalid_argument, "the identity endpoint is not a URL"};
  if (!is_local_or_https(*parsed)) {
    return core::Error{Errc::invalid_argument,
                       "the identity endpoint must be https, loopback or link-local"};
  }
  boost::urls::url url(*parsed);
  const bool imds = endpoint_.protocol == Protocol::imds;
  url.params().append({"api-version", imds ? kImdsApiVersion : kAppServiceApiVersion});
  url.params().append({"resource", resource});
  if (identity.kind != ManagedIdentitySelector::Kind::system_assigned) {
    url.params().append({selector_name(identity.kind, endpoint_.protocol), identity.value});
  }
  http::ClientRequest request{.method = http::Method::get, .url = std::string(url.buffer())};
  if (imds) {
    request.headers.set("Metadata", "true");
  } else {
    request.headers.set("X-IDENTITY-HEADER", endpoint_.identity_header);
  }
  return request;
}

boost::asio::awaitable<TokenResult> ManagedIdentityClient::get_token(
    std::string resource, ManagedIdentitySelector identity) {
  auto request = make_request(resource, identity);
  if (!request.ok()) co_return bad_request(request.error().detail);
  const nlohmann::json fields = {
      {"source",
       endpoint_.protocol == ManagedIdentityEndpoint::Protocol::imds ? "imds" : "app_service"},
      {"resource", resource}};
  auto response = co_await http_->send(std::move(*request));
  if (!response.ok()) {
    auto failure = transport_failure(response.error());
    logger_.warn("managed identity endpoint gave no answer", fields);
    co_return failure;
  }
  const auto now = clock_->now();
  auto result = adapt(parse_token_response(*response, now), *response, now, resource);
  if (!result.ok()) {
    auto with_error = fields;
    with_error["error"] = result.error().summary();
    logger_.info("managed identity token refused", with_error);
  }
  co_return result;
}

}  // namespace toolauth::oauth
