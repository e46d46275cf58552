#include "toolauth/emulator/world.h"

#include <algorithm>
#include <set>

#include "toolauth/core/config.h"
#include "toolauth/emulator/templates.h"

namespace toolauth::emulator {

namespace {

std::string read_client_id(const core::ConfigNode& parent, std::string_view key,
                           std::string* secret = nullptr) {
  auto node = parent.object(key, /*optional=*/true);
  if (!node) return {};
  auto id = node->required<std::string>("client_id").value_or("");
  if (secret != nullptr) *secret = node->optional<std::string>("client_secret", "");
  return id;
}

Connection read_connection(const core::ConfigNode& node, const ArmScope& arm,
                           const std::string& project) {
  Connection c;
  c.project = project;
  c.name = node.required<std::string>("name").value_or("");
  c.id = arm.connection_id(project, c.name);
  const auto type_name = node.required<std::string>("auth_type").value_or("");
  if (auto type = parse_auth_type(type_name)) {
    c.auth_type = *type;
  } else if (!type_name.empty()) {
    node.problem("unknown auth type '" + type_name + "'", "auth_type");
  }
  c.target = node.required<std::string>("target").value_or("");
  c.audience = node.optional<std::string>("audience", "");
  c.metadata = node.optional<nlohmann::json>("metadata", nlohmann::json::object());
  for (const auto& [header, value] : node.members("keys")) {
    if (value.json().is_string()) {
      c.keys[header] = value.json().get<std::string>();
    } else {
      value.problem("expected a string");
    }
  }
  if (auto oauth = node.object("oauth2", /*optional=*/true)) {
    OAuth2Settings o;
    o.client_id = oauth->required<std::string>("client_id").value_or("");
    o.client_secret = oauth->optional<std::string>("client_secret", "");
    o.authorization_url = oauth->required<std::string>("authorization_url").value_or("");
    o.token_url = oauth->required<std::string>("token_url").value_or("");
    o.refresh_url = oauth->optional<std::string>("refresh_url", o.token_url);
    o.scopes = oauth->optional<std::vector<std::string>>("scopes", {});
    oauth->reject_unknown_keys();
    c.oauth2 = std::move(o);
  }
  node.reject_unknown_keys();
  if (auto valid = validate_connection(c); !valid.ok() && !c.name.empty())
    node.problem(valid.error().detail);
  return c;
}

FixtureAgent read_agent(const core::ConfigNode& node, const ProjectConfig& project) {
  FixtureAgent a;
  a.name = node.required<std::string>("name").value_or("");
  a.connection = node.required<std::string>("connection").value_or("");
  a.require_approval = node.optional<nlohmann::json>("require_approval", "always");
  if (node.has("allowed_tools"))
    a.allowed_tools = node.required<std::vector<std::string>>("allowed_tools");
  a.agent_identity_client_id = read_client_id(node, "agent_identity");
  node.reject_unknown_keys();
  const auto& connections = project.connections;
  auto connection = std::find_if(connections.begin(), connections.end(),
                                 [&](const Connection& c) { return c.name == a.connection; });
  if (!a.connection.empty() && connection == connections.end()) {
    node.problem("no connection '" + a.connection + "' in project " + project.name, "connection");
  } else if (connection != connections.end()) {
    // The same checks an agent created through the API gets.
    auto parsed = parse_mcp_tools(a.definition(*connection), [&](std::string_view name) {
      return name == connection->name ? std::optional<std::string>(connection->name) : std::nullopt;
    });
    if (!parsed.ok()) node.problem(parsed.error().detail);
  }
  return a;
}

}  // namespace

nlohmann::json FixtureAgent::definition(const Connection& connection) const {
  nlohmann::json tool = {{"type", "mcp"},
                         {"server_label", connection.name},
                         {"server_url", connection.target},
                         {"project_connection_id", connection.name},
                         {"require_approval", require_approval}};
  if (allowed_tools) tool["allowed_tools"] = *allowed_tools;
  return {{"kind", "prompt"},
          {"model", "toolauth-scripted"},
          {"instructions", "Fixture agent for the connection " + connection.name + "."},
          {"tools", nlohmann::json::array({tool})}};
}

ProjectIdentities ProjectConfig::identities_for(std::string_view agent) const {
  ProjectIdentities out = identities;
  for (const auto& fixture : agents) {
    if (fixture.name == agent && !fixture.agent_identity_client_id.empty())
      out.agent_identity_client_id = fixture.agent_identity_client_id;
  }
  return out;
}

std::string ProjectConfig::agent_identity_of(std::string_view agent) const {
  return identities_for(agent).agent_identity_client_id;
}

bool ProjectConfig::has_agent_identity(std::string_view client_id) const {
  if (client_id.empty()) return false;
  if (identities.agent_identity_client_id == client_id) return true;
  for (const auto& fixture : agents) {
    if (fixture.agent_identity_client_id == client_id) return true;
  }
  return false;
}

const ProjectConfig* EmulatorWorld::project(std::string_view name) const {
  for (const auto& p : projects) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const TenantConfig* EmulatorWorld::tenant_named(std::string_view name) const {
  for (const auto& t : tenants) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const TenantConfig* EmulatorWorld::tenant_by_id(std::string_view id) const {
  for (const auto& t : tenants) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

const TenantConfig* EmulatorWorld::tenant_by_issuer(std::string_view iss) const {
  for (const auto& t : tenants) {
    if (std::find(t.issuers.begin(), t.issuers.end(), iss) != t.issuers.end()) return &t;
  }
  return nullptr;
}

core::Result<EmulatorWorld> load_world(nlohmann::json document, const std::string& source,
                                       const std::map<std::string, std::string>& templates) {
  const auto unresolved = resolve_templates(document, templates);
  if (!unresolved.empty()) {
    std::string detail;
    for (const auto& u : unresolved) {
      core::ConfigProblem problem{source, u.path, "no value for the template {" + u.name + "}"};
      detail += (detail.empty() ? "" : "\n") + problem.to_string();
    }
    return core::Error{core::Errc::config_invalid, detail};
  }
  core::ConfigReader reader(document, source);
  auto root = reader.root();
  EmulatorWorld w;
  if (!document.is_object()) {
    root.problem("expected an object");
    return reader.result().error();
  }
  if (auto arm = root.object("arm")) {
    w.arm.subscription = arm->required<std::string>("subscription").value_or("");
    w.arm.resource_group = arm->required<std::string>("resource_group").value_or("");
    w.arm.account = arm->required<std::string>("account").value_or("");
    arm->reject_unknown_keys();
  }
  if (auto caller = root.object("caller")) {
    w.caller_audiences = caller->required<std::vector<std::string>>("audiences")
                             .value_or(std::vector<std::string>{});
    if (w.caller_audiences.empty() && caller->has("audiences"))
      caller->problem("at least one audience is required", "audiences");
    caller->reject_unknown_keys();
  }
  if (auto client = root.object("client")) {
    w.client.name = client->optional<std::string>("name", "");
    w.client.client_id = client->required<std::string>("client_id").value_or("");
    w.client.client_secret = client->optional<std::string>("client_secret", "");
    client->reject_unknown_keys();
  }
  for (const auto& node : root.array("tenants", /*required=*/true)) {
    TenantConfig t;
    t.name = node.required<std::string>("name").value_or("");
    t.id = node.required<std::string>("id").value_or("");
    t.issuers =
        node.required<std::vector<std::string>>("issuers").value_or(std::vector<std::string>{});
    t.jwks_url = node.required<std::string>("jwks_url").value_or("");
    node.reject_unknown_keys();
    if (w.tenant_named(t.name) != nullptr)
      node.problem("a tenant named " + t.name + " exists", "name");
    w.tenants.push_back(std::move(t));
  }
  std::set<std::string> project_names;
  for (const auto& node : root.array("projects", /*required=*/true)) {
    ProjectConfig p;
    p.name = node.required<std::string>("name").value_or("");
    if (!project_names.insert(p.name).second)
      node.problem("a project named " + p.name + " exists", "name");
    p.tenant = node.required<std::string>("tenant").value_or("");
    if (!p.tenant.empty() && w.tenant_named(p.tenant) == nullptr)
      node.problem("no tenant named " + p.tenant, "tenant");
    if (auto mi = node.object("managed_identity", /*optional=*/true)) {
      p.identities.managed_identity_client_id = mi->required<std::string>("client_id").value_or("");
      p.identities.managed_identity_object_id = mi->optional<std::string>("object_id", "");
      mi->reject_unknown_keys();
    }
    p.identities.blueprint_client_id =
        read_client_id(node, "agent_blueprint", &p.identities.blueprint_client_secret);
    p.identities.agent_identity_client_id = read_client_id(node, "agent_identity");
    std::set<std::string> names;
    for (const auto& c : node.array("connections")) {
      auto connection = read_connection(c, w.arm, p.name);
      if (!names.insert(connection.name).second)
        c.problem("a connection named " + connection.name + " exists", "name");
      p.connections.push_back(std::move(connection));
    }
    names.clear();
    for (const auto& a : node.array("agents")) {
      auto agent = read_agent(a, p);
      if (!names.insert(agent.name).second)
        a.problem("an agent named " + agent.name + " exists", "name");
      p.agents.push_back(std::move(agent));
    }
    node.reject_unknown_keys();
    w.projects.push_back(std::move(p));
  }
  root.reject_unknown_keys();
  TOOLAUTH_RETURN_IF_ERROR(reader.result());
  return w;
}

}  // namespace toolauth::emulator
