#include "toolauth/mcp/default_tools.h"

#include "toolauth/mcp/notes_store.h"
#include "toolauth/service/clock_timer.h"

namespace toolauth::mcp {

namespace {

using boost::asio::awaitable;

// A tool's argument check failing is an execution error (isError), so a model can correct
// itself (2025-11-25, SEP-1303), not a protocol error.
ToolOutput invalid_arguments(std::string message) {
  auto out = ToolOutput::text("invalid arguments: " + std::move(message));
  out.is_error = true;
  return out;
}

const nlohmann::json* string_argument(const nlohmann::json& arguments, const char* name) {
  if (!arguments.is_object()) return nullptr;
  auto it = arguments.find(name);
  return it != arguments.end() && it->is_string() ? &*it : nullptr;
}

Tool whoami() {
  Tool t;
  t.name = "whoami";
  t.title = "Who am I";
  t.description =
      "The caller as this MCP server authenticated it: auth kind, key id or token claims.";
  t.input_schema = {{"type", "object"}, {"additionalProperties", false}};
  t.output_schema = {
      {"type", "object"},
      {"properties", {{"auth", {{"type", "string"}, {"enum", {"none", "api-key", "bearer"}}}}}},
      {"required", {"auth"}}};
  t.annotations = {{"readOnlyHint", true}};
  t.run = [](const nlohmann::json&, ToolContext& context) -> awaitable<ToolResult> {
    const auto who = context.principal().to_json();
    ToolOutput out = ToolOutput::text(who.dump());
    out.structured = who;
    co_return out;
  };
  return t;
}

Tool echo() {
  Tool t;
  t.name = "echo";
  t.title = "Echo";
  t.description = "Returns its message.";
  t.input_schema = {
      {"type", "object"},
      {"properties", {{"message", {{"type", "string"}, {"description", "The text to echo"}}}}},
      {"required", {"message"}}};
  t.annotations = {{"readOnlyHint", true}};
  t.run = [](const nlohmann::json& arguments, ToolContext&) -> awaitable<ToolResult> {
    const auto* message = string_argument(arguments, "message");
    if (message == nullptr) co_return invalid_arguments("message (a string) is required");
    co_return ToolOutput::text(message->get<std::string>());
  };
  return t;
}

Tool notes_add() {
  Tool t;
  t.name = "notes_add";
  t.title = "Add a note";
  t.description = "Stores a note for the calling user; only that user sees it.";
  t.input_schema = {
      {"type", "object"}, {"properties", {{"text", {{"type", "string"}}}}}, {"required", {"text"}}};
  t.run = [](const nlohmann::json& arguments, ToolContext& context) -> awaitable<ToolResult> {
    const auto* text = string_argument(arguments, "text");
    if (text == nullptr) co_return invalid_arguments("text (a string) is required");
    if (!context.notes().add(context.principal().partition(), text->get<std::string>(),
                             context.clock().now())) {
      co_return invalid_arguments("the note is too long or this principal has too many notes");
    }
    co_return ToolOutput::text("saved");
  };
  return t;
}

Tool notes_list() {
  Tool t;
  t.name = "notes_list";
  t.title = "List my notes";
  t.description = "The notes the calling user stored.";
  t.input_schema = {{"type", "object"}, {"additionalProperties", false}};
  t.output_schema = {{"type", "object"},
                     {"properties", {{"notes", {{"type", "array"}}}}},
                     {"required", {"notes"}}};
  t.annotations = {{"readOnlyHint", true}};
  t.run = [](const nlohmann::json&, ToolContext& context) -> awaitable<ToolResult> {
    nlohmann::json notes = nlohmann::json::array();
    for (const auto& note : context.notes().list(context.principal().partition())) {
      notes.push_back({{"text", note.text}, {"created", note.created}});
    }
    nlohmann::json structured = {{"notes", notes}};
    ToolOutput out = ToolOutput::text(structured.dump());
    out.structured = std::move(structured);
    co_return out;
  };
  return t;
}

Tool fail() {
  Tool t;
  t.name = "fail";
  t.title = "Fail";
  t.description =
      "Fails on purpose: mode 'tool' returns isError, mode 'protocol' a JSON-RPC error.";
  t.input_schema = {{"type", "object"},
                    {"properties",
                     {{"mode", {{"type", "string"}, {"enum", {"tool", "protocol"}}}},
                      {"message", {{"type", "string"}}},
                      {"code", {{"type", "integer"}}}}},
                    {"required", {"mode"}}};
  t.run = [](const nlohmann::json& arguments, ToolContext&) -> awaitable<ToolResult> {
    const auto* mode = string_argument(arguments, "mode");
    const auto* text = string_argument(arguments, "message");
    const std::string message = text ? text->get<std::string>() : std::string("failure requested");
    if (mode != nullptr && *mode == "protocol") {
      int code = jsonrpc::kInternalError;
      if (auto it = arguments.find("code"); it != arguments.end() && it->is_number_integer())
        code = it->get<int>();
      co_return jsonrpc::RpcError{code, message, std::nullopt};
    }
    if (mode == nullptr || *mode != "tool")
      co_return invalid_arguments("mode must be 'tool' or 'protocol'");
    auto out = ToolOutput::text(message);
    out.is_error = true;
    co_return out;
  };
  return t;
}

Tool slow() {
  Tool t;
  t.name = "slow";
  t.title = "Slow";
  t.description = "Waits `seconds` on the server's clock, reporting progress in `steps`.";
  t.input_schema = {{"type", "object"},
                    {"properties",
                     {{"seconds", {{"type", "number"}, {"minimum", 0}, {"maximum", 3600}}},
                      {"steps", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}}}}},
                    {"required", {"seconds"}}};
  t.streams = true;
  t.run = [](const nlohmann::json& arguments, ToolContext& context) -> awaitable<ToolResult> {
    auto seconds_it = arguments.is_object() ? arguments.find("seconds") : arguments.end();
    if (seconds_it == arguments.end() || !seconds_it->is_number() ||
        seconds_it->get<double>() < 0 || seconds_it->get<double>() > 3600) {
      co_return invalid_arguments("seconds must be a number in [0, 3600]");
    }
    std::int64_t steps = 5;
    if (auto it = arguments.find("steps"); it != arguments.end()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 1 ||
          it->get<std::int64_t>() > 100) {
        co_return invalid_arguments("steps must be an integer in [1, 100]");
      }
      steps = it->get<std::int64_t>();
    }
    const auto total = std::chrono::duration_cast<core::Clock::duration>(
        std::chrono::duration<double>(seconds_it->get<double>()));
    const auto start = context.clock().now();
    for (std::int64_t step = 0; step < steps; ++step) {
      context.progress(static_cast<double>(step), static_cast<double>(steps));
      co_await service::wait_until(context.clock(), start + total * (step + 1) / steps);
      if (context.cancelled()) co_return ToolOutput::text("cancelled");
    }
    context.progress(static_cast<double>(steps), static_cast<double>(steps));
    co_return ToolOutput::text("done after " + std::to_string(seconds_it->get<double>()) + " s");
  };
  return t;
}

}  // namespace

Catalog default_tools() {
  Catalog catalog;
  catalog.tools = {whoami(), echo(), notes_add(), notes_list(), fail(), slow()};
  catalog.instructions = "toolauth mock MCP server: call whoami to see how you were authenticated.";
  return catalog;
}

}  // namespace toolauth::mcp
