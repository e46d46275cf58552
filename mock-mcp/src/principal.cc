#include "toolauth/mcp/principal.h"

namespace toolauth::mcp {

std::string_view to_string(AuthKind kind) {
  switch (kind) {
    case AuthKind::none:
      return "none";
    case AuthKind::api_key:
      return "api-key";
    case AuthKind::bearer:
      return "bearer";
  }
  return "none";
}

std::string Principal::partition() const {
  switch (kind) {
    case AuthKind::none:
      return "anonymous";
    case AuthKind::api_key:
      return "key:" + key_id;
    case AuthKind::bearer:
      return "token:" + tid + ":" + (oid.empty() ? sub : oid);
  }
  return "anonymous";
}

nlohmann::json Principal::to_json() const {
  nlohmann::json out = {{"auth", to_string(kind)}};
  auto put = [&](const char* name, const std::string& value) {
    if (!value.empty()) out[name] = value;
  };
  put("key_id", key_id);
  put("iss", iss);
  put("sub", sub);
  put("oid", oid);
  put("tid", tid);
  put("name", name);
  put("preferred_username", preferred_username);
  put("appid", appid);
  put("azp", azp);
  put("idtyp", idtyp);
  put("ver", ver);
  put("jti_hash", jti_hash);
  if (!aud.empty())
    out["aud"] = aud.size() == 1 ? nlohmann::json(aud.front()) : nlohmann::json(aud);
  if (!scp.empty()) out["scp"] = scp;
  if (!roles.empty()) out["roles"] = roles;
  return out;
}

std::shared_ptr<const Principal> anonymous_principal() {
  static const auto anonymous = std::make_shared<const Principal>();
  return anonymous;
}

}  // namespace toolauth::mcp
