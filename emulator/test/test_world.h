#pragma once
// The built-in emulator world for unit tests, with fixed template values.

#include <map>
#include <stdexcept>
#include <string>

#include "toolauth/core/json.h"
#include "toolauth/emulator/world.h"

namespace toolauth::emulator::testing {

inline const std::map<std::string, std::string>& fixed_templates() {
  static const std::map<std::string, std::string> values = {
      {"idp_url", "https://localhost:4781"},
      {"mcp_url", "https://localhost:4783"},
      {"emulator_url", "https://localhost:4780"},
      {"emulator_http_url", "http://localhost:4784"}};
  return values;
}

inline nlohmann::json default_world_document() {
  auto document = core::parse_json(default_emulator_fixtures());
  if (!document.ok()) throw std::runtime_error(document.error().message());
  return std::move(*document);
}

inline EmulatorWorld default_world() {
  auto world = load_world(default_world_document(), "emulator.json", fixed_templates());
  if (!world.ok()) throw std::runtime_error(world.error().message());
  return std::move(*world);
}

}  // namespace toolauth::emulator::testing
