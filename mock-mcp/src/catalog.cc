#include "toolauth/mcp/catalog.h"

#include <algorithm>
#include <array>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>

#include "toolauth/jsonrpc/message.h"

namespace toolauth::mcp {

namespace {

constexpr std::array<std::string_view, 8> kLogLevels = {"debug", "info",     "notice", "warning",
                                                        "error", "critical", "alert",  "emergency"};
// How long a tool waits for the client to answer a server request before giving up.
constexpr std::chrono::seconds kClientAnswerTimeout{60};

int severity(std::string_view level) {
  auto it = std::find(kLogLevels.begin(), kLogLevels.end(), level);
  return it == kLogLevels.end() ? -1 : static_cast<int>(it - kLogLevels.begin());
}

}  // namespace

ToolOutput ToolOutput::text(std::string text) {
  ToolOutput out;
  auto& item = out.content.emplace_back(nlohmann::json::object());
  item["type"] = "text";
  item["text"] = std::move(text);
  return out;
}

nlohmann::json ToolOutput::to_json() const& { return ToolOutput(*this).to_json(); }

nlohmann::json ToolOutput::to_json() && {
  nlohmann::json out = nlohmann::json::object();
  out["content"] = std::move(content);
  if (structured) out["structuredContent"] = std::move(*structured);
  if (is_error) out["isError"] = true;
  return out;
}

ToolContext::ToolContext(const Principal& principal, Session& session, const core::Clock& clock,
                         NotesStore& notes, std::function<void(nlohmann::json)> emit,
                         std::optional<nlohmann::json> progress_token, std::string request_id)
    : principal_(&principal),
      session_(&session),
      clock_(&clock),
      notes_(&notes),
      emit_(std::move(emit)),
      progress_token_(std::move(progress_token)),
      request_id_(std::move(request_id)) {}

void ToolContext::progress(double progress, std::optional<double> total, std::string message) {
  if (!emit_ || !progress_token_) return;
  nlohmann::json params = {{"progressToken", *progress_token_}, {"progress", progress}};
  if (total) params["total"] = *total;
  if (!message.empty()) params["message"] = std::move(message);
  emit_({{"jsonrpc", "2.0"}, {"method", "notifications/progress"}, {"params", params}});
}

void ToolContext::log(std::string_view level, nlohmann::json data, std::string logger) {
  if (severity(level) < 0 || severity(level) < severity(session_->log_level)) return;
  nlohmann::json message = {
      {"jsonrpc", "2.0"},
      {"method", "notifications/message"},
      {"params", {{"level", level}, {"logger", std::move(logger)}, {"data", std::move(data)}}}};
  if (emit_) {
    emit_(std::move(message));
  } else {
    session_->notify(std::move(message));
  }
}

boost::asio::awaitable<core::Result<nlohmann::json, jsonrpc::RpcError>> ToolContext::ask_client(
    std::string method, nlohmann::json params) {
  using namespace boost::asio::experimental::awaitable_operators;
  if (!emit_) {
    co_return jsonrpc::RpcError{
        jsonrpc::kInternalError,
        "the server cannot ask the client anything on a JSON response; accept text/event-stream",
        std::nullopt};
  }
  auto executor = co_await boost::asio::this_coro::executor;
  const auto id = session_->next_request_id();
  // Answers are matched by the id as JSON text, the form jsonrpc::id_to_string gives them.
  const auto key = jsonrpc::id_to_string(jsonrpc::Id{id});
  auto answer = session_->await_answer(key, executor);
  emit_({{"jsonrpc", "2.0"},
         {"id", id},
         {"method", std::move(method)},
         {"params", std::move(params)}});
  boost::asio::steady_timer timeout(executor, kClientAnswerTimeout);
  auto outcome = co_await (answer->pop() ||
                           timeout.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable)));
  if (outcome.index() == 1 || !std::get<0>(outcome)) {
    session_->forget_request(key);
    co_return jsonrpc::RpcError{jsonrpc::kInternalError, "the client did not answer " + id,
                                std::nullopt};
  }
  const auto& response = *std::get<0>(outcome);
  if (auto error = response.find("error"); error != response.end() && error->is_object()) {
    const int code = error->contains("code") && (*error)["code"].is_number_integer()
                         ? (*error)["code"].get<int>()
                         : jsonrpc::kInternalError;
    const std::string text = error->contains("message") && (*error)["message"].is_string()
                                 ? (*error)["message"].get<std::string>()
                                 : "client error";
    co_return jsonrpc::RpcError{code, text, std::nullopt};
  }
  co_return response.contains("result") ? response["result"] : nlohmann::json::object();
}

