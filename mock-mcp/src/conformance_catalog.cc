#include "toolauth/mcp/conformance_catalog.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

namespace toolauth::mcp {

namespace {

using boost::asio::awaitable;

// A 1x1 PNG and a 16-sample 8-bit mono WAV: real media files, small enough to inline.
constexpr const char* kPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg"
    "==";
constexpr const char* kWav =
    "UklGRjQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YRAAAACAgICAgICAgICAgICAgICA";
constexpr std::chrono::milliseconds kStep{50};  // the suite expects notifications about 50 ms apart

nlohmann::json text_item(std::string text) { return {{"type", "text"}, {"text", std::move(text)}}; }
nlohmann::json image_item() {
  return {{"type", "image"}, {"data", kPng}, {"mimeType", "image/png"}};
}
nlohmann::json audio_item() {
  return {{"type", "audio"}, {"data", kWav}, {"mimeType", "audio/wav"}};
}
nlohmann::json resource_item(std::string uri, std::string text) {
  return {{"type", "resource"},
          {"resource",
           {{"uri", std::move(uri)}, {"mimeType", "text/plain"}, {"text", std::move(text)}}}};
}

awaitable<void> pause() {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, kStep);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

Tool simple(std::string name, std::string description, nlohmann::json content) {
  Tool t;
  t.name = std::move(name);
  t.description = std::move(description);
  t.input_schema = {{"type", "object"}, {"properties", nlohmann::json::object()}};
  t.run = [content = std::move(content)](const nlohmann::json&,
                                         ToolContext&) -> awaitable<ToolResult> {
    ToolOutput out;
    out.content = content;
    co_return out;
  };
  return t;
}

// Sends elicitation/create and reports what the client answered.
Tool elicitation(std::string name, std::string description, nlohmann::json requested_schema) {
  Tool t;
  t.name = std::move(name);
  t.description = std::move(description);
  t.input_schema = {{"type", "object"}, {"properties", {{"message", {{"type", "string"}}}}}};
  t.streams = true;
  t.run = [schema = std::move(requested_schema)](const nlohmann::json& arguments,
                                                 ToolContext& context) -> awaitable<ToolResult> {
    std::string message = "Please provide the requested information";
    if (auto it = arguments.find("message"); it != arguments.end() && it->is_string())
      message = it->get<std::string>();
    auto answer = co_await context.ask_client("elicitation/create",
                                              {{"message", message}, {"requestedSchema", schema}});
    if (!answer.ok()) co_return answer.error();
    co_return ToolOutput::text("Elicitation result: " + answer->dump());
  };
  return t;
}

std::vector<Tool> tools() {
  std::vector<Tool> out;
  // json::array(...) and never a braced list: {x} with one object x is x itself, not [x].
  using nlohmann::json;
  out.push_back(simple("test_simple_text", "Returns a text item",
                       json::array({text_item("This is a simple text response for testing.")})));
  out.push_back(simple("test_image_content", "Returns an image item", json::array({image_item()})));
  out.push_back(simple("test_audio_content", "Returns an audio item", json::array({audio_item()})));
  out.push_back(simple("test_embedded_resource", "Returns an embedded resource",
                       json::array({resource_item("test://embedded-resource",
                                                  "This is an embedded resource content.")})));
  out.push_back(simple(
      "test_multiple_content_types", "Returns text, image and resource items",
      json::array({text_item("Multiple content types test:"), image_item(),
                   resource_item("test://mixed-content-resource", "Mixed content resource")})));

  Tool logging;
  logging.name = "test_tool_with_logging";
  logging.description = "Sends log notifications while it runs";
  logging.input_schema = {{"type", "object"}, {"properties", nlohmann::json::object()}};
  logging.streams = true;
  logging.run = [](const nlohmann::json&, ToolContext& context) -> awaitable<ToolResult> {
    context.log("info", "Tool execution started");
    co_await pause();
    context.log("info", "Tool processing data");
    co_await pause();
    context.log("info", "Tool execution completed");
    co_return ToolOutput::text("Tool with logging executed successfully");
  };
  out.push_back(std::move(logging));

  Tool error;
  error.name = "test_error_handling";
  error.description = "Always fails with isError";
  error.input_schema = {{"type", "object"}, {"properties", nlohmann::json::object()}};
  error.run = [](const nlohmann::json&, ToolContext&) -> awaitable<ToolResult> {
    auto result = ToolOutput::text("This tool intentionally returns an error for testing");
    result.is_error = true;
    co_return result;
  };
  out.push_back(std::move(error));

  Tool progress;
  progress.name = "test_tool_with_progress";
  progress.description = "Reports progress 0, 50 and 100 of 100";
  progress.input_schema = {{"type", "object"}, {"properties", nlohmann::json::object()}};
  progress.streams = true;
  progress.run = [](const nlohmann::json&, ToolContext& context) -> awaitable<ToolResult> {
    context.progress(0, 100, "Starting");
    co_await pause();
    context.progress(50, 100, "Halfway");
    co_await pause();
    context.progress(100, 100, "Done");
    co_return ToolOutput::text("Tool with progress executed successfully");
  };
  out.push_back(std::move(progress));

  Tool sampling;
  sampling.name = "test_sampling";
  sampling.description = "Asks the client's model (sampling/createMessage) and returns its answer";
  sampling.input_schema = {{"type", "object"},
                           {"properties", {{"prompt", {{"type", "string"}}}}},
                           {"required", {"prompt"}}};
  sampling.streams = true;
  sampling.run = [](const nlohmann::json& arguments,
                    ToolContext& context) -> awaitable<ToolResult> {
    std::string prompt = "Test prompt for sampling";
    if (auto it = arguments.find("prompt"); it != arguments.end() && it->is_string())
      prompt = it->get<std::string>();
    auto answer = co_await context.ask_client(
        "sampling/createMessage",
        {{"messages", {{{"role", "user"}, {"content", {{"type", "text"}, {"text", prompt}}}}}},
         {"maxTokens", 100}});
    if (!answer.ok()) co_return answer.error();
    std::string text = answer->dump();
    if (auto content = answer->find("content"); content != answer->end() && content->is_object() &&
                                                content->contains("text") &&
                                                (*content)["text"].is_string()) {
      text = (*content)["text"].get<std::string>();
    }
    co_return ToolOutput::text("LLM response: " + text);
  };
  out.push_back(std::move(sampling));

  out.push_back(
      elicitation("test_elicitation", "Asks the user for input (elicitation/create)",
                  {{"type", "object"},
                   {"properties",
                    {{"username", {{"type", "string"}, {"description", "User's response"}}},
                     {"email", {{"type", "string"}, {"description", "User's email address"}}}}},
                   {"required", {"username", "email"}}}));
  out.push_back(elicitation(
      "test_elicitation_sep1034_defaults",
      "Elicitation whose schema carries default values (SEP-1034)",
      {{"type", "object"},
       {"properties",
        {{"name", {{"type", "string"}, {"description", "User name"}, {"default", "John Doe"}}},
         {"age", {{"type", "integer"}, {"description", "User age"}, {"default", 30}}},
         {"score", {{"type", "number"}, {"description", "User score"}, {"default", 95.5}}},
         {"status",
          {{"type", "string"},
           {"description", "User status"},
           {"enum", {"active", "inactive", "pending"}},
           {"default", "active"}}},
         {"verified",
          {{"type", "boolean"}, {"description", "Verification status"}, {"default", true}}}}}}));
  out.push_back(elicitation(
      "test_elicitation_sep1330_enums", "Elicitation with every enum form (SEP-1330)",
      {{"type", "object"},
       {"properties",
        {{"untitledSingle", {{"type", "string"}, {"enum", {"option1", "option2", "option3"}}}},
         {"titledSingle",
          {{"type", "string"},
           {"oneOf",
            {{{"const", "value1"}, {"title", "First Option"}},
             {{"const", "value2"}, {"title", "Second Option"}},
             {{"const", "value3"}, {"title", "Third Option"}}}}}},
         {"legacyEnum",
          {{"type", "string"},
           {"enum", {"opt1", "opt2", "opt3"}},
           {"enumNames", {"Option One", "Option Two", "Option Three"}}}},
         {"untitledMulti",
          {{"type", "array"},
           {"items", {{"type", "string"}, {"enum", {"option1", "option2", "option3"}}}}}},
         {"titledMulti",
          {{"type", "array"},
           {"items",
            {{"anyOf",
              {{{"const", "value1"}, {"title", "First Choice"}},
               {{"const", "value2"}, {"title", "Second Choice"}},
               {{"const", "value3"}, {"title", "Third Choice"}}}}}}}}}}}));

  Tool schema;
  schema.name = "json_schema_2020_12_tool";
  schema.description = "A tool whose input schema uses JSON Schema 2020-12 keywords";
  schema.input_schema = {
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"type", "object"},
      {"$defs",
       {{"address",
         {{"type", "object"},
          {"properties", {{"street", {{"type", "string"}}}, {"city", {{"type", "string"}}}}}}}}},
      {"properties", {{"name", {{"type", "string"}}}, {"address", {{"$ref", "#/$defs/address"}}}}},
      {"additionalProperties", false}};
  schema.run = [](const nlohmann::json& arguments, ToolContext&) -> awaitable<ToolResult> {
    co_return ToolOutput::text("Received: " + arguments.dump());
  };
  out.push_back(std::move(schema));
  return out;
}

}  // namespace

