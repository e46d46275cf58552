#include "toolauth/conformance/foundry_driver.h"

#include "toolauth/core/json.h"
#include "toolauth/http/params.h"

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

core::Error refused(const std::string& what, const http::ClientResponse& response) {
  auto body = core::parse_json(response.body);
  std::string detail = what + " answered " + std::to_string(response.status);
  if (body.ok() && body->is_object() && (*body)["error"].is_object()) {
    const auto& e = (*body)["error"];
    detail += " " + e.value("code", std::string()) + ": " + e.value("message", std::string());
  }
  return core::Error{core::make_error_code(core::Errc::invalid_argument), detail};
}

std::string key_of(const std::string& project, const std::string& name) {
  return project + "/" + name;
}

const nlohmann::json* find_connection(const nlohmann::json& connections, const std::string& project,
                                      const std::string& name) {
  for (const auto& c : connections) {
    if (c.value("project", "") == project && c.value("name", "") == name) return &c;
  }
  return nullptr;
}

// The tool's arguments ride in the input as JSON: the emulator's scripted model takes the first
// JSON object of the text, and a real model is told the same in words.
std::string input_for(const InvokeRequest& request) {
  return "Call the tool " + request.tool + " with these arguments: " + request.arguments.dump();
}

}  // namespace

nlohmann::json arm_connection_body(const nlohmann::json& c) {
  nlohmann::json p = {{"category", "RemoteTool"},
                      {"authType", c.value("auth_type", "None")},
                      {"target", c.value("target", "")}};
  if (c.contains("audience")) p["audience"] = c["audience"];
  if (c.contains("credentials") && c["credentials"].contains("keys"))
    p["credentials"] = {{"keys", c["credentials"]["keys"]}};
  if (c.value("auth_type", "") == "OAuth2") {
    nlohmann::json credentials = {{"clientId", c.value("client_id", "")}};
    if (c.contains("client_secret")) credentials["clientSecret"] = c["client_secret"];
    p["credentials"] = credentials;
    p["authorizationUrl"] = c.value("authorization_url", "");
    p["tokenUrl"] = c.value("token_url", "");
    p["refreshUrl"] = c.value("refresh_url", c.value("token_url", ""));
  }
  if (c.contains("scopes")) p["scopes"] = c["scopes"];
  return {{"properties", p}};
}

nlohmann::json agent_body(const nlohmann::json& agent, const nlohmann::json& connection) {
  const auto name = connection.value("name", "");
  nlohmann::json tool = {{"type", "mcp"},
                         {"server_label", name},
                         {"server_url", connection.value("target", "")},
                         {"project_connection_id", name},
                         {"require_approval", agent.value("require_approval", "never")}};
  return {{"name", agent.value("name", "")},
          {"definition",
           {{"kind", "prompt"},
            {"model", "gpt-4.1"},
            {"instructions", "Call the tool the user names with the arguments given as JSON."},
            {"tools", nlohmann::json::array({tool})}}}};
}

DriverAnswer map_response(int status, const nlohmann::json& body) {
  if (status != 200) {
    const auto& e = body.is_object() && body.contains("error") && body["error"].is_object()
                        ? body["error"]
                        : nlohmann::json::object();
    return ToolError{e.value("code", "http_" + std::to_string(status)),
                     e.value("message", std::string()), body, status};
  }
  const auto output =
      body.is_object() ? body.value("output", nlohmann::json::array()) : nlohmann::json::array();
  // A consent request wins wherever it stands: after a 401 in mid-session whose refresh needs
  // a new consent, the failed mcp_call comes first and the response ends with the request.
  for (const auto& item : output) {
    if (item.is_object() && item.value("type", "") == "oauth_consent_request")
      return ConsentRequired{item.value("consent_link", ""), body};
  }
  std::string list_error;
  for (const auto& item : output) {
    if (!item.is_object()) continue;
    const auto type = item.value("type", "");
    if (type == "mcp_approval_request")
      return ApprovalRequired{item.value("id", std::string()), body};
    if (type == "mcp_list_tools" && item.contains("error") && item["error"].is_string())
      list_error = item["error"];
    if (type != "mcp_call") continue;
    if (item.value("status", "") == "completed" && item.contains("output")) {
      nlohmann::json result = item["output"];
      // MCP tools answer text; JSON text (whoami, echo) is judged as JSON.
      if (result.is_string()) {
        if (auto parsed = core::parse_json(result.get<std::string>()); parsed.ok())
          result = std::move(*parsed);
      }
      return ToolResult{result, body};
    }
    const auto& error = item.contains("error") ? item["error"] : nlohmann::json();
    return ToolError{"tool_failed", error.is_string() ? error.get<std::string>() : error.dump(),
                     body, status};
  }
  if (!list_error.empty()) return ToolError{"list_tools_failed", list_error, body, status};
  return ToolError{"no_tool_call", "the response called no tool", body, status};
}

