#include "toolauth/oauth/authorization_response_issuer.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <string>

namespace toolauth::oauth {

namespace {

constexpr std::string_view kEntraAuthorizePath = "/oauth2/v2.0/authorize";

bool is_guid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string lower(std::string_view text) {
  std::string lowered(text);
  for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lowered;
}

// scheme://host[:port]; scheme and host compare without case (RFC 3986 §6.2.2.1).
std::string origin_of(const boost::urls::url_view& url) {
  std::string origin = lower(url.scheme()) + "://" + lower(url.encoded_host());
  if (url.has_port()) origin += ":" + std::string(url.port());
  return origin;
}

}  // namespace

bool issuer_fits_authorization_server(std::string_view authorization_url, std::string_view iss) {
  auto server = boost::urls::parse_absolute_uri(authorization_url);
  auto issuer = boost::urls::parse_absolute_uri(iss);
  if (!server || !issuer) return false;
  if (issuer->has_query() || issuer->has_fragment() || issuer->has_userinfo()) return false;
  if (origin_of(*server) != origin_of(*issuer)) return false;

  const std::string_view path = server->encoded_path();
  if (!path.ends_with(kEntraAuthorizePath)) return true;
  // Entra-shaped: "/{tenant}/oauth2/v2.0/authorize" → "/{tenant}/v2.0".
  const auto tenant_path = path.substr(0, path.size() - kEntraAuthorizePath.size());
  if (tenant_path.size() < 2 || tenant_path.find('/', 1) != std::string_view::npos) return true;
  const auto tenant = tenant_path.substr(1);
  const std::string_view issuer_path = issuer->encoded_path();
  if (!issuer_path.starts_with('/') || !issuer_path.ends_with("/v2.0")) return false;
  const auto issuer_tenant = issuer_path.substr(1, issuer_path.size() - 1 - 5);
  if (issuer_tenant.empty() || issuer_tenant.find('/') != std::string_view::npos) return false;
  return is_guid(tenant) ? lower(issuer_tenant) == lower(tenant) : true;
}

}  // namespace toolauth::oauth
