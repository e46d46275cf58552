#include "toolauth/emulator/response_engine.h"

#include <boost/asio/this_coro.hpp>

#include "toolauth/core/json.h"
#include "toolauth/core/random.h"
#include "toolauth/emulator/mcp_call_error.h"
#include "toolauth/emulator/mcp_client.h"
#include "toolauth/emulator/scripted_model.h"
#include "toolauth/emulator/tool_session.h"

namespace toolauth::emulator {

namespace {

std::string new_id(std::string_view prefix) {
  return std::string(prefix) + "_" + core::random_hex(24);
}

// Defects key-in-output and token-in-output: the credential headers a call went out with,
// added to its output (a member of a JSON object output, else a line of its own).
std::string with_credentials_echoed(std::string output, const http::Headers& credentials) {
  nlohmann::json sent = nlohmann::json::object();
  for (const auto& [name, value] : credentials.fields()) sent[name] = value;
  if (auto json = core::parse_json(output); json.ok() && json->is_object()) {
    (*json)["sent_headers"] = sent;
    return json->dump();
  }
  return output + "\nsent_headers: " + sent.dump();
}

// Defect retry-loop-on-401: how often a refusing server is retried (bounded, so the mutant
// ends; a correct engine retries once).
constexpr int kRetryLoopAttempts = 8;

std::int64_t word_count(std::string_view text) {
  std::int64_t words = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

}  // namespace

// One MCP server of the agent during one response.
struct ServerSlot {
  const McpToolSpec* spec = nullptr;
  std::optional<Connection> connection;
  bool prepared = false;
  std::optional<McpCallError> error;       // why the server cannot be used
  std::optional<ConsentRequired> consent;  // the user must consent first
  std::unique_ptr<ToolSession> session;
  std::vector<std::string> tool_names;  // listed (or carried over), allowed only
  bool listed = false;
};

struct ResponseEngine::Run {
  ResponseEngine& engine;
  ResponseRequest request;
  EventSink sink;
  nlohmann::json response;
  nlohmann::json context = nlohmann::json::object();
  std::int64_t sequence = 0;
  std::vector<ServerSlot> servers;
  std::string answer;
  std::optional<core::Error> fatal;  // defect declined-500: the response fails as a whole
  bool has(Defect defect) const { return engine.defects_.has(defect); }

  boost::asio::awaitable<void> emit(std::string type, nlohmann::json event) {
    if (!sink) co_return;
    event["type"] = std::move(type);
    event["sequence_number"] = sequence++;
    co_await sink(event);
  }

  nlohmann::json& output() { return response["output"]; }

  boost::asio::awaitable<std::size_t> add_item(nlohmann::json item) {
    output().push_back(std::move(item));
    const auto index = output().size() - 1;
    co_await emit("response.output_item.added",
                  {{"output_index", index}, {"item", output()[index]}});
    co_return index;
  }

  boost::asio::awaitable<void> item_done(std::size_t index) {
    co_await emit("response.output_item.done",
                  {{"output_index", index}, {"item", output()[index]}});
  }

  ToolCallContext call_context(const ServerSlot& server) const {
    ToolCallContext c;
    c.project = request.project;
    c.project_tenant_id = request.tenant ? request.tenant->id : std::string();
    c.connection = server.connection ? &*server.connection : nullptr;
    c.agent = request.agent.name;
    c.agent_version = std::to_string(request.agent.version);
    if (request.project_config) {
      c.identities = request.project_config->identities;
      // An agent's own identity is bound to its name by the fixtures, never by anything a
      // caller can write (an agent version's metadata), so no agent can act as another.
      // Defect shared-agent-identity: every agent acts as the project's agent identity.
      for (const auto& fixture : request.project_config->agents) {
        if (has(Defect::shared_agent_identity)) break;
        if (fixture.name == request.agent.name && !fixture.agent_identity_client_id.empty())
          c.identities.agent_identity_client_id = fixture.agent_identity_client_id;
      }
    }
    c.caller = {request.caller.tid, request.caller.oid, request.caller.token};
    c.response_id = response["id"].get<std::string>();
    if (request.previous) c.previous_response_id = request.previous->id;
    return c;
  }