FoundryDriver::FoundryDriver(boost::asio::any_io_executor executor, FoundryDriverOptions options)
    : options_(std::move(options)),
      client_(std::make_unique<http::Client>(
          executor, http::ClientOptions{.ca_file = options_.ca_file,
                                        .extra_ca_files = options_.extra_ca_files})) {}

FoundryDriver::~FoundryDriver() = default;

awaitable<core::Result<http::ClientResponse>> FoundryDriver::send(http::Method method,
                                                                  std::string url,
                                                                  const std::string& token,
                                                                  const nlohmann::json& body) {
  http::ClientRequest request{.method = method, .url = std::move(url)};
  request.headers.set("Authorization", "Bearer " + token);
  if (!body.is_null()) {
    request.headers.set("Content-Type", "application/json");
    request.body = body.dump();
  }
  co_return co_await client_->send(std::move(request));
}

awaitable<core::Result<DriverHello>> FoundryDriver::hello() {
  auto token = co_await options_.setup_token();
  if (!token.ok()) co_return token.error();
  const auto url = options_.endpoint + "/api/projects/" + options_.probe_project +
                   "/connections?api-version=" + std::string(kDataPlaneApiVersion);
  auto reply = co_await send(http::Method::get, url, *token, nullptr);
  if (!reply.ok()) co_return reply.error();
  if (reply->status != 200) co_return refused("GET connections", *reply);
  DriverHello hello;
  hello.capabilities = {"approvals", "reconfigure"};
  if (options_.restart) hello.capabilities.insert("restart");
  if (options_.shares_clock) hello.capabilities.insert("clock");
  hello.implementation = {{"name", "foundry"}, {"endpoint", options_.endpoint}};
  co_return hello;
}

awaitable<core::Result<std::string>> FoundryDriver::put_connection(const nlohmann::json& c) {
  auto token = co_await options_.setup_token();
  if (!token.ok()) co_return token.error();
  const auto project = c.value("project", "");
  const auto name = c.value("name", "");
  const auto url = options_.endpoint + "/subscriptions/" + options_.arm.subscription +
                   "/resourceGroups/" + options_.arm.resource_group +
                   "/providers/Microsoft.CognitiveServices/accounts/" + options_.arm.account +
                   "/projects/" + project + "/connections/" + name +
                   "?api-version=" + std::string(kArmApiVersion);
  auto reply = co_await send(http::Method::put, url, *token, arm_connection_body(c));
  if (!reply.ok()) co_return reply.error();
  if (reply->status != 200 && reply->status != 201)
    co_return refused("PUT connection " + key_of(project, name), *reply);
  evidence_.push_back(
      {{"request", "PUT connection " + key_of(project, name)}, {"status", reply->status}});
  auto body = core::parse_json(reply->body);
  if (body.ok() && body->is_object() && (*body)["properties"].is_object())
    co_return (*body)["properties"].value("redirectUrl", std::string());
  co_return std::string();
}

awaitable<core::Result<SetupAnswer>> FoundryDriver::setup(const nlohmann::json& setup) {
  SetupAnswer answer;
  const auto connections = setup.value("connections", nlohmann::json::array());
  for (const auto& c : connections) {
    auto redirect = co_await put_connection(c);
    if (!redirect.ok()) co_return redirect.error();
    if (!redirect->empty() && std::find(answer.redirect_uris.begin(), answer.redirect_uris.end(),
                                        *redirect) == answer.redirect_uris.end())
      answer.redirect_uris.push_back(*redirect);
  }
  auto token = co_await options_.setup_token();
  if (!token.ok()) co_return token.error();
  for (const auto& agent : setup.value("agents", nlohmann::json::array())) {
    const auto project = agent.value("project", "");
    const auto name = agent.value("name", "");
    const auto* connection = find_connection(connections, project, agent.value("connection", ""));
    if (connection == nullptr)
      co_return core::Error{core::make_error_code(core::Errc::invalid_argument),
                            "agent " + key_of(project, name) + " names no setup connection"};
    const auto url = options_.endpoint + "/api/projects/" + project +
                     "/agents?api-version=" + std::string(kDataPlaneApiVersion);
    auto reply = co_await send(http::Method::post, url, *token, agent_body(agent, *connection));
    if (!reply.ok()) co_return reply.error();
    if (reply->status != 200 && reply->status != 201)
      co_return refused("POST agent " + key_of(project, name), *reply);
    evidence_.push_back(
        {{"request", "POST agent " + key_of(project, name)}, {"status", reply->status}});
    const auto connection_name = connection->value("name", "");
    agent_labels_[key_of(project, name)] = connection_name;
    if (agent.value("require_approval", "never") == "never" &&
        !default_agents_.contains(key_of(project, connection_name)))
      default_agents_[key_of(project, connection_name)] = name;
  }
  co_return answer;
}

