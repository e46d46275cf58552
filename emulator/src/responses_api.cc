// The Responses API for agents, and minimal conversations.

#include "data_plane_internal.h"
#include "toolauth/core/random.h"
#include "toolauth/emulator/hosted_agent.h"
#include "toolauth/emulator/scripted_model.h"
#include "toolauth/http/sse.h"

namespace toolauth::emulator {

namespace {

using boost::asio::awaitable;

ApiError response_not_found(std::string_view id, std::string param = {}) {
  ApiError e{404,
             "not_found",
             "Response with id '" + std::string(id) + "' not found.",
             "invalid_request_error",
             std::nullopt,
             "ResponseNotFound"};
  if (!param.empty()) e.param = param;
  return e;
}

ApiError conversation_not_found(std::string_view id) {
  return ApiError{404,
                  "not_found",
                  "Conversation with id '" + std::string(id) + "' not found.",
                  "invalid_request_error",
                  "conversation",
                  "ConversationNotFound"};
}

// The text of a message item's content: a string or parts of type input_text/output_text.
std::optional<std::string> content_text(const nlohmann::json& content) {
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) return std::nullopt;
  std::string text;
  for (const auto& part : content) {
    if (!part.is_object()) return std::nullopt;
    const auto type = part.value("type", "");
    if (type != "input_text" && type != "output_text") continue;
    if (!part.contains("text") || !part["text"].is_string()) return std::nullopt;
    text += (text.empty() ? "" : "\n") + part["text"].get<std::string>();
  }
  return text;
}

}  // namespace

