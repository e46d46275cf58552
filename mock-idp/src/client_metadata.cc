#include "toolauth/idp/client_metadata.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <optional>
#include <vector>

#include "toolauth/idp/directory.h"

namespace toolauth::idp {

namespace {

ClientMetadataError metadata_error(std::string description) {
  return {"invalid_client_metadata", std::move(description)};
}
ClientMetadataError redirect_error(std::string description) {
  return {"invalid_redirect_uri", std::move(description)};
}

bool is_loopback(const boost::urls::url_view& url) {
  switch (url.host_type()) {
    case boost::urls::host_type::ipv4:
      return url.host_ipv4_address().is_loopback();
    case boost::urls::host_type::ipv6:
      return url.host_ipv6_address().is_loopback();
    case boost::urls::host_type::name:
      return iequals_ascii(url.encoded_host(), "localhost");
    default:
      return false;
  }
}

// Why `uri` cannot be a web URI of a client (nullopt when it can). Plain http is allowed only
// on loopback, where RFC 8252 §7.3 native apps listen: elsewhere codes would cross the network
// in clear text.
std::optional<std::string> uri_problem(std::string_view uri, bool loopback_only_for_http) {
  if (uri.size() > kMaxUriLength)
    return "is longer than " + std::to_string(kMaxUriLength) + " characters";
  if (uri.find('#') != std::string_view::npos) return "must not have a fragment";
  auto url = boost::urls::parse_absolute_uri(uri);
  if (!url) return "is not an absolute URI";
  const auto scheme = url->scheme_id();
  if (scheme != boost::urls::scheme::https && scheme != boost::urls::scheme::http)
    return "must use https (or http on a loopback host)";
  if (!url->has_authority() || url->encoded_host().empty()) return "has no host";
  // https://trusted.example@evil.example/ reads as the first host to people and the second to
  // browsers: refuse user information outright.
  if (url->has_userinfo()) return "must not carry user information";
  if (scheme == boost::urls::scheme::http && loopback_only_for_http && !is_loopback(*url))
    return "may use http only on a loopback host (localhost, 127.0.0.1, [::1]); use https";
  return std::nullopt;
}

// The strings of the array `body[key]`; absent gives `fallback`.
core::Result<std::vector<std::string>, ClientMetadataError> string_array(
    const nlohmann::json& body, std::string_view key, std::vector<std::string> fallback,
    ClientMetadataError (*make_error)(std::string)) {
  auto it = body.find(key);
  if (it == body.end()) return fallback;
  if (!it->is_array()) return make_error(std::string(key) + " must be an array of strings.");
  std::vector<std::string> out;
  for (const auto& item : *it) {
    if (!item.is_string()) return make_error(std::string(key) + " must be an array of strings.");
    auto value = item.get<std::string>();
    if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(std::move(value));
  }
  return out;
}

}  // namespace

core::Result<nlohmann::json, ClientMetadataError> validate_client_metadata(
    const nlohmann::json& body) {
  if (!body.is_object()) return metadata_error("The client metadata must be a JSON object.");
  nlohmann::json out = nlohmann::json::object();

  if (!body.contains("redirect_uris"))
    return redirect_error("redirect_uris is required: this server offers only redirect flows.");
  TOOLAUTH_ASSIGN_OR_RETURN(auto redirect_uris,
                            string_array(body, "redirect_uris", {}, redirect_error));
  if (redirect_uris.empty()) return redirect_error("redirect_uris must not be empty.");
  if (redirect_uris.size() > kMaxRedirectUris) {
    return redirect_error("At most " + std::to_string(kMaxRedirectUris) +
                          " redirect_uris may be registered.");
  }
  for (const auto& uri : redirect_uris) {
    if (auto problem = uri_problem(uri, true))
      return redirect_error("The redirect URI '" + uri + "' " + *problem + ".");
  }
  out["redirect_uris"] = redirect_uris;

  std::string method(kAuthMethodSecretBasic);
  if (auto it = body.find("token_endpoint_auth_method"); it != body.end()) {
    if (!it->is_string()) return metadata_error("token_endpoint_auth_method must be a string.");
    method = it->get<std::string>();
    if (method != kAuthMethodNone && method != kAuthMethodSecretBasic &&
        method != kAuthMethodSecretPost) {
      return metadata_error(
          "token_endpoint_auth_method must be none, client_secret_basic or client_secret_post.");
    }
  }
  out["token_endpoint_auth_method"] = method;

  // Registration is open to anyone: the grants it hands out are only the ones a user must
  // approve in the browser. client_credentials would let a stranger mint app tokens.
  TOOLAUTH_ASSIGN_OR_RETURN(
      auto grant_types, string_array(body, "grant_types", {"authorization_code"}, metadata_error));
  for (const auto& grant : grant_types) {
    if (grant != "authorization_code" && grant != "refresh_token") {
      return metadata_error("The grant type '" + grant +
                            "' cannot be registered; use authorization_code and refresh_token.");
    }
  }
  if (std::find(grant_types.begin(), grant_types.end(), "authorization_code") ==
      grant_types.end()) {
    return metadata_error("grant_types must include authorization_code.");
  }
  out["grant_types"] = grant_types;

  TOOLAUTH_ASSIGN_OR_RETURN(auto response_types,
                            string_array(body, "response_types", {"code"}, metadata_error));
  if (response_types != std::vector<std::string>{"code"}) {
    return metadata_error(
        "response_types must be [\"code\"]: it goes with authorization_code (RFC 7591 §2.1), "
        "and the implicit flow is not offered.");
  }
  out["response_types"] = response_types;

  for (const char* key : {"client_name", "scope"}) {
    auto it = body.find(key);
    if (it == body.end()) continue;
    if (!it->is_string() || it->get_ref<const std::string&>().size() > kMaxTextLength) {
      return metadata_error(std::string(key) + " must be a string of at most " +
                            std::to_string(kMaxTextLength) + " characters.");
    }
    out[key] = *it;
  }
  for (const char* key : {"client_uri", "logo_uri"}) {
    auto it = body.find(key);
    if (it == body.end()) continue;
    if (!it->is_string()) return metadata_error(std::string(key) + " must be a string.");
    const auto& uri = it->get_ref<const std::string&>();
    if (auto problem = uri_problem(uri, false))
      return metadata_error(std::string(key) + " '" + uri + "' " + *problem + ".");
    out[key] = uri;
  }
  return out;
}

}  // namespace toolauth::idp
