#include "toolauth/emulator/toolbox_proxy.h"

#include <algorithm>

#include "toolauth/emulator/tool_session.h"

namespace toolauth::emulator {

namespace {

// The auth types that act as the signed-in user.
bool needs_user(AuthType type) {
  return type == AuthType::oauth2 || type == AuthType::user_entra_token;
}

// Whom the call acts for in journals: {tid, oid}, or null when the agent acts alone.
nlohmann::json caller_json(const ToolboxCaller& caller) {
  if (!caller.user) return nullptr;
  return {{"tid", caller.user->tid}, {"oid", caller.user->oid}};
}

jsonrpc::RpcError rpc_error(int code, std::string message) {
  return jsonrpc::RpcError{code, std::move(message), std::nullopt};
}

}  // namespace

struct ToolboxProxy::Source {
  McpToolSpec spec;
  std::optional<Connection> connection;
  std::unique_ptr<ToolSession> session;
  // Why the source cannot be used, as an aggregate entry's {"code", "message"}.
  std::string error_code;
  std::string error_message;
};

ToolboxProxy::ToolboxProxy(EmulatorState& state, ToolAuthRegistry& auth, http::Client& client,
                           service::Journal& journal)
    : state_(&state), auth_(&auth), client_(&client), journal_(&journal) {}

std::vector<ToolboxProxy::Source> ToolboxProxy::sources(const ToolboxTarget& target) const {
  const auto project = target.project->name;
  // A connection deleted since the version was made keeps its name here; open() reports it.
  auto specs = toolbox_sources(target.version, [this, project](std::string_view id) {
    auto found = state_->connection(project, id);
    if (found.ok() && *found) return std::optional<std::string>((*found)->name);
    return std::optional<std::string>(std::string(id));
  });
  std::vector<Source> out;
  if (!specs.ok()) return out;  // checked when the version was created
  for (auto& spec : *specs) out.push_back(Source{.spec = std::move(spec)});
  return out;
}

void ToolboxProxy::journal(const ToolboxTarget& target, const Source& source,
                           std::string_view method, std::string_view outcome) const {
  journal_->record("toolbox_call",
                   {{"project", target.project->name},
                    {"toolbox", target.version.name},
                    {"version", target.version.version},
                    {"method", method},
                    {"server_label", source.spec.server_label},
                    {"connection", source.connection ? source.connection->name : ""},
                    {"auth_type", source.connection ? to_string(source.connection->auth_type) : ""},
                    {"agent", target.caller.agent},
                    {"caller", caller_json(target.caller)},
                    {"outcome", outcome}});
}

boost::asio::awaitable<void> ToolboxProxy::open(const ToolboxTarget& target, Source& source,
                                                std::string_view method) {
  const auto& spec = source.spec;
  std::string url = spec.server_url;
  ToolAuth* auth = nullptr;
  if (!spec.connection.empty()) {
    auto found = state_->connection(target.project->name, spec.connection);
    if (!found.ok() || !*found) {
      source.error_code = "TOOL_SOURCE_ERROR";
      source.error_message = "the connection '" + spec.connection + "' no longer exists";
      co_return;
    }
    source.connection = std::move(**found);
    url = source.connection->target;  // the connection's endpoint wins over server_url
    if (needs_user(source.connection->auth_type) && !target.caller.user) {
      source.error_code = "USER_CONTEXT_REQUIRED";
      source.error_message = "the connection '" + source.connection->name + "' (" +
                             std::string(to_string(source.connection->auth_type)) +
                             ") acts as the signed-in user: call the toolbox with the "
                             "x-agent-foundry-call-id of the request being served";
      co_return;
    }
    auth = &auth_->for_type(source.connection->auth_type);
  }

  ToolCallContext context;
  context.project = target.project->name;
  context.project_tenant_id = target.tenant->id;
  context.connection = source.connection ? &*source.connection : nullptr;
  context.agent = target.caller.agent;
  context.agent_version = target.caller.agent_version;
  context.identities = target.project->identities;
  // The verified token's own identity: a container can act as no other agent.
  context.identities.agent_identity_client_id = target.caller.agent_identity_client_id;
  if (target.caller.user) context.caller = *target.caller.user;
  context.response_id = target.caller.response_id;

  http::Headers headers;
  for (const auto& [name, value] : spec.headers) headers.set(name, value);
  auto record = [this, target_ptr = &target, source_ptr = &source,
                 method = std::string(method)](nlohmann::json fields) {
    fields["project"] = target_ptr->project->name;
    fields["toolbox"] = target_ptr->version.name;
    fields["method"] = method;
    fields["agent"] = target_ptr->caller.agent;
    fields["server_label"] = source_ptr->spec.server_label;
    fields["connection"] = source_ptr->connection ? source_ptr->connection->name : "";
    fields["auth_type"] =
        source_ptr->connection ? to_string(source_ptr->connection->auth_type) : "";
    fields["caller"] = caller_json(target_ptr->caller);
    journal_->record("tool_auth", std::move(fields));
  };
  source.session = std::make_unique<ToolSession>(*client_, url, std::move(headers), auth,
                                                 std::move(context), std::move(record));
  co_await source.session->open();
  if (const auto& consent = source.session->consent()) {
    source.error_code = "CONSENT_REQUIRED";
    source.error_message = consent->consent_link;
  } else if (const auto& error = source.session->error()) {
    source.error_code = "TOOL_SOURCE_ERROR";
    source.error_message = error->text();
  }
}

boost::asio::awaitable<jsonrpc::Outcome> ToolboxProxy::list_tools(const ToolboxTarget& target) {
  auto all = sources(target);
  nlohmann::json tools = nlohmann::json::array();
  nlohmann::json errors = nlohmann::json::array();
  bool only_consent = true;
  for (auto& source : all) {
    co_await open(target, source, "tools/list");
    if (source.error_code.empty()) {
      auto listed = co_await source.session->list_tools();
      if (!listed.ok()) {
        source.error_code = "TOOL_SOURCE_ERROR";
        source.error_message = McpCallError::from(listed.error()).text();
      } else {
        std::vector<std::string> missing;
        if (source.spec.allowed_tools) {
          for (const auto& name : *source.spec.allowed_tools) {
            if (std::none_of(listed->begin(), listed->end(),
                             [&](const McpToolInfo& t) { return t.name == name; }))
              missing.push_back(name);
          }
        }
        if (!missing.empty()) {
          std::string names;
          for (const auto& n : missing) names += (names.empty() ? "" : ", ") + n;
          source.error_code = "TOOL_SOURCE_ERROR";
          source.error_message = "allowed_tools names tools the server does not have: " + names;
        } else {
          for (const auto& tool : *listed) {
            if (!source.spec.allows(tool.name)) continue;
            const auto approval = source.spec.require_approval.for_tool(tool.name);
            nlohmann::json entry = {
                {"name", source.spec.server_label + std::string(kToolboxNameSeparator) + tool.name},
                {"inputSchema", tool.input_schema},
                {"_meta",
                 {{"tool_configuration",
                   {{"require_approval", approval == Approval::always ? "always" : "never"}}}}}};
            if (!tool.description.empty()) entry["description"] = tool.description;
            if (!tool.annotations.is_null()) entry["annotations"] = tool.annotations;
            tools.push_back(std::move(entry));
          }
        }
      }
    }
    if (source.session) co_await source.session->close();
    journal(target, source, "tools/list", source.error_code.empty() ? "listed" : source.error_code);
    if (source.error_code.empty()) continue;
    if (source.error_code != "CONSENT_REQUIRED") only_consent = false;
    errors.push_back({{"name", source.spec.server_label},
                      {"type", "mcp"},
                      {"error", {{"code", source.error_code}, {"message", source.error_message}}}});
  }
  if (errors.empty()) co_return nlohmann::json{{"tools", tools}};
  const auto failed = errors.size();
  co_return rpc_error(only_consent ? kToolboxConsentRequired : kToolboxSourcesFailed,
                      "tools/list failed for " + std::to_string(failed) +
                          " tool source(s), succeeded for " + std::to_string(all.size() - failed) +
                          " tool source(s) " + nlohmann::json{{"errors", errors}}.dump());
}

boost::asio::awaitable<jsonrpc::Outcome> ToolboxProxy::call_tool(const ToolboxTarget& target,
                                                                 const nlohmann::json& params) {
  if (!params.is_object() || !params.contains("name") || !params["name"].is_string())
    co_return jsonrpc::invalid_params("tools/call needs a string name");
  const auto name = params["name"].get<std::string>();
  nlohmann::json arguments = nlohmann::json::object();
  if (params.contains("arguments")) {
    if (!params["arguments"].is_object())
      co_return jsonrpc::invalid_params("tools/call arguments must be an object");
    arguments = params["arguments"];
  }
  auto all = sources(target);
  Source* source = nullptr;
  std::string tool;
  for (auto& s : all) {
    const auto prefix = s.spec.server_label + std::string(kToolboxNameSeparator);
    if (name.starts_with(prefix) && name.size() > prefix.size()) {
      source = &s;
      tool = name.substr(prefix.size());
    }
  }
  if (source == nullptr || !source->spec.allows(tool))
    co_return jsonrpc::invalid_params("Unknown tool: " + name);

  co_await open(target, *source, "tools/call");
  jsonrpc::Outcome outcome = nlohmann::json(nullptr);
  if (source->error_code == "CONSENT_REQUIRED") {
    outcome = rpc_error(kToolboxConsentRequired, source->error_message);
  } else if (!source->error_code.empty()) {
    outcome = rpc_error(kToolboxCallFailed, source->error_message);
  } else {
    auto result = co_await source->session->call_tool(tool, arguments);
    if (result.ok()) {
      nlohmann::json answer = {{"content", result->content}, {"isError", result->is_error}};
      if (!result->structured.is_null()) answer["structuredContent"] = result->structured;
      outcome = std::move(answer);
    } else {
      // A protocol error of the server keeps its code; anything else is the proxy's failure.
      const auto shape = result.error().to_json(McpCallErrorFormat::structured);
      if (shape.value("type", "") == "mcp_protocol_error") {
        outcome = rpc_error(shape["code"].get<int>(), result.error().text());
      } else {
        outcome = rpc_error(kToolboxCallFailed, result.error().text());
      }
    }
  }
  if (source->session) co_await source->session->close();
  std::string recorded = "called";
  if (auto* error = std::get_if<jsonrpc::RpcError>(&outcome)) {
    recorded = error->code == kToolboxConsentRequired ? "CONSENT_REQUIRED"
               : source->error_code.empty()           ? "call_failed"
                                                      : source->error_code;
  }
  journal(target, *source, "tools/call", recorded);
  co_return outcome;
}

}  // namespace toolauth::emulator
