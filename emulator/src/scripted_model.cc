#include "toolauth/emulator/scripted_model.h"

#include "toolauth/core/json.h"

namespace toolauth::emulator {

namespace {

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// Position of `word` as a whole word in `text`, or npos.
std::size_t find_word(std::string_view text, std::string_view word) {
  if (word.empty()) return std::string_view::npos;
  for (auto at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    const bool starts = at == 0 || !word_char(text[at - 1]);
    const bool ends = at + word.size() == text.size() || !word_char(text[at + word.size()]);
    if (starts && ends) return at;
  }
  return std::string_view::npos;
}

std::optional<ToolCandidate> named_in(std::string_view text,
                                      const std::vector<ToolCandidate>& candidates) {
  std::optional<ToolCandidate> best;
  std::size_t best_at = std::string_view::npos;
  for (const auto& c : candidates) {
    const auto at = find_word(text, c.name);
    if (at < best_at) {
      best_at = at;
      best = c;
    }
  }
  return best;
}

}  // namespace

core::Result<void> validate_tool_choice(const nlohmann::json& choice) {
  if (choice.is_null()) return {};
  if (choice.is_string()) {
    const auto s = choice.get<std::string>();
    if (s == "none" || s == "auto" || s == "required") return {};
    return core::Error{core::Errc::invalid_argument,
                       "tool_choice must be none, auto, required or an mcp tool choice"};
  }
  if (!choice.is_object() || choice.value("type", "") != "mcp") {
    return core::Error{core::Errc::invalid_argument,
                       "only {\"type\": \"mcp\", \"server_label\", \"name\"?} tool choices are "
                       "supported"};
  }
  for (const auto& [key, value] : choice.items()) {
    if (key != "type" && key != "server_label" && key != "name")
      return core::Error{core::Errc::invalid_argument, "tool_choice." + key + " is not supported"};
    if (!value.is_string())
      return core::Error{core::Errc::invalid_argument, "tool_choice." + key + " must be a string"};
  }
  if (!choice.contains("server_label"))
    return core::Error{core::Errc::invalid_argument, "tool_choice.server_label is required"};
  return {};
}

std::optional<PlannedCall> plan_call(const nlohmann::json& tool_choice, std::string_view input_text,
                                     const std::vector<ToolCandidate>& candidates) {
  auto planned = [&](const ToolCandidate& c) {
    return PlannedCall{c.server_label, c.name, arguments_from_input(input_text)};
  };
  const std::string mode = tool_choice.is_string() ? tool_choice.get<std::string>() : "";
  if (mode == "none") return std::nullopt;
  if (tool_choice.is_object()) {
    const auto label = tool_choice.value("server_label", std::string());
    if (auto name = tool_choice.find("name"); name != tool_choice.end())
      return PlannedCall{label, name->get<std::string>(), arguments_from_input(input_text)};
    std::vector<ToolCandidate> on_server;
    for (const auto& c : candidates) {
      if (c.server_label == label) on_server.push_back(c);
    }
    if (auto named = named_in(input_text, on_server)) return planned(*named);
    if (!on_server.empty()) return planned(on_server.front());
    return std::nullopt;
  }
  if (auto named = named_in(input_text, candidates)) return planned(*named);
  if (mode == "required" && !candidates.empty()) return planned(candidates.front());
  return std::nullopt;
}

nlohmann::json arguments_from_input(std::string_view text) {
  for (auto open = text.find('{'); open != std::string_view::npos;
       open = text.find('{', open + 1)) {
    // Find the brace that closes this one, skipping braces inside JSON strings.
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = open; i < text.size(); ++i) {
      const char c = text[i];
      if (in_string) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '"') in_string = true;
      if (c == '{') ++depth;
      if (c == '}' && --depth == 0) {
        auto parsed = core::parse_json(text.substr(open, i - open + 1));
        if (parsed.ok() && parsed->is_object()) return std::move(*parsed);
        break;
      }
    }
  }
  return nlohmann::json::object();
}

std::string answer_completed(const PlannedCall& call, std::string_view output) {
  return call.name + " on " + call.server_label + " returned: " + std::string(output);
}

std::string answer_failed(const PlannedCall& call, std::string_view error) {
  return call.name + " on " + call.server_label + " failed: " + std::string(error);
}

std::string answer_not_approved(const PlannedCall& call) {
  return "The call to " + call.name + " on " + call.server_label + " was not approved.";
}

std::string answer_without_tool(std::string_view input_text) {
  return "No tool was called. You said: " + std::string(input_text);
}

}  // namespace toolauth::emulator