Catalog conformance_catalog() {
  Catalog c;
  c.tools = tools();
  c.resources = {
      {"test://static-text", "Static Text Resource", "A static text resource for testing",
       "text/plain", "This is the content of the static text resource.", "", false},
      {"test://static-binary", "Static Binary Resource", "A static binary resource (a PNG)",
       "image/png", "", kPng, false},
      {"test://watched-resource", "Watched Resource", "A resource clients may subscribe to",
       "text/plain", "Watched resource content", "", true},
      {"test://example-resource", "Example Resource",
       "Embedded by test_prompt_with_embedded_resource", "text/plain", "Example resource content",
       "", false},
  };
  ResourceTemplate data;
  data.uri_template = "test://template/{id}/data";
  data.name = "Resource Template";
  data.description = "A parameterised resource";
  data.mime_type = "application/json";
  data.read = [](const std::string& uri, const std::map<std::string, std::string>& variables) {
    const auto id = variables.at("id");
    return nlohmann::json{
        {"uri", uri},
        {"mimeType", "application/json"},
        {"text", nlohmann::json{{"id", id}, {"templateTest", true}, {"data", "Data for ID: " + id}}
                     .dump()}};
  };
  c.templates.push_back(std::move(data));

  auto user_text = [](std::string text) {
    return nlohmann::json{{"role", "user"},
                          {"content", {{"type", "text"}, {"text", std::move(text)}}}};
  };
  Prompt simple_prompt;
  simple_prompt.name = "test_simple_prompt";
  simple_prompt.description = "A prompt without arguments";
  simple_prompt.get =
      [user_text](const nlohmann::json&) -> core::Result<nlohmann::json, jsonrpc::RpcError> {
    return nlohmann::json{{"messages", {user_text("This is a simple prompt for testing.")}}};
  };
  Prompt with_arguments;
  with_arguments.name = "test_prompt_with_arguments";
  with_arguments.description = "A prompt with two required arguments";
  with_arguments.arguments = {{"arg1", "First test argument", true},
                              {"arg2", "Second test argument", true}};
  with_arguments.get =
      [user_text](const nlohmann::json& args) -> core::Result<nlohmann::json, jsonrpc::RpcError> {
    auto text = [&](const char* name) {
      return args.contains(name) && args[name].is_string() ? args[name].get<std::string>()
                                                           : std::string();
    };
    return nlohmann::json{{"messages",
                           {user_text("Prompt with arguments: arg1='" + text("arg1") + "', arg2='" +
                                      text("arg2") + "'")}}};
  };
  with_arguments.complete = [](std::string_view argument, std::string_view prefix) {
    std::vector<std::string> values;
    if (argument != "arg1") return values;
    for (const char* candidate : {"paris", "park", "party", "london", "lisbon"}) {
      if (std::string_view(candidate).starts_with(prefix)) values.emplace_back(candidate);
    }
    return values;
  };
  Prompt embedded;
  embedded.name = "test_prompt_with_embedded_resource";
  embedded.description = "A prompt embedding a resource";
  embedded.arguments = {{"resourceUri", "URI of the resource to embed", false}};
  embedded.get =
      [user_text](const nlohmann::json&) -> core::Result<nlohmann::json, jsonrpc::RpcError> {
    return nlohmann::json{
        {"messages",
         {{{"role", "user"},
           {"content", resource_item("test://example-resource", "Example resource content")}},
          user_text("Please process the embedded resource above.")}}};
  };
  Prompt image;
  image.name = "test_prompt_with_image";
  image.description = "A prompt with an image";
  image.get =
      [user_text](const nlohmann::json&) -> core::Result<nlohmann::json, jsonrpc::RpcError> {
    return nlohmann::json{{"messages",
                           {{{"role", "user"}, {"content", image_item()}},
                            user_text("Please analyze the image above.")}}};
  };
  c.prompts = {std::move(simple_prompt), std::move(with_arguments), std::move(embedded),
               std::move(image)};
  return c;
}

}  // namespace toolauth::mcp