bool ToolContext::cancelled() const { return session_->cancelled(request_id_); }

nlohmann::json Tool::to_json() const {
  nlohmann::json out = {
      {"name", name}, {"description", description}, {"inputSchema", input_schema}};
  if (!title.empty()) out["title"] = title;
  if (!output_schema.is_null()) out["outputSchema"] = output_schema;
  if (!annotations.is_null()) out["annotations"] = annotations;
  return out;
}

nlohmann::json Resource::to_json() const {
  nlohmann::json out = {{"uri", uri}, {"name", name}};
  if (!description.empty()) out["description"] = description;
  if (!mime_type.empty()) out["mimeType"] = mime_type;
  return out;
}

nlohmann::json Resource::contents_json() const {
  nlohmann::json out = {{"uri", uri}};
  if (!mime_type.empty()) out["mimeType"] = mime_type;
  if (!blob.empty()) {
    out["blob"] = blob;
  } else {
    out["text"] = text;
  }
  return out;
}

nlohmann::json ResourceTemplate::to_json() const {
  nlohmann::json out = {{"uriTemplate", uri_template}, {"name", name}};
  if (!description.empty()) out["description"] = description;
  if (!mime_type.empty()) out["mimeType"] = mime_type;
  return out;
}

std::optional<std::map<std::string, std::string>> ResourceTemplate::match(
    std::string_view uri) const {
  std::map<std::string, std::string> variables;
  std::string_view pattern = uri_template;
  while (!pattern.empty()) {
    const auto open = pattern.find('{');
    const auto literal = pattern.substr(0, open);
    if (uri.substr(0, literal.size()) != literal) return std::nullopt;
    uri.remove_prefix(literal.size());
    if (open == std::string_view::npos) break;
    const auto close = pattern.find('}', open);
    if (close == std::string_view::npos) return std::nullopt;
    const auto name = pattern.substr(open + 1, close - open - 1);
    pattern.remove_prefix(close + 1);
    // A variable (RFC 6570 simple expansion) runs up to the next literal, never across '/'.
    const auto next_open = pattern.find('{');
    const auto next_literal = pattern.substr(0, next_open);
    const auto end = next_literal.empty() ? uri.size() : uri.find(next_literal);
    if (end == std::string_view::npos || end == 0) return std::nullopt;
    const auto value = uri.substr(0, end);
    if (value.find('/') != std::string_view::npos) return std::nullopt;
    variables[std::string(name)] = std::string(value);
    uri.remove_prefix(end);
  }
  if (!uri.empty()) return std::nullopt;
  return variables;
}

nlohmann::json Prompt::to_json() const {
  nlohmann::json out = {{"name", name}};
  if (!title.empty()) out["title"] = title;
  if (!description.empty()) out["description"] = description;
  if (!arguments.empty()) {
    auto& list = out["arguments"] = nlohmann::json::array();
    for (const auto& a : arguments) {
      list.push_back({{"name", a.name}, {"description", a.description}, {"required", a.required}});
    }
  }
  return out;
}

const Tool* Catalog::tool(std::string_view name) const {
  auto it = std::find_if(tools.begin(), tools.end(), [&](const Tool& t) { return t.name == name; });
  return it == tools.end() ? nullptr : &*it;
}

const Resource* Catalog::resource(std::string_view uri) const {
  auto it = std::find_if(resources.begin(), resources.end(),
                         [&](const Resource& r) { return r.uri == uri; });
  return it == resources.end() ? nullptr : &*it;
}

const Prompt* Catalog::prompt(std::string_view name) const {
  auto it =
      std::find_if(prompts.begin(), prompts.end(), [&](const Prompt& p) { return p.name == name; });
  return it == prompts.end() ? nullptr : &*it;
}

void Catalog::add(Catalog other) {
  for (auto& t : other.tools) {
    if (!tool(t.name)) tools.push_back(std::move(t));
  }
  for (auto& r : other.resources) {
    if (!resource(r.uri)) resources.push_back(std::move(r));
  }
  for (auto& t : other.templates) templates.push_back(std::move(t));
  for (auto& p : other.prompts) {
    if (!prompt(p.name)) prompts.push_back(std::move(p));
  }
  if (instructions.empty()) instructions = std::move(other.instructions);
}

}  // namespace toolauth::mcp
