#pragma once
// What a mount offers: tools, resources, resource templates and prompts, and the context a
// tool runs in (who called, which session, how to report progress and logs, how to ask the
// client something). The catalogs themselves are in default_tools.h and conformance_catalog.h.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/core/result.h"
#include "toolauth/jsonrpc/error_codes.h"
#include "toolauth/mcp/principal.h"
#include "toolauth/mcp/session.h"

namespace toolauth::mcp {

class NotesStore;

struct ToolOutput {
  nlohmann::json content = nlohmann::json::array();
  std::optional<nlohmann::json> structured;
  bool is_error = false;

  static ToolOutput text(std::string text);
  nlohmann::json to_json() const&;
  nlohmann::json to_json() &&;  // moves the content in rather than copying it
};

using ToolResult = core::Result<ToolOutput, jsonrpc::RpcError>;

// The running call of one request, handed to tools and prompt/resource readers.
class ToolContext {
 public:
  // `emit` sends a JSON-RPC message on the request's SSE stream; it is null when the request is
  // answered with plain JSON, and then progress and logs are dropped and client requests fail.
  ToolContext(const Principal& principal, Session& session, const core::Clock& clock,
              NotesStore& notes, std::function<void(nlohmann::json)> emit,
              std::optional<nlohmann::json> progress_token, std::string request_id);

  const Principal& principal() const { return *principal_; }
  Session& session() { return *session_; }
  const core::Clock& clock() const { return *clock_; }
  NotesStore& notes() { return *notes_; }
  bool streaming() const { return static_cast<bool>(emit_); }

  // notifications/progress, when the client asked for progress (a progressToken).
  void progress(double progress, std::optional<double> total = std::nullopt,
                std::string message = {});
  // notifications/message at `level` (RFC 5424 names), when the session's level lets it through.
  void log(std::string_view level, nlohmann::json data, std::string logger = "toolauth");
  // A request to the client (sampling/createMessage, elicitation/create); its result or error.
  boost::asio::awaitable<core::Result<nlohmann::json, jsonrpc::RpcError>> ask_client(
      std::string method, nlohmann::json params);
  bool cancelled() const;

 private:
  const Principal* principal_;
  Session* session_;
  const core::Clock* clock_;
  NotesStore* notes_;
  std::function<void(nlohmann::json)> emit_;
  std::optional<nlohmann::json> progress_token_;
  std::string request_id_;
};

struct Tool {
  std::string name;
  std::string title;
  std::string description;
  nlohmann::json input_schema = {{"type", "object"}};
  nlohmann::json output_schema;  // null: none
  nlohmann::json annotations;    // null: none
  // The tool sends progress, logs or client requests: answer over SSE when the client allows.
  bool streams = false;
  std::function<boost::asio::awaitable<ToolResult>(const nlohmann::json& arguments,
                                                   ToolContext& context)>
      run;

  nlohmann::json to_json() const;
};

struct Resource {
  std::string uri;
  std::string name;
  std::string description;
  std::string mime_type;
  std::string text;  // or
  std::string blob;  // base64
  bool subscribable = false;

  nlohmann::json to_json() const;        // for resources/list
  nlohmann::json contents_json() const;  // for resources/read
};

struct ResourceTemplate {
  std::string uri_template;  // RFC 6570 level 1: "test://template/{id}/data"
  std::string name;
  std::string description;
  std::string mime_type;
  // The contents for a URI matching the template, given its variables.
  std::function<nlohmann::json(const std::string& uri,
                               const std::map<std::string, std::string>& variables)>
      read;

  nlohmann::json to_json() const;
  // The template's variables when `uri` matches it.
  std::optional<std::map<std::string, std::string>> match(std::string_view uri) const;
};

struct PromptArgument {
  std::string name;
  std::string description;
  bool required = false;
};

struct Prompt {
  std::string name;
  std::string title;
  std::string description;
  std::vector<PromptArgument> arguments;
  // prompts/get: the messages for the given arguments (a protocol error when they are wrong).
  std::function<core::Result<nlohmann::json, jsonrpc::RpcError>(const nlohmann::json& arguments)>
      get;
  // completion/complete for one argument: candidate values for a prefix.
  std::function<std::vector<std::string>(std::string_view argument, std::string_view prefix)>
      complete;

  nlohmann::json to_json() const;
};

struct Catalog {
  std::vector<Tool> tools;
  std::vector<Resource> resources;
  std::vector<ResourceTemplate> templates;
  std::vector<Prompt> prompts;
  std::string instructions;

  const Tool* tool(std::string_view name) const;
  const Resource* resource(std::string_view uri) const;
  const Prompt* prompt(std::string_view name) const;
  void add(Catalog other);
};

}  // namespace toolauth::mcp