awaitable<core::Result<void>> FoundryDriver::reconfigure(const nlohmann::json& connection) {
  auto put = co_await put_connection(connection);
  if (!put.ok()) co_return put.error();
  co_return core::Result<void>{};
}

awaitable<core::Result<DriverAnswer>> FoundryDriver::invoke(InvokeRequest request) {
  std::string agent;
  if (request.agent) {
    agent = *request.agent;
  } else if (auto found = default_agents_.find(key_of(request.project, request.connection));
             found != default_agents_.end()) {
    agent = found->second;
  } else {
    co_return core::Error{
        core::make_error_code(core::Errc::invalid_argument),
        "setup created no agent for " + key_of(request.project, request.connection)};
  }
  const auto label = agent_labels_.find(key_of(request.project, agent));
  nlohmann::json body = {
      {"agent", {{"type", "agent_reference"}, {"name", agent}}},
      {"tool_choice",
       {{"type", "mcp"},
        {"server_label", label == agent_labels_.end() ? request.connection : label->second},
        {"name", request.tool}}}};
  if (request.continues) {
    const auto previous = responses_.find(*request.continues);
    if (previous == responses_.end())
      co_return core::Error{core::make_error_code(core::Errc::invalid_argument),
                            "no earlier invoke " + *request.continues};
    body["previous_response_id"] = previous->second;
    if (request.approve) {
      const auto asked = approvals_.find(*request.continues);
      if (asked == approvals_.end())
        co_return core::Error{core::make_error_code(core::Errc::invalid_argument),
                              "invoke " + *request.continues + " asked for no approval"};
      body["input"] = nlohmann::json::array({{{"type", "mcp_approval_response"},
                                              {"approval_request_id", asked->second},
                                              {"approve", *request.approve}}});
    }
  } else {
    body["input"] = input_for(request);
  }
  const auto url = options_.endpoint + "/api/projects/" + request.project + "/openai/v1/responses";
  auto reply = co_await send(http::Method::post, url, request.user.token, body);
  if (!reply.ok()) co_return reply.error();
  auto parsed = core::parse_json(reply->body);
  const nlohmann::json answer = parsed.ok() ? *parsed : nlohmann::json(nullptr);
  if (reply->status == 200 && answer.is_object() && answer.contains("id") &&
      answer["id"].is_string())
    responses_[request.id] = answer["id"].get<std::string>();
  evidence_.push_back({{"request", "POST responses " + key_of(request.project, agent) + " " +
                                       request.tool + " as " + request.user.name},
                       {"status", reply->status},
                       {"response_status", answer.is_object() ? answer.value("status", "") : ""}});
  auto mapped = map_response(reply->status, answer);
  if (const auto* approval = std::get_if<ApprovalRequired>(&mapped))
    approvals_[request.id] = approval->request_id;
  co_return mapped;
}

awaitable<core::Result<void>> FoundryDriver::forget_consents(const DriverUser& user) {
  if (!options_.forget_consents) co_return unsupported_operation();
  co_return co_await options_.forget_consents(user.name);
}

awaitable<core::Result<void>> FoundryDriver::restart() {
  if (!options_.restart) co_return unsupported_operation();
  client_->close_idle();
  auto endpoint = co_await options_.restart();
  if (!endpoint.ok()) co_return endpoint.error();
  options_.endpoint = *endpoint;
  co_return core::Result<void>{};
}

awaitable<void> FoundryDriver::bye() {
  client_->close_idle();
  co_return;
}

nlohmann::json FoundryDriver::evidence() {
  auto out = std::move(evidence_);
  evidence_ = nlohmann::json::array();
  return out;
}

}  // namespace toolauth::conformance
