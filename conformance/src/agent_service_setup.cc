#include "toolauth/conformance/agent_service_setup.h"

#include "toolauth/core/error.h"

namespace toolauth::conformance {

namespace {

core::Error missing(const std::string& what) {
  return core::Error{core::make_error_code(core::Errc::not_found), "the world lacks " + what};
}

// The world as the IUT may see it: no passwords, no client secrets but the connection
// client's (the IUT needs it to redeem codes).
nlohmann::json public_world(const nlohmann::json& world) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto* section : {"tenants", "resources", "identities"})
    out[section] = world.value(section, nlohmann::json::array());
  out["users"] = nlohmann::json::array();
  for (auto user : world.value("users", nlohmann::json::array())) {
    user.erase("password");
    out["users"].push_back(std::move(user));
  }
  out["clients"] = nlohmann::json::array();
  for (auto client : world.value("clients", nlohmann::json::array())) {
    if (client.value("name", "") != kConnectorClient) client.erase("client_secret");
    out["clients"].push_back(std::move(client));
  }
  for (auto& identity : out["identities"]) identity.erase("client_secret");
  return out;
}

}  // namespace

core::Result<nlohmann::json> agent_service_setup(const Environment& env) {
  const auto& world = env.world();
  const auto* tenant = find_named(world, "tenants", kToolTenant);
  const auto* resource = find_named(world, "resources", kToolResource);
  const auto* connector = find_named(world, "clients", kConnectorClient);
  const auto* api_key = find_named(world, "mounts", "api-key");
  const auto* functions = find_named(world, "mounts", "functions");
  const auto* open = find_named(world, "mounts", "open");
  const auto* bearer = find_named(world, "mounts", "bearer");
  if (tenant == nullptr || resource == nullptr || connector == nullptr)
    return missing("the tenant contoso, the resource mcp-api or the client connector");
  if (api_key == nullptr || functions == nullptr || open == nullptr || bearer == nullptr)
    return missing("a mock-mcp mount (open, api-key, functions, bearer)");

  const auto audience = resource->value("app_id_uri", std::string());
  const auto scope = [&](std::string_view name) { return audience + "/" + std::string(name); };
  const auto authority = env.idp_url() + "/" + tenant->value("id", std::string()) + "/oauth2/v2.0";
  const auto key_connection = [](std::string name, const nlohmann::json& mount) {
    return nlohmann::json{
        {"name", std::move(name)},
        {"project", kProjectAlpha},
        {"auth_type", "CustomKeys"},
        {"target", mount.value("url", "")},
        {"credentials", {{"keys", {{mount.value("header", ""), mount.value("key", "")}}}}}};
  };
  const auto oauth_connection = [&](std::string_view project, std::string name,
                                    nlohmann::json scopes) {
    nlohmann::json c = {{"name", std::move(name)},
                        {"project", project},
                        {"auth_type", "OAuth2"},
                        {"target", bearer->value("url", "")},
                        {"client_id", connector->value("client_id", "")},
                        {"authorization_url", authority + "/authorize"},
                        {"token_url", authority + "/token"},
                        {"refresh_url", authority + "/token"},
                        {"scopes", std::move(scopes)}};
    if (connector->contains("client_secret")) c["client_secret"] = (*connector)["client_secret"];
    return c;
  };
  const auto bearer_connection = [&](std::string name, std::string auth_type) {
    return nlohmann::json{{"name", std::move(name)},
                          {"project", kProjectAlpha},
                          {"auth_type", std::move(auth_type)},
                          {"target", bearer->value("url", "")},
                          {"audience", audience}};
  };

  nlohmann::json connections = nlohmann::json::array();
  connections.push_back(key_connection("api-key", *api_key));
  connections.push_back(key_connection("functions-key", *functions));
  connections.push_back({{"name", "open"},
                         {"project", kProjectAlpha},
                         {"auth_type", "None"},
                         {"target", open->value("url", "")}});
  connections.push_back(bearer_connection("project-mi", "ProjectManagedIdentity"));
  connections.push_back(bearer_connection("agent-identity", "AgenticIdentityToken"));
  connections.push_back(
      oauth_connection(kProjectAlpha, "oauth-invoke", {scope("Tools.Invoke"), "offline_access"}));
  connections.push_back(oauth_connection(
      kProjectAlpha, "oauth-read", {scope("Tools.Read"), scope("Tools.Invoke"), "offline_access"}));
  connections.push_back(
      oauth_connection(kProjectBeta, "oauth-invoke", {scope("Tools.Invoke"), "offline_access"}));
  auto user_entra = bearer_connection("user-entra", "UserEntraToken");
  user_entra["scopes"] = {scope("Tools.Invoke")};
  connections.push_back(std::move(user_entra));

  nlohmann::json agents = nlohmann::json::array();
  for (const auto& c : connections) {
    agents.push_back({{"name", c["name"].get<std::string>() + "-agent"},
                      {"project", c["project"]},
                      {"connection", c["name"]},
                      {"require_approval", "never"}});
  }
  agents.push_back({{"name", kSecondAgentIdentityAgent},
                    {"project", kProjectAlpha},
                    {"connection", "agent-identity"},
                    {"require_approval", "never"}});
  agents.push_back({{"name", kApprovalAgent},
                    {"project", kProjectAlpha},
                    {"connection", "open"},
                    {"require_approval", "always"}});
  agents.push_back({{"name", kOAuthApprovalAgent},
                    {"project", kProjectAlpha},
                    {"connection", "oauth-invoke"},
                    {"require_approval", "always"}});

  // The platform's own tenant: its projects live there, callers of another tenant are refused.
  const nlohmann::json home = {{"name", tenant->value("name", std::string())},
                               {"id", tenant->value("id", std::string())},
                               {"issuer", tenant->value("issuer", std::string())}};
  return nlohmann::json{{"profile", kAgentServiceProfile},
                        {"world", public_world(world)},
                        {"tenant", home},
                        {"ca_file", env.ca_file()},
                        {"idp", {{"url", env.idp_url()}}},
                        {"mcp", {{"url", env.mcp_url()}}},
                        {"connections", std::move(connections)},
                        {"agents", std::move(agents)}};
}

const nlohmann::json* setup_connection(const nlohmann::json& setup, std::string_view project,
                                       std::string_view name) {
  if (!setup.is_object() || !setup.contains("connections")) return nullptr;
  for (const auto& c : setup["connections"]) {
    if (c.value("project", "") == project && c.value("name", "") == name) return &c;
  }
  return nullptr;
}

std::string setup_agent_for(const nlohmann::json& setup, std::string_view project,
                            std::string_view connection) {
  if (!setup.is_object() || !setup.contains("agents")) return {};
  for (const auto& a : setup["agents"]) {
    if (a.value("project", "") == project && a.value("connection", "") == connection &&
        a.value("require_approval", "") == "never")
      return a.value("name", "");
  }
  return {};
}

}  // namespace toolauth::conformance
