#include "toolauth/conformance/agent_service_refresh_checks.h"

#include <map>
#include <set>

namespace toolauth::conformance {

nlohmann::json token_grants(const nlohmann::json& idp_entries, std::string_view grant_type,
                            std::string_view client_id) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : idp_entries) {
    if (e.value("kind", "") == "token" && e.value("grant_type", "") == grant_type &&
        e.value("client_id", "") == client_id)
      out.push_back(e);
  }
  return out;
}

std::size_t issued_count(const nlohmann::json& grants) {
  std::size_t n = 0;
  for (const auto& g : grants) n += g.value("outcome", "") == "issued" ? 1 : 0;
  return n;
}

std::vector<std::string> refresh_rotation_problems(const nlohmann::json& idp_entries,
                                                   std::string_view client_id) {
  struct Family {
    std::string latest;  // the refresh token its newest grant issued ("" unknown)
    std::map<std::string, std::int64_t> presented;  // token hash -> seq of its first use
  };
  std::map<std::string, Family> families;
  std::vector<std::string> problems;
  for (const auto& e : idp_entries) {
    if (e.value("kind", "") != "token" || e.value("client_id", "") != client_id) continue;
    const auto family_hash = e.value("family", "");
    if (family_hash.empty()) continue;
    auto& family = families[family_hash];
    const auto seq = e.value("seq", std::int64_t{0});
    const auto at = "refresh #" + std::to_string(seq) + " (family " + family_hash + ")";
    if (e.value("grant_type", "") == "refresh_token") {
      const auto use = e.value("use", "");
      if (e.value("reuse_detected", false))
        problems.push_back(at + ": mock-idp detected the reuse of a rotated refresh token");
      if (auto earlier = family.presented.find(use); earlier != family.presented.end()) {
        problems.push_back(at + ": presented refresh token " + use + " again (first at #" +
                           std::to_string(earlier->second) + ")");
      } else if (!family.latest.empty() && use != family.latest) {
        problems.push_back(at + ": presented " + use + ", not the family's latest " +
                           family.latest);
      }
      family.presented.emplace(use, seq);
    }
    if (e.value("outcome", "") == "issued" && e.contains("refresh_issued"))
      family.latest = e.value("refresh_issued", "");
  }
  return problems;
}

}  // namespace toolauth::conformance