  void journal(std::string_view kind, const ServerSlot& server, nlohmann::json fields) {
    fields["project"] = request.project;
    fields["agent"] = request.agent.name;
    fields["server_label"] = server.spec->server_label;
    fields["connection"] = server.connection ? server.connection->name : "";
    fields["auth_type"] = server.connection ? to_string(server.connection->auth_type) : "";
    fields["caller"] = {{"tid", request.caller.tid}, {"oid", request.caller.oid}};
    fields["response"] = response["id"];
    engine.journal_->record(kind, std::move(fields));
  }

  // Connection, credentials and an initialised MCP session for `server`, once (ToolSession:
  // a 401 at initialize lets the connection's ToolAuth refresh or drop its token, and the
  // session is tried once more). `approved`: the user approved this call
  // (mcp_approval_response).
  boost::asio::awaitable<void> prepare(ServerSlot& server, bool approved = false) {
    if (server.prepared) co_return;
    server.prepared = true;
    const auto& spec = *server.spec;
    std::string url = spec.server_url;
    if (!spec.connection.empty()) {
      auto found = engine.state_->connection(request.project, spec.connection);
      if (!found.ok() || !found->has_value()) {
        server.error = McpCallError::without_credentials("the connection '" + spec.connection +
                                                         "' no longer exists");
        co_return;
      }
      server.connection = std::move(**found);
      url = server.connection->target;  // the connection's endpoint wins over server_url
    }
    http::Headers headers;
    for (const auto& [name, value] : spec.headers) headers.set(name, value);
    if (has(Defect::leak_key_across_connections)) add_every_key(headers);
    // Defect approval-skips-consent: an approved call needs no credentials.
    const bool skip_auth = approved && has(Defect::approval_skips_consent);
    ToolAuth* auth = server.connection && !skip_auth
                         ? &engine.auth_->for_type(server.connection->auth_type)
                         : nullptr;
    ToolSessionRetries retries;
    if (has(Defect::retry_loop_on_401)) retries = {kRetryLoopAttempts, kRetryLoopAttempts};
    server.session = std::make_unique<ToolSession>(
        *engine.client_, url, std::move(headers), auth, call_context(server),
        [this, &server](nlohmann::json fields) { journal("tool_auth", server, std::move(fields)); },
        retries);
    co_await server.session->open();
    server.consent = server.session->consent();
    server.error = server.session->error();
    if (server.session->failure_code() == "consent_declined" && has(Defect::declined_500))
      fatal = core::Error{core::Errc::invalid_argument, "the consent was declined"};
  }

  // Defect leak-key-across-connections: the keys of every CustomKeys connection of the
  // project, whichever server the call goes to (the call's own credentials come after).
  void add_every_key(http::Headers& headers) const {
    auto connections = engine.state_->connections(request.project);
    if (!connections.ok()) return;
    for (const auto& c : *connections) {
      for (const auto& [name, value] : c.keys) headers.set(name, value);
    }
  }

  // Defects key-in-output, token-in-output: whether `server`'s credentials are echoed.
  bool echoes_credentials(const ServerSlot& server) const {
    if (!server.connection) return false;
    const auto type = server.connection->auth_type;
    return (type == AuthType::custom_keys && has(Defect::key_in_output)) ||
           (type == AuthType::oauth2 && has(Defect::token_in_output));
  }

  boost::asio::awaitable<void> list(ServerSlot& server) {
    // Tools listed earlier in this chain of responses are not listed again (as OpenAI does).
    const auto& label = server.spec->server_label;
    if (request.previous) {
      const auto& carried = request.previous->context["listed_tools"];
      if (carried.is_object() && carried.contains(label)) {
        for (const auto& name : carried[label]) server.tool_names.push_back(name);
        server.listed = true;
        co_return;
      }
    }
    co_await prepare(server);
    if (server.consent) co_return;
    nlohmann::json item = {{"type", "mcp_list_tools"},
                           {"id", new_id("mcpl")},
                           {"server_label", label},
                           {"tools", nlohmann::json::array()},
                           {"error", nullptr}};
    const auto index = co_await add_item(item);
    co_await emit("response.mcp_list_tools.in_progress",
                  {{"item_id", item["id"]}, {"output_index", index}});
    std::optional<std::string> error;
    if (server.error) error = server.error->text();
    if (!error) {
      auto tools = co_await server.session->list_tools();
      if (tools.ok()) {
        for (const auto& tool : *tools) {
          if (!server.spec->allows(tool.name)) continue;
          output()[index]["tools"].push_back(tool.to_item_json());
          server.tool_names.push_back(tool.name);
        }
        server.listed = true;
      } else {
        error = tools.error().describe();
      }
    }
    if (error) output()[index]["error"] = *error;
    co_await emit(error ? "response.mcp_list_tools.failed" : "response.mcp_list_tools.completed",
                  {{"item_id", item["id"]}, {"output_index", index}});
    co_await item_done(index);
  }

