#include "toolauth/emulator/emulator_state.h"

namespace toolauth::emulator {

namespace {

constexpr std::string_view kConnections = "connections";
constexpr std::string_view kAgents = "agents";
constexpr std::string_view kResponses = "responses";
constexpr std::string_view kConversations = "conversations";
constexpr std::string_view kToolboxes = "toolboxes";
constexpr std::string_view kMeta = "emulator";

std::string key(std::string_view project, std::string_view name) {
  return std::string(project) + "/" + std::string(name);
}

nlohmann::json owner_json(const Owner& o) { return {{"tid", o.tid}, {"oid", o.oid}}; }

Owner owner_from(const nlohmann::json& j) {
  return {j.value("tid", std::string()), j.value("oid", std::string())};
}

core::Error malformed(std::string_view what, const std::exception& e) {
  return core::Error{core::Errc::parse_error, "stored " + std::string(what) + ": " + e.what()};
}

}  // namespace

nlohmann::json StoredConversation::to_api() const {
  return {
      {"id", id}, {"object", "conversation"}, {"created_at", created_at}, {"metadata", metadata}};
}

core::Result<bool> EmulatorState::seeded() const {
  TOOLAUTH_ASSIGN_OR_RETURN(auto marker, store_->get(kMeta, "seeded"));
  return marker.has_value();
}

core::Result<void> EmulatorState::seed(const EmulatorWorld& world, std::int64_t now) {
  return store_->transaction([&]() -> core::Result<void> {
    for (auto collection : {kConnections, kAgents, kResponses, kConversations, kToolboxes})
      TOOLAUTH_RETURN_IF_ERROR(store_->clear(collection));
    for (const auto& project : world.projects) {
      for (const auto& connection : project.connections)
        TOOLAUTH_RETURN_IF_ERROR(put_connection(connection));
      for (const auto& fixture : project.agents) {
        const Connection* connection = nullptr;
        for (const auto& c : project.connections) {
          if (c.name == fixture.connection) connection = &c;
        }
        if (connection == nullptr) continue;  // load_world refuses such fixtures
        AgentVersion version;
        version.name = fixture.name;
        version.version = 1;
        version.created_at = now;
        version.definition = fixture.definition(*connection);
        if (!fixture.agent_identity_client_id.empty())
          version.metadata["agent_identity_client_id"] = fixture.agent_identity_client_id;
        TOOLAUTH_RETURN_IF_ERROR(put_agent(project.name, Agent{fixture.name, {version}}));
      }
    }
    return store_->put(kMeta, "seeded", {{"at", now}});
  });
}

core::Result<std::vector<Connection>> EmulatorState::connections(std::string_view project) const {
  TOOLAUTH_ASSIGN_OR_RETURN(auto documents, store_->list(kConnections));
  std::vector<Connection> out;
  const auto prefix = std::string(project) + "/";
  for (const auto& [k, document] : documents) {
    if (!k.starts_with(prefix)) continue;
    TOOLAUTH_ASSIGN_OR_RETURN(auto connection, Connection::from_state(document));
    out.push_back(std::move(connection));
  }
  return out;
}

core::Result<std::optional<Connection>> EmulatorState::connection(
    std::string_view project, std::string_view name_or_id) const {
  if (name_or_id.starts_with("/")) {
    TOOLAUTH_ASSIGN_OR_RETURN(auto all, connections(project));
    for (auto& c : all) {
      // ARM ids compare case-insensitively in Azure; the emulator's are lower-case paths.
      if (c.id == name_or_id) return std::optional<Connection>(std::move(c));
    }
    return std::optional<Connection>();
  }
  TOOLAUTH_ASSIGN_OR_RETURN(auto document, store_->get(kConnections, key(project, name_or_id)));
  if (!document) return std::optional<Connection>();
  TOOLAUTH_ASSIGN_OR_RETURN(auto c, Connection::from_state(*document));
  return std::optional<Connection>(std::move(c));
}

core::Result<void> EmulatorState::put_connection(const Connection& connection) {
  return store_->put(kConnections, key(connection.project, connection.name), connection.to_state());
}

core::Result<bool> EmulatorState::erase_connection(std::string_view project,
                                                   std::string_view name) {
  return store_->erase(kConnections, key(project, name));
}

core::Result<std::vector<Agent>> EmulatorState::agents(std::string_view project) const {
  TOOLAUTH_ASSIGN_OR_RETURN(auto documents, store_->list(kAgents));
  std::vector<Agent> out;
  const auto prefix = std::string(project) + "/";
  for (const auto& [k, document] : documents) {
    if (!k.starts_with(prefix)) continue;
    TOOLAUTH_ASSIGN_OR_RETURN(auto agent, Agent::from_state(document));
    out.push_back(std::move(agent));
  }
  return out;
}

core::Result<std::optional<Agent>> EmulatorState::agent(std::string_view project,
                                                        std::string_view name) const {
  TOOLAUTH_ASSIGN_OR_RETURN(auto document, store_->get(kAgents, key(project, name)));
  if (!document) return std::optional<Agent>();
  TOOLAUTH_ASSIGN_OR_RETURN(auto agent, Agent::from_state(*document));
  return std::optional<Agent>(std::move(agent));
}

core::Result<void> EmulatorState::put_agent(std::string_view project, const Agent& agent) {
  return store_->put(kAgents, key(project, agent.name), agent.to_state());
}

core::Result<bool> EmulatorState::erase_agent(std::string_view project, std::string_view name) {
  return store_->erase(kAgents, key(project, name));
}

core::Result<std::vector<Toolbox>> EmulatorState::toolboxes(std::string_view project) const {
  TOOLAUTH_ASSIGN_OR_RETURN(auto documents, store_->list(kToolboxes));
  std::vector<Toolbox> out;
  const auto prefix = std::string(project) + "/";
  for (const auto& [k, document] : documents) {
    if (!k.starts_with(prefix)) continue;
    TOOLAUTH_ASSIGN_OR_RETURN(auto toolbox, Toolbox::from_state(document));
    out.push_back(std::move(toolbox));
  }
  return out;
}

core::Result<std::optional<Toolbox>> EmulatorState::toolbox(std::string_view project,
                                                            std::string_view name) const {
  TOOLAUTH_ASSIGN_OR_RETURN(auto document, store_->get(kToolboxes, key(project, name)));
  if (!document) return std::optional<Toolbox>();
  TOOLAUTH_ASSIGN_OR_RETURN(auto toolbox, Toolbox::from_state(*document));
  return std::optional<Toolbox>(std::move(toolbox));
}

core::Result<void> EmulatorState::put_toolbox(std::string_view project, const Toolbox& toolbox) {
  return store_->put(kToolboxes, key(project, toolbox.name), toolbox.to_state());
}

core::Result<bool> EmulatorState::erase_toolbox(std::string_view project, std::string_view name) {
  return store_->erase(kToolboxes, key(project, name));
}

core::Result<void> EmulatorState::put_response(const StoredResponse& r) {
  return store_->put(kResponses, r.id,
                     {{"id", r.id},
                      {"project", r.project},
                      {"owner", owner_json(r.owner)},
                      {"response", r.response},
                      {"context", r.context}});
}

core::Result<std::optional<StoredResponse>> EmulatorState::response(std::string_view id) const {
  TOOLAUTH_ASSIGN_OR_RETURN(auto document, store_->get(kResponses, id));
  if (!document) return std::optional<StoredResponse>();
  try {
    StoredResponse r;
    r.id = document->at("id").get<std::string>();
    r.project = document->at("project").get<std::string>();
    r.owner = owner_from(document->at("owner"));
    r.response = document->at("response");
    r.context = document->at("context");
    return std::optional<StoredResponse>(std::move(r));
  } catch (const std::exception& e) {
    return malformed("response", e);
  }
}

core::Result<void> EmulatorState::put_conversation(const StoredConversation& c) {
  return store_->put(kConversations, c.id,
                     {{"id", c.id},
                      {"project", c.project},
                      {"owner", owner_json(c.owner)},
                      {"created_at", c.created_at},
                      {"metadata", c.metadata},
                      {"items", c.items},
                      {"last_response_id", c.last_response_id}});
}

core::Result<std::optional<StoredConversation>> EmulatorState::conversation(
    std::string_view id) const {
  TOOLAUTH_ASSIGN_OR_RETURN(auto document, store_->get(kConversations, id));
  if (!document) return std::optional<StoredConversation>();
  try {
    StoredConversation c;
    c.id = document->at("id").get<std::string>();
    c.project = document->at("project").get<std::string>();
    c.owner = owner_from(document->at("owner"));
    c.created_at = document->at("created_at").get<std::int64_t>();
    c.metadata = document->at("metadata");
    c.items = document->at("items");
    c.last_response_id = document->at("last_response_id").get<std::string>();
    return std::optional<StoredConversation>(std::move(c));
  } catch (const std::exception& e) {
    return malformed("conversation", e);
  }
}

core::Result<bool> EmulatorState::erase_conversation(std::string_view id) {
  return store_->erase(kConversations, id);
}

}  // namespace toolauth::emulator