void DataPlane::mount_responses(http::Router& router) {
  auto create = [this](http::Request& r, Scope& s) -> awaitable<http::Response> {
    auto parsed = json_body(r);
    if (auto* e = std::get_if<ApiError>(&parsed)) co_return e->response();
    auto& body = std::get<nlohmann::json>(parsed);
    ResponseRequest request;
    request.project = s.project->name;
    request.project_config = s.project;
    request.tenant = s.tenant;
    request.caller = s.caller;

    // The agent: `agent` (REST and JS samples) or `agent_reference` (Python), never both.
    if (body.contains("agent") && body.contains("agent_reference"))
      co_return bad_request("Give either agent or agent_reference, not both.", "agent").response();
    const char* agent_key = body.contains("agent_reference") ? "agent_reference" : "agent";
    const auto& reference = body.contains(agent_key) ? body[agent_key] : nlohmann::json();
    if (!reference.is_object() || !reference.contains("name") || !reference["name"].is_string() ||
        (reference.contains("type") && reference["type"] != "agent_reference") ||
        (reference.contains("version") && !reference["version"].is_string())) {
      co_return bad_request(
          "An agent reference {\"type\": \"agent_reference\", \"name\", \"version\"?} is required.",
          agent_key)
          .response();
    }
    const auto agent_name = reference["name"].get<std::string>();
    auto agent = state_->agent(s.project->name, agent_name);
    if (!agent.ok()) co_return storage_failure(agent.error());
    if (!*agent) {
      co_return ApiError{
          404,
          "not_found",
          "Agent '" + agent_name + "' was not found in project '" + s.project->name + "'.",
          "invalid_request_error",
          agent_key,
          "AgentNotFound"}
          .response();
    }
    const AgentVersion* version = &(*agent)->latest();
    if (reference.contains("version")) {
      version = (*agent)->version(reference["version"].get<std::string>());
      if (version == nullptr) {
        co_return ApiError{404,
                           "not_found",
                           "Agent '" + agent_name + "' has no version '" +
                               reference["version"].get<std::string>() + "'.",
                           "invalid_request_error",
                           agent_key,
                           "AgentVersionNotFound"}
            .response();
      }
    }
    if (is_hosted_definition(version->definition)) {
      if (hosted_ == nullptr)
        co_return server_error("This emulator runs no hosted agents.").response();
      co_return co_await hosted_->respond(hosted_call(r, s, *version, body));
    }
    request.agent = *version;
    const auto project = s.project->name;
    auto tools = parse_mcp_tools(
        version->definition, [this, project](std::string_view id) -> std::optional<std::string> {
          auto found = state_->connection(project, id);
          if (!found.ok() || !*found) return std::nullopt;
          return (*found)->name;
        });
    if (!tools.ok()) {
      // A connection the agent names was deleted since: the agent cannot run as defined.
      co_return bad_request("The agent's definition is no longer valid: " + tools.error().detail,
                            agent_key)
          .response();
    }
    request.tools = std::move(*tools);

    // previous_response_id and conversation (mutually exclusive, as in OpenAI's API).
    if (body.contains("previous_response_id") && !body["previous_response_id"].is_null()) {
      if (!body["previous_response_id"].is_string())
        co_return bad_request("previous_response_id must be a string.", "previous_response_id")
            .response();
      const auto id = body["previous_response_id"].get<std::string>();
      auto previous = state_->response(id);
      if (!previous.ok()) co_return storage_failure(previous.error());
      // Another user's (or project's) response is indistinguishable from a missing one.
      if (!*previous || (*previous)->project != s.project->name ||
          !((*previous)->owner == Owner{s.caller.tid, s.caller.oid})) {
        co_return response_not_found(id, "previous_response_id").response();
      }
      request.previous = std::move(**previous);
    }
    if (body.contains("conversation") && !body["conversation"].is_null()) {
      if (request.previous)
        co_return bad_request("Give either previous_response_id or conversation, not both.",
                              "conversation")
            .response();
      const auto& c = body["conversation"];
      std::string id = c.is_string() ? c.get<std::string>()
                       : (c.is_object() && c.contains("id") && c["id"].is_string())
                           ? c["id"].get<std::string>()
                           : std::string();
      if (id.empty())
        co_return bad_request("conversation must be an id or {\"id\"}.", "conversation").response();
      auto conversation = state_->conversation(id);
      if (!conversation.ok()) co_return storage_failure(conversation.error());
      if (!*conversation || (*conversation)->project != s.project->name ||
          !((*conversation)->owner == Owner{s.caller.tid, s.caller.oid})) {
        co_return conversation_not_found(id).response();
      }
      request.conversation = std::move(**conversation);
      if (!request.conversation->last_response_id.empty()) {
        auto last = state_->response(request.conversation->last_response_id);
        if (last.ok() && *last) request.previous = std::move(**last);
      }
    }

    // input: a string, or items (messages and approval responses).
    const auto& input = body.contains("input") ? body["input"] : nlohmann::json();
    if (input.is_string()) {
      request.input_text = input.get<std::string>();
      request.input_items.push_back(
          {{"type", "message"},
           {"role", "user"},
           {"content", {{{"type", "input_text"}, {"text", request.input_text}}}}});
    } else if (input.is_array()) {
      for (std::size_t i = 0; i < input.size(); ++i) {
        const auto& item = input[i];
        const std::string param = "input[" + std::to_string(i) + "]";
        const auto type = item.is_object()
                              ? item.value("type", item.contains("role") ? "message" : "")
                              : std::string();
        if (type == "message") {
          auto text = content_text(item.contains("content") ? item["content"] : nlohmann::json());
          if (!text || !item.contains("role") || !item["role"].is_string())
            co_return bad_request("A message needs a role and text content.", param).response();
          if (item["role"] == "user")
            request.input_text += (request.input_text.empty() ? "" : "\n") + *text;
          request.input_items.push_back(item);
        } else if (type == "mcp_approval_response") {
          if (!item.contains("approval_request_id") || !item["approval_request_id"].is_string() ||
              !item.contains("approve") || !item["approve"].is_boolean())
            co_return bad_request("mcp_approval_response needs approval_request_id and approve.",
                                  param)
                .response();
          const auto id = item["approval_request_id"].get<std::string>();
          const bool known = request.previous &&
                             request.previous->context.contains("approval_requests") &&
                             request.previous->context["approval_requests"].contains(id);
          if (!known) {
            co_return bad_request("No mcp_approval_request '" + id + "' in the previous response.",
                                  param)
                .response();
          }
          request.approvals.push_back({id, item["approve"].get<bool>()});
          request.input_items.push_back(item);
        } else {
          co_return bad_request("Input items of type '" + type + "' are not supported.", param)
              .response();
        }
      }
    } else if (!input.is_null()) {
      co_return bad_request("input must be a string or an array of items.", "input").response();
    }
    // Re-sending after consent: the previous input counts again when nothing new was said.
    if (request.input_text.empty() && request.approvals.empty() && request.previous)
      request.input_text = request.previous->context.value("input_text", std::string());

    request.tool_choice =
        body.contains("tool_choice") ? body["tool_choice"] : nlohmann::json("auto");
    if (auto valid = validate_tool_choice(request.tool_choice); !valid.ok())
      co_return bad_request(valid.error().detail, "tool_choice").response();
    if (request.tool_choice.is_object()) {
      const auto label = request.tool_choice["server_label"].get<std::string>();
      auto spec = std::find_if(request.tools.begin(), request.tools.end(),
                               [&](const McpToolSpec& t) { return t.server_label == label; });
      if (spec == request.tools.end())
        co_return bad_request("The agent has no MCP tool labelled '" + label + "'.", "tool_choice")
            .response();
      if (request.tool_choice.contains("name") &&
          !spec->allows(request.tool_choice["name"].get<std::string>()))
        co_return bad_request("The tool is not in the agent's allowed_tools.", "tool_choice")
            .response();
    }
    if (body.contains("metadata") && body["metadata"].is_object())
      request.metadata = body["metadata"];
    const bool stream =
        body.contains("stream") && body["stream"].is_boolean() && body["stream"].get<bool>();

    if (!stream) {
      auto done = co_await engine_->run(std::move(request));
      if (!done.ok()) co_return storage_failure(done.error());
      co_return http::Response::json(200, done->response);
    }
    auto events = http::Response::event_stream(
        [this, request = std::move(request)](http::EventStream& out) mutable -> awaitable<void> {
          auto sink = [&out](const nlohmann::json& event) -> awaitable<void> {
            co_await out.send({.data = event.dump(), .event = event["type"].get<std::string>()});
          };
          (void)co_await engine_->run(std::move(request), sink);
        });
    // A client that goes away mid-stream cancels the response (ResponseEngine::run).
    events.cancel_on_disconnect = true;
    co_return events;
  };

  auto get = [this](http::Request& r, Scope& s) -> awaitable<http::Response> {
    auto found = state_->response(r.param("id"));
    if (!found.ok()) co_return storage_failure(found.error());
    if (!*found || (*found)->project != s.project->name ||
        !((*found)->owner == Owner{s.caller.tid, s.caller.oid}))
      co_return response_not_found(r.param("id")).response();
    co_return http::Response::json(200, (*found)->response);
  };

  router.add(http::Method::post, "/api/projects/{project}/openai/v1/responses",
             guarded(Version::none, create));
  router.add(http::Method::post, "/api/projects/{project}/openai/responses",
             guarded(Version::required, create));
  router.add(http::Method::get, "/api/projects/{project}/openai/v1/responses/{id}",
             guarded(Version::none, get));
  router.add(http::Method::get, "/api/projects/{project}/openai/responses/{id}",
             guarded(Version::required, get));
}