  ServerSlot* server_for(std::string_view label) {
    for (auto& s : servers) {
      if (s.spec->server_label == label) return &s;
    }
    return nullptr;
  }

  boost::asio::awaitable<void> request_approval(const PlannedCall& call) {
    const auto id = new_id("mcpr");
    const auto index = co_await add_item({{"type", "mcp_approval_request"},
                                          {"id", id},
                                          {"server_label", call.server_label},
                                          {"name", call.name},
                                          {"arguments", call.arguments.dump()}});
    context["approval_requests"][id] = {
        {"server_label", call.server_label}, {"name", call.name}, {"arguments", call.arguments}};
    co_await item_done(index);
  }

  boost::asio::awaitable<void> call(const PlannedCall& planned, const std::string& approval_id) {
    auto* server = server_for(planned.server_label);
    co_await prepare(*server, !approval_id.empty());
    if (server->consent || fatal) co_return;
    const auto id = new_id("mcp");
    const auto arguments = planned.arguments.dump();
    const auto index = co_await add_item(
        {{"type", "mcp_call"},
         {"id", id},
         {"server_label", planned.server_label},
         {"name", planned.name},
         {"arguments", arguments},
         {"output", nullptr},
         {"error", nullptr},
         {"status", "in_progress"},
         {"approval_request_id",
          approval_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(approval_id)}});
    co_await emit("response.mcp_call_arguments.delta",
                  {{"item_id", id}, {"output_index", index}, {"delta", arguments}});
    co_await emit("response.mcp_call_arguments.done",
                  {{"item_id", id}, {"output_index", index}, {"arguments", arguments}});
    co_await emit("response.mcp_call.in_progress", {{"item_id", id}, {"output_index", index}});
    std::optional<McpCallError> error = server->error;
    std::string output_text;
    if (!error) {
      // A 401 in mid-session (token revoked or expired early): the session tells the ToolAuth
      // once, opens afresh with what it gives then, and calls once more.
      auto result = co_await server->session->call_tool(planned.name, planned.arguments);
      server->consent = server->session->consent();
      server->error = server->session->error();
      if (!result.ok()) {
        error = result.error();
      } else if (result->is_error) {
        error = McpCallError::tool_execution(*result);
      } else {
        output_text = result->text();
        if (echoes_credentials(*server))
          output_text = with_credentials_echoed(output_text, server->session->credentials());
      }
    }
    auto& item = output()[index];
    item["status"] = error ? "failed" : "completed";
    if (error) {
      item["error"] = error->to_json(engine.error_format_);
    } else {
      item["output"] = output_text;
    }
    journal("mcp_call", *server, {{"tool", planned.name}, {"status", item["status"]}});
    co_await emit(error ? "response.mcp_call.failed" : "response.mcp_call.completed",
                  {{"item_id", id}, {"output_index", index}});
    co_await item_done(index);
    answer = error ? answer_failed(planned, error->text()) : answer_completed(planned, output_text);
  }

  boost::asio::awaitable<void> consent_item(const ServerSlot& server) {
    const auto index =
        co_await add_item({{"type", "oauth_consent_request"},
                           {"id", server.consent->consent_id.empty() ? new_id("oauthreq")
                                                                     : server.consent->consent_id},
                           {"consent_link", server.consent->consent_link},
                           {"server_label", server.spec->server_label},
                           {"created_by", nlohmann::json::object()}});
    co_await item_done(index);
  }

