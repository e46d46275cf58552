#include "toolauth/oauth/token_response.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <regex>

#include "toolauth/core/json.h"
#include "toolauth/http/error.h"

namespace toolauth::oauth {
namespace {

std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

// A lifetime as a number or a numeric string, within ±kLongestTokenLifetime; nullopt for
// anything else.
std::optional<std::chrono::seconds> seconds_member(const nlohmann::json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  constexpr auto kLongest = kLongestTokenLifetime.count();
  auto bounded = [](long long value) {
    return std::chrono::seconds(std::clamp<long long>(value, -kLongest, kLongest));
  };
  if (it->is_number_unsigned()) {
    return bounded(static_cast<long long>(
        std::min<std::uint64_t>(it->get<std::uint64_t>(), static_cast<std::uint64_t>(kLongest))));
  }
  if (it->is_number_integer()) return bounded(it->get<long long>());
  if (it->is_number_float()) {
    const double value = it->get<double>();
    if (std::isnan(value)) return std::nullopt;
    // Clamped as a double first: converting one out of range is undefined.
    return bounded(static_cast<long long>(std::clamp(value, -1.0 * kLongest, 1.0 * kLongest)));
  }
  if (it->is_string()) {
    if (auto value = parse_integer(it->get_ref<const std::string&>())) return bounded(*value);
  }
  return std::nullopt;
}

std::string string_member(const nlohmann::json& body, const char* name) {
  const auto it = body.find(name);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

long aadsts_in(std::string_view description) {
  static const std::regex kCode("AADSTS([0-9]+)");
  std::cmatch match;
  if (!std::regex_search(description.data(), description.data() + description.size(), match,
                         kCode)) {
    return 0;
  }
  return static_cast<long>(parse_integer(match[1].str()).value_or(0));
}

TokenFailure classify(int status, const std::string& error, const std::string& suberror) {
  if (status == 429 || status >= 500 || error == "temporarily_unavailable" ||
      error == "server_error") {
    return TokenFailure::transient;
  }
  if (error == "invalid_grant") return TokenFailure::invalid_grant;
  if (error == "interaction_required" || error == "consent_required" || error == "login_required" ||
      suberror == "consent_required" || suberror == "bad_token") {
    return TokenFailure::interaction_required;
  }
  return TokenFailure::rejected;
}

TokenError error_from(const http::ClientResponse& response, const nlohmann::json& body) {
  TokenError e;
  e.http_status = response.status;
  e.retry_after = parse_retry_after(response.headers);
  if (body.is_object()) {
    e.error = string_member(body, "error");
    e.error_description = string_member(body, "error_description");
    e.suberror = string_member(body, "suberror");
    e.correlation_id = string_member(body, "correlation_id");
    e.trace_id = string_member(body, "trace_id");
    if (auto codes = body.find("error_codes"); codes != body.end() && codes->is_array()) {
      for (const auto& code : *codes) {
        if (code.is_number_integer()) e.error_codes.push_back(code.get<long>());
      }
    }
  }
  e.aadsts = !e.error_codes.empty() ? e.error_codes.front() : aadsts_in(e.error_description);
  e.failure = classify(e.http_status, e.error, e.suberror);
  return e;
}

}  // namespace

std::string_view to_string(TokenFailure failure) {
  switch (failure) {
    case TokenFailure::invalid_grant:
      return "invalid_grant";
    case TokenFailure::interaction_required:
      return "interaction_required";
    case TokenFailure::transient:
      return "transient";
    case TokenFailure::rejected:
      return "rejected";
    case TokenFailure::malformed_response:
      return "malformed_response";
    case TokenFailure::bad_request:
      return "bad_request";
  }
  return "unknown";
}

std::string TokenError::summary() const {
  std::string out = error.empty() ? std::string(to_string(failure)) : error;
  if (aadsts != 0) out += " AADSTS" + std::to_string(aadsts);
  if (!suberror.empty()) out += " (" + suberror + ")";
  if (http_status != 0) {
    out += " (HTTP " + std::to_string(http_status) + ")";
  } else if (transport) {
    out += " (" + transport.message() + ")";
  }
  if (retry_after) out += " retry after " + std::to_string(retry_after->count()) + "s";
  return out;
}

bool TokenError::outcome_unknown() const {
  if (failure == TokenFailure::malformed_response) return http_status >= 200 && http_status < 300;
  if (failure != TokenFailure::transient || http_status != 0) return false;
  // Failures before a byte of the request went out leave the grant unused.
  return transport != http::Errc::connect_failed && transport != http::Errc::tls_failed &&
         transport != http::Errc::invalid_url && transport != http::Errc::unsupported_scheme;
}

std::optional<std::chrono::seconds> parse_retry_after(const http::Headers& headers) {
  const auto value = headers.get("retry-after");
  if (!value) return std::nullopt;
  auto seconds = parse_integer(*value);
  if (!seconds || *seconds < 0) return std::nullopt;
  return std::chrono::seconds(*seconds);
}

TokenResult parse_token_response(const http::ClientResponse& response,
                                 core::Clock::time_point received_at) {
  auto parsed = core::parse_json(response.body);
  const nlohmann::json body = parsed.ok() ? std::move(*parsed) : nlohmann::json();
  const bool success_status = response.status >= 200 && response.status < 300;
  if (!success_status || (body.is_object() && body.contains("error"))) {
    return error_from(response, body);
  }
  TokenError malformed;
  malformed.failure = TokenFailure::malformed_response;
  malformed.http_status = response.status;
  if (!body.is_object()) {
    malformed.error_description = "the token response is not a JSON object";
    return malformed;
  }
  TokenResponse token;
  token.access_token = string_member(body, "access_token");
  if (token.access_token.empty()) {
    malformed.error_description = "the token response has no access_token";
    return malformed;
  }
  token.token_type = string_member(body, "token_type");
  token.refresh_token = string_member(body, "refresh_token");
  token.id_token = string_member(body, "id_token");
  token.scope = string_member(body, "scope");
  token.expires_in = std::max(std::chrono::seconds(0),
                              seconds_member(body, "expires_in").value_or(std::chrono::seconds(0)));
  token.ext_expires_in = seconds_member(body, "ext_expires_in");
  token.received_at = received_at;
  return token;
}

TokenError transport_failure(const core::Error& error) {
  TokenError e;
  e.failure = TokenFailure::transient;
  e.transport = error.code;
  e.error_description = error.message();
  return e;
}

TokenError bad_request(std::string description) {
  TokenError e;
  e.failure = TokenFailure::bad_request;
  e.error = "invalid_request";
  e.error_description = std::move(description);
  return e;
}

}  // namespace toolauth::oauth
