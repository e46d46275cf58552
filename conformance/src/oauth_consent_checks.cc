#include "toolauth/conformance/oauth_consent_checks.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "toolauth/conformance/agent_service_context.h"
#include "toolauth/jose/hash.h"
#include "toolauth/jose/jwt.h"

namespace toolauth::conformance {

namespace {

bool token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~' || c == '+' || c == '/' || c == '=';
}

// Every string in `value` (keys too), as it is (no JSON escaping in the way).
void strings_of(const nlohmann::json& value, std::vector<std::string>& out) {
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
  } else if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      out.push_back(key);
      strings_of(member, out);
    }
  } else if (value.is_array()) {
    for (const auto& item : value) strings_of(item, out);
  }
}

// The runs of token characters in `text` long enough to be a token.
std::vector<std::string> candidates(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && token_char(text[i])) continue;
    if (i - start >= 20) out.push_back(text.substr(start, i - start));
    start = i + 1;
  }
  return out;
}

std::string text_of(const nlohmann::json& entry, const char* field) {
  return entry.contains(field) && entry[field].is_string() ? entry[field].get<std::string>()
                                                           : std::string();
}

}  // namespace

nlohmann::json authorize_requests(const nlohmann::json& idp_entries, const std::string& client_id) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : idp_entries) {
    if (e.value("kind", "") == "authorize" && e.value("step", "") == "request" &&
        e.value("client_id", "") == client_id)
      out.push_back(e);
  }
  return out;
}

std::vector<std::string> authorize_request_problems(const nlohmann::json& entry,
                                                    const std::string& client_id,
                                                    const std::vector<std::string>& redirect_uris,
                                                    const std::vector<std::string>& scopes) {
  std::vector<std::string> problems;
  if (entry.value("client_id", "") != client_id)
    problems.push_back("client_id " + entry.value("client_id", "(none)") + " is not " + client_id);
  const auto redirect = entry.value("redirect_uri", "");
  if (std::find(redirect_uris.begin(), redirect_uris.end(), redirect) == redirect_uris.end())
    problems.push_back("redirect_uri " + (redirect.empty() ? "(none)" : redirect) +
                       " is not one the IUT registered");
  const auto method = entry.value("code_challenge_method", "");
  if (method != "S256")
    problems.push_back("code_challenge_method " + (method.empty() ? "(none)" : method) +
                       ", not S256");
  if (!entry.value("state_present", false)) problems.push_back("no state");
  std::set<std::string> asked;
  std::istringstream words(entry.value("scope", ""));
  for (std::string word; words >> word;) asked.insert(word);
  for (const auto& scope : scopes) {
    if (!asked.contains(scope)) problems.push_back("scope " + scope + " not asked for");
  }
  return problems;
}

std::size_t code_redemptions(const nlohmann::json& idp_entries, const std::string& client_id) {
  return static_cast<std::size_t>(
      std::count_if(idp_entries.begin(), idp_entries.end(), [&](const nlohmann::json& e) {
        return e.value("kind", "") == "token" &&
               e.value("grant_type", "") == "authorization_code" &&
               e.value("client_id", "") == client_id;
      }));
}

std::vector<std::string> issued_tokens_in(const nlohmann::json& value,
                                          const nlohmann::json& idp_token_entries,
                                          const std::string& idp_url) {
  std::set<std::string> utis, hashes;
  for (const auto& e : idp_token_entries) {
    if (auto uti = text_of(e, "uti"); !uti.empty()) utis.insert(uti);
    for (const auto* field : {"rt_hash", "refresh_issued", "code_hash"}) {
      if (auto hash = text_of(e, field); !hash.empty()) hashes.insert(hash);
    }
  }
  std::vector<std::string> strings;
  strings_of(value, strings);
  std::vector<std::string> found;
  auto note = [&found](std::string what) {
    if (std::find(found.begin(), found.end(), what) == found.end()) found.push_back(what);
  };
  for (const auto& text : strings) {
    for (const auto& candidate : candidates(text)) {
      if (std::count(candidate.begin(), candidate.end(), '.') == 2) {
        if (auto jwt = jose::decode_jwt(candidate); jwt.ok()) {
          const auto& claims = jwt->payload;
          const auto iss = text_of(claims, "iss");
          const auto uti = text_of(claims, "uti");
          if ((!idp_url.empty() && iss.starts_with(idp_url + "/")) || utis.contains(uti)) {
            note("a token mock-idp issued (uti " + (uti.empty() ? "(none)" : uti) + ", aud " +
                 claims.value("aud", nlohmann::json()).dump() + ")");
            continue;
          }
        }
      }
      if (const auto hash = jose::short_hash(candidate); hashes.contains(hash))
        note("a refresh token or code mock-idp issued (hash " + hash + ")");
    }
  }
  return found;
}

std::string refusal_problem(const DriverAnswer& answer) {
  const auto* error = std::get_if<ToolError>(&answer);
  if (error == nullptr) return describe(answer);
  if (error->status != 0)
    return error->status == 401 || error->status == 403
               ? std::string()
               : "HTTP " + std::to_string(error->status) + " " + describe(answer);
  return error->code == "tool_failed" ? "a failed tool call, not a refusal: " + describe(answer)
                                      : std::string();
}

std::string failed_call_problem(const DriverAnswer& answer) {
  const auto* error = std::get_if<ToolError>(&answer);
  if (error == nullptr) return describe(answer);
  if (error->status >= 500 || error->code == "server_error")
    return "the IUT failed (HTTP " + std::to_string(error->status) + ") " + describe(answer);
  return {};
}

}  // namespace toolauth::conformance
