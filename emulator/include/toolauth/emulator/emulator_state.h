#pragma once
// The emulator's durable state in the shared StateStore (SQLite; ":memory:" in tests):
// connections, agents with their versions, responses and conversations, as documents
//   connections    "<project>/<name>"   Connection::to_state()
//   agents         "<project>/<name>"   Agent::to_state()
//   responses      "<id>"               StoredResponse
//   conversations  "<id>"               StoredConversation
//   toolboxes      "<project>/<name>"   Toolbox::to_state()
//   emulator       "seeded"             set once the fixtures went in
// Every write is committed before it returns, so a restart loses nothing.
//
// Thread safety: the server's io_context thread only (as the StateStore).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/result.h"
#include "toolauth/emulator/agent.h"
#include "toolauth/emulator/connection.h"
#include "toolauth/emulator/toolbox.h"
#include "toolauth/emulator/world.h"
#include "toolauth/service/state_store.h"

namespace toolauth::emulator {

// The user a response or conversation belongs to: nobody else may read it.
struct Owner {
  std::string tid;
  std::string oid;
  bool operator==(const Owner&) const = default;
};

struct StoredResponse {
  std::string id;
  std::string project;
  Owner owner;
  nlohmann::json response = nlohmann::json::object();  // the API object
  // What a continuation needs and the API object does not show (agent version, input).
  nlohmann::json context = nlohmann::json::object();
};

struct StoredConversation {
  std::string id;
  std::string project;
  Owner owner;
  std::int64_t created_at = 0;
  nlohmann::json metadata = nlohmann::json::object();
  nlohmann::json items = nlohmann::json::array();
  std::string last_response_id;

  // {"id", "object": "conversation", "created_at", "metadata"}
  nlohmann::json to_api() const;
};

class EmulatorState {
 public:
  explicit EmulatorState(service::StateStore& store) : store_(&store) {}

  // Whether the fixtures were ever seeded into this store.
  core::Result<bool> seeded() const;
  // Back to the fixtures: every connection, agent, response, conversation and toolbox is
  // replaced.
  core::Result<void> seed(const EmulatorWorld& world, std::int64_t now);

  core::Result<std::vector<Connection>> connections(std::string_view project) const;
  // By name, or by ARM id.
  core::Result<std::optional<Connection>> connection(std::string_view project,
                                                     std::string_view name_or_id) const;
  core::Result<void> put_connection(const Connection& connection);
  core::Result<bool> erase_connection(std::string_view project, std::string_view name);

  core::Result<std::vector<Agent>> agents(std::string_view project) const;
  core::Result<std::optional<Agent>> agent(std::string_view project, std::string_view name) const;
  core::Result<void> put_agent(std::string_view project, const Agent& agent);
  core::Result<bool> erase_agent(std::string_view project, std::string_view name);

  core::Result<std::vector<Toolbox>> toolboxes(std::string_view project) const;
  core::Result<std::optional<Toolbox>> toolbox(std::string_view project,
                                               std::string_view name) const;
  core::Result<void> put_toolbox(std::string_view project, const Toolbox& toolbox);
  core::Result<bool> erase_toolbox(std::string_view project, std::string_view name);

  core::Result<void> put_response(const StoredResponse& response);
  core::Result<std::optional<StoredResponse>> response(std::string_view id) const;

  core::Result<void> put_conversation(const StoredConversation& conversation);
  core::Result<std::optional<StoredConversation>> conversation(std::string_view id) const;
  core::Result<bool> erase_conversation(std::string_view id);

  service::StateStore& store() { return *store_; }

 private:
  service::StateStore* store_;
};

}  // namespace toolauth::emulator