void DataPlane::mount_conversations(http::Router& router) {
  const std::string base = "/api/projects/{project}/openai/v1/conversations";
  auto owned = [this](const http::Request& r,
                      const Scope& s) -> std::variant<StoredConversation, http::Response> {
    auto found = state_->conversation(r.param("id"));
    if (!found.ok()) return storage_failure(found.error());
    if (!*found || (*found)->project != s.project->name ||
        !((*found)->owner == Owner{s.caller.tid, s.caller.oid}))
      return conversation_not_found(r.param("id")).response();
    return std::move(**found);
  };
  router.add(
      http::Method::post, base,
      guarded(Version::none, [this](http::Request& r, Scope& s) -> awaitable<http::Response> {
        nlohmann::json body = nlohmann::json::object();
        if (!r.body.empty()) {
          auto parsed = json_body(r);
          if (auto* e = std::get_if<ApiError>(&parsed)) co_return e->response();
          body = std::get<nlohmann::json>(parsed);
        }
        StoredConversation c;
        c.id = "conv_" + core::random_hex(24);
        c.project = s.project->name;
        c.owner = {s.caller.tid, s.caller.oid};
        c.created_at = clock_->unix_seconds();
        if (body.contains("metadata")) {
          if (!body["metadata"].is_object())
            co_return bad_request("metadata must be an object.", "metadata").response();
          c.metadata = body["metadata"];
        }
        if (body.contains("items")) {
          if (!body["items"].is_array())
            co_return bad_request("items must be an array.", "items").response();
          c.items = body["items"];
        }
        if (auto saved = state_->put_conversation(c); !saved.ok())
          co_return storage_failure(saved.error());
        co_return http::Response::json(200, c.to_api());
      }));
  router.add(
      http::Method::get, base + "/{id}",
      guarded(Version::none, [owned](http::Request& r, Scope& s) -> awaitable<http::Response> {
        auto c = owned(r, s);
        if (auto* refused = std::get_if<http::Response>(&c)) co_return std::move(*refused);
        co_return http::Response::json(200, std::get<StoredConversation>(c).to_api());
      }));
  router.add(
      http::Method::get, base + "/{id}/items",
      guarded(Version::none, [owned](http::Request& r, Scope& s) -> awaitable<http::Response> {
        auto c = owned(r, s);
        if (auto* refused = std::get_if<http::Response>(&c)) co_return std::move(*refused);
        const auto& items = std::get<StoredConversation>(c).items;
        co_return http::Response::json(200,
                                       {{"object", "list"}, {"data", items}, {"has_more", false}});
      }));
  router.add(http::Method::delete_, base + "/{id}",
             guarded(Version::none,
                     [this, owned](http::Request& r, Scope& s) -> awaitable<http::Response> {
                       auto c = owned(r, s);
                       if (auto* refused = std::get_if<http::Response>(&c))
                         co_return std::move(*refused);
                       if (auto erased = state_->erase_conversation(r.param("id")); !erased.ok())
                         co_return storage_failure(erased.error());
                       co_return http::Response::json(200, {{"id", r.param("id")},
                                                            {"object", "conversation.deleted"},
                                                            {"deleted", true}});
                     }));
}

}  // namespace toolauth::emulator
