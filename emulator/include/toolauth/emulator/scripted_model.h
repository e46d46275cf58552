#pragma once
// The deterministic scripted model that stands in for an LLM (rules in emulator/README.md):
//   tool_choice "none"                      never calls a tool;
//   tool_choice "auto" (the default)        calls the tool the input names, else none;
//   tool_choice "required"                  the tool the input names, else the agent's first
//                                           available tool (servers in definition order, tools
//                                           in tools/list order, allowed_tools applied);
//   {"type":"mcp","server_label":L,"name":N} calls N on L (without name: as "required", on L).
// The input names a tool when the tool's name appears in the input text as a whole word; the
// earliest mention wins. Arguments are the first JSON object in the input text, else {}.
// Answers are fixed sentences built from what happened (answer_* below).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolauth/core/result.h"

namespace toolauth::emulator {

struct ToolCandidate {
  std::string server_label;
  std::string name;
};

struct PlannedCall {
  std::string server_label;
  std::string name;
  nlohmann::json arguments = nlohmann::json::object();
};

// Checks the shape of a request's tool_choice. Errors: core::Errc::invalid_argument.
core::Result<void> validate_tool_choice(const nlohmann::json& tool_choice);

// `candidates`: the tools the agent may call, in agent order.
std::optional<PlannedCall> plan_call(const nlohmann::json& tool_choice, std::string_view input_text,
                                     const std::vector<ToolCandidate>& candidates);

// The first JSON object embedded in `text`, or {}.
nlohmann::json arguments_from_input(std::string_view text);

std::string answer_completed(const PlannedCall& call, std::string_view output);
std::string answer_failed(const PlannedCall& call, std::string_view error);
std::string answer_not_approved(const PlannedCall& call);
std::string answer_without_tool(std::string_view input_text);

}  // namespace toolauth::emulator
