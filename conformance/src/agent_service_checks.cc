#include "toolauth/conformance/agent_service_checks.h"

#include <algorithm>

#include "toolauth/http/headers.h"

namespace toolauth::conformance {

namespace {

std::string describe_entry(const nlohmann::json& entry) {
  return "#" + std::to_string(entry.value("seq", 0)) + " " + entry.value("http_method", "") +
         " mount " + entry.value("mount", "?") + " -> " + std::to_string(entry.value("status", 0));
}

bool has_header(const nlohmann::json& entry, const std::string& header) {
  const auto& headers = entry.contains("headers") ? entry["headers"] : nlohmann::json();
  if (!headers.is_object()) return false;
  for (const auto& [name, value] : headers.items()) {
    if (http::iequals(name, header)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> key_leaks(const nlohmann::json& mcp_entries, const std::string& own_mount,
                                   const std::string& header, const std::string& key) {
  std::vector<std::string> leaks;
  for (const auto& entry : mcp_entries) {
    if (entry.value("mount", "") == own_mount) continue;
    if (has_header(entry, header))
      leaks.push_back(describe_entry(entry) + " carried " + header);
    else if (!key.empty() && entry.dump().find(key) != std::string::npos)
      leaks.push_back(describe_entry(entry) + " carried the key value");
  }
  return leaks;
}

std::vector<std::size_t> secrets_in(const nlohmann::json& value,
                                    const std::vector<std::string>& secrets) {
  const auto text = value.dump();
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < secrets.size(); ++i) {
    if (!secrets[i].empty() && text.find(secrets[i]) != std::string::npos) found.push_back(i);
  }
  return found;
}

std::vector<std::string> key_header_problems(const nlohmann::json& mount_entries,
                                             const std::string& header) {
  std::vector<std::string> problems;
  for (const auto& entry : mount_entries) {
    if (!has_header(entry, header))
      problems.push_back(describe_entry(entry) + " without " + header);
    else if (entry.value("outcome", "") != "allowed")
      problems.push_back(describe_entry(entry) + " refused (" + entry.value("reason", "") + ")");
  }
  return problems;
}

std::vector<std::string> principal_values(const nlohmann::json& mcp_entries,
                                          const std::string& claim) {
  std::vector<std::string> values;
  for (const auto& entry : mcp_entries) {
    if (entry.value("outcome", "") != "allowed" || !entry.contains("principal")) continue;
    const auto value = entry["principal"].value(claim, std::string());
    if (!value.empty() && std::find(values.begin(), values.end(), value) == values.end())
      values.push_back(value);
  }
  return values;
}

std::vector<std::string> refusals(const nlohmann::json& mcp_entries) {
  std::vector<std::string> out;
  for (const auto& entry : mcp_entries) {
    if (entry.value("outcome", "") == "denied")
      out.push_back(describe_entry(entry) + " " + entry.value("reason", ""));
  }
  return out;
}

bool audience_matches(const nlohmann::json& aud, const std::string& audience,
                      const std::string& client_id, std::string_view token_version) {
  const bool v2 = token_version == "2.0";
  auto one = [&](const nlohmann::json& value) {
    return value.is_string() &&
           (value == audience || (v2 && !client_id.empty() && value == client_id));
  };
  if (aud.is_array()) return !aud.empty() && std::all_of(aud.begin(), aud.end(), one);
  return one(aud);
}

std::size_t managed_identity_token_requests(const nlohmann::json& idp_entries,
                                            const std::string& client_id) {
  std::size_t count = 0;
  for (const auto& e : idp_entries) {
    const auto kind = e.value("kind", "");
    if (kind == "managed_identity" && e.value("outcome", "") != "error") ++count;
    if (kind == "token" && e.value("client_id", "") == client_id &&
        e.value("outcome", "") == "issued")
      ++count;
  }
  return count;
}

std::string agent_identity_problem(const nlohmann::json& world, const std::string& oid,
                                   const std::string& idtyp) {
  if (oid.empty()) return "no oid";
  for (const auto& user : world.value("users", nlohmann::json::array())) {
    if (user.value("oid", "") == oid) return "the oid of user " + user.value("name", "");
  }
  for (const auto& identity : world.value("identities", nlohmann::json::array())) {
    if (identity.value("object_id", "") != oid) continue;
    if (identity.value("kind", "") != "agent-identity")
      return "the oid of " + identity.value("kind", "") + " " + identity.value("name", "");
    if (idtyp != "app") return "idtyp " + (idtyp.empty() ? "(none)" : idtyp) + ", not app";
    return {};
  }
  return "an oid of no agent identity of the world";
}

std::vector<std::string> missing_scopes(const nlohmann::json& scp,
                                        const std::vector<std::string>& wanted) {
  std::vector<std::string> missing;
  for (const auto& want : wanted) {
    // A scope is requested as <App ID URI>/<name>; tokens carry the name.
    const auto name = want.substr(want.rfind('/') + 1);
    bool found = false;
    if (scp.is_array()) {
      for (const auto& s : scp) found |= s.is_string() && s == name;
    }
    if (!found) missing.push_back(name);
  }
  return missing;
}

std::string join_or_none(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : "; ") + i;
  return out.empty() ? "(none)" : out;
}

}  // namespace toolauth::conformance