  boost::asio::awaitable<void> message(const std::string& text) {
    const auto id = new_id("msg");
    const auto index = co_await add_item({{"type", "message"},
                                          {"id", id},
                                          {"role", "assistant"},
                                          {"status", "in_progress"},
                                          {"content", nlohmann::json::array()}});
    const nlohmann::json empty_part = {
        {"type", "output_text"}, {"text", ""}, {"annotations", nlohmann::json::array()}};
    co_await emit(
        "response.content_part.added",
        {{"item_id", id}, {"output_index", index}, {"content_index", 0}, {"part", empty_part}});
    co_await emit(
        "response.output_text.delta",
        {{"item_id", id}, {"output_index", index}, {"content_index", 0}, {"delta", text}});
    co_await emit("response.output_text.done",
                  {{"item_id", id}, {"output_index", index}, {"content_index", 0}, {"text", text}});
    auto part = empty_part;
    part["text"] = text;
    co_await emit("response.content_part.done",
                  {{"item_id", id}, {"output_index", index}, {"content_index", 0}, {"part", part}});
    output()[index]["content"].push_back(part);
    output()[index]["status"] = "completed";
    co_await item_done(index);
  }

  // After the streaming client went away: what was in progress stays incomplete, each MCP
  // server is told which request it may stop (notifications/cancelled) and the response is
  // `cancelled`. Runs with the cancellation state reset.
  boost::asio::awaitable<void> cancel() {
    for (auto& item : output()) {
      if (item.value("status", "") != "in_progress") continue;
      item["status"] = "incomplete";
      if (item["type"] != "mcp_call") continue;
      if (auto* server = server_for(item["server_label"].get<std::string>()))
        journal("mcp_call", *server, {{"tool", item["name"]}, {"status", "incomplete"}});
    }
    for (auto& server : servers) {
      auto* mcp = server.session ? server.session->mcp() : nullptr;
      if (mcp == nullptr || !mcp->in_flight()) continue;
      journal("mcp_cancel", server, {{"request_id", *mcp->in_flight()}});
      co_await mcp->cancel("the client of the response went away");
    }
    response["status"] = "cancelled";
  }

  boost::asio::awaitable<std::optional<ServerSlot*>> pending_consent() {
    for (auto& s : servers) {
      if (s.consent) co_return &s;
    }
    co_return std::nullopt;
  }

  boost::asio::awaitable<void> produce() {
    for (const auto& spec : request.tools) servers.push_back(ServerSlot{.spec = &spec});

    if (!request.approvals.empty()) {
      for (const auto& decision : request.approvals) {
        const auto& asked =
            request.previous->context["approval_requests"][decision.approval_request_id];
        PlannedCall planned{asked["server_label"], asked["name"], asked["arguments"]};
        if (decision.approve) {
          co_await call(planned, decision.approval_request_id);
        } else {
          answer = answer_not_approved(planned);
        }
        if (co_await pending_consent()) break;
      }
    } else {
      std::vector<ToolCandidate> candidates;
      for (auto& server : servers) {
        co_await list(server);
        if (server.consent) break;
        for (const auto& name : server.tool_names)
          candidates.push_back({server.spec->server_label, name});
        // A server that could not list offers its allowed tools, so a call shows why it fails.
        if (!server.listed && server.spec->allowed_tools) {
          for (const auto& name : *server.spec->allowed_tools)
            candidates.push_back({server.spec->server_label, name});
        }
      }
      if (!co_await pending_consent()) {
        auto planned = plan_call(request.tool_choice, request.input_text, candidates);
        if (planned) {
          const auto* server = server_for(planned->server_label);
          if (server->spec->require_approval.for_tool(planned->name) == Approval::always) {
            co_await request_approval(*planned);
            co_return;
          }
          co_await call(*planned, "");
        } else {
          answer = answer_without_tool(request.input_text);
        }
      }
    }
    if (auto consent = co_await pending_consent()) {
      co_await consent_item(**consent);
      response["status"] = "incomplete";
      co_return;
    }
    co_await message(answer);
  }
};

ResponseEngine::ResponseEngine(EmulatorState& state, ToolAuthRegistry& auth, http::Client& client,
                               service::Journal& journal, const core::Clock& clock,
                               McpCallErrorFormat error_format, EmulatorDefects defects)
    : state_(&state),
      auth_(&auth),
      client_(&client),
      journal_(&journal),
      clock_(&clock),
      error_format_(error_format),
      defects_(defects) {}

boost::asio::awaitable<core::Result<StoredResponse>> ResponseEngine::run(ResponseRequest request,
                                                                         EventSink sink) {
  Run run{*this, std::move(request), std::move(sink), {}, {}, 0, {}, {}};
  const auto& r = run.request;
  const auto& definition = r.agent.definition;
  run.response = {{"id", new_id("resp")},
                  {"object", "response"},
                  {"created_at", clock_->unix_seconds()},
                  {"status", "in_progress"},
                  {"error", nullptr},
                  {"incomplete_details", nullptr},
                  {"instructions", definition.value("instructions", nlohmann::json(nullptr))},
                  {"model", definition.value("model", std::string("toolauth-scripted"))},
                  {"output", nlohmann::json::array()},
                  {"parallel_tool_calls", true},
                  {"previous_response_id",
                   r.previous ? nlohmann::json(r.previous->id) : nlohmann::json(nullptr)},
                  {"tool_choice", r.tool_choice},
                  {"tools", definition.value("tools", nlohmann::json::array())},
                  {"text", {{"format", {{"type", "text"}}}}},
                  {"metadata", r.metadata},
                  {"agent",
                   {{"type", "agent_reference"},
                    {"name", r.agent.name},
                    {"version", std::to_string(r.agent.version)}}},
                  {"conversation", r.conversation ? nlohmann::json{{"id", r.conversation->id}}
                                                  : nlohmann::json(nullptr)},
                  {"usage", nullptr}};
  co_await run.emit("response.created", {{"response", run.response}});
  co_await run.emit("response.in_progress", {{"response", run.response}});

  // A streaming client that goes away cancels the stream's coroutine: the response stops where
  // it is, and is stored as cancelled after the cleanup (which needs the state reset).
  std::exception_ptr failure;
  try {
    co_await run.produce();
  } catch (const boost::system::system_error&) {
    failure = std::current_exception();
  }
  const auto state = co_await boost::asio::this_coro::cancellation_state;
  const bool cancelled = state.cancelled() != boost::asio::cancellation_type::none;
  if (failure && !cancelled) std::rethrow_exception(failure);
  if (cancelled) {
    co_await boost::asio::this_coro::reset_cancellation_state();
    co_await run.cancel();
  }
  for (auto& server : run.servers) {
    if (server.session) co_await server.session->close();
  }
  if (run.fatal) co_return *run.fatal;

  if (run.response["status"] == "in_progress") run.response["status"] = "completed";
  if (cancelled) run.sink = nullptr;  // nobody is listening any more
  const auto in = word_count(r.input_text);
  const auto out = word_count(run.answer);
  run.response["usage"] = {{"input_tokens", in},
                           {"input_tokens_details", {{"cached_tokens", 0}}},
                           {"output_tokens", out},
                           {"output_tokens_details", {{"reasoning_tokens", 0}}},
                           {"total_tokens", in + out}};

  // What a continuation needs: the tools listed along this chain and the open approvals.
  nlohmann::json listed = r.previous
                              ? r.previous->context.value("listed_tools", nlohmann::json::object())
                              : nlohmann::json::object();
  for (const auto& server : run.servers) {
    if (server.listed) listed[server.spec->server_label] = server.tool_names;
  }
  run.context["listed_tools"] = listed;
  run.context["agent"] = r.agent.name;
  run.context["agent_version"] = r.agent.version;
  run.context["input_text"] = r.input_text;

  StoredResponse stored{
      run.response["id"], r.project, {r.caller.tid, r.caller.oid}, run.response, run.context};
  if (auto saved = state_->put_response(stored); !saved.ok()) co_return saved.error();
  if (r.conversation) {
    auto conversation = *r.conversation;
    for (const auto& item : r.input_items) conversation.items.push_back(item);
    for (const auto& item : run.response["output"]) conversation.items.push_back(item);
    conversation.last_response_id = stored.id;
    if (auto saved = state_->put_conversation(conversation); !saved.ok()) co_return saved.error();
  }
  journal_->record("response", {{"project", r.project},
                                {"agent", r.agent.name},
                                {"response", stored.id},
                                {"status", run.response["status"]},
                                {"caller", {{"tid", r.caller.tid}, {"oid", r.caller.oid}}}});
  const auto final_event =
      run.response["status"] == "incomplete" ? "response.incomplete" : "response.completed";
  co_await run.emit(final_event, {{"response", run.response}});
  co_return stored;
}

}  // namespace toolauth::emulator
