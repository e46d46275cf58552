#pragma once
// The default world for mock-idp tests, loaded from the fixture compiled into the library,
// with handles to its principals.

#include <gtest/gtest.h>

#include "toolauth/core/json.h"
#include "toolauth/idp/fixtures.h"
#include "toolauth/idp/idp_server.h"

namespace toolauth::idp::testing {

inline Directory default_directory(std::map<std::string, std::string> templates = {
                                       {"emulator_url", "https://localhost:4780"},
                                       {"emulator_http_url", "http://localhost:4784"},
                                       {"mcp_url", "https://localhost:4783"},
                                       {"idp_url", "https://localhost:4781"}}) {
  auto document = core::parse_json(default_idp_fixtures());
  EXPECT_TRUE(document.ok());
  auto directory = load_directory(*document, "default");
  EXPECT_TRUE(directory.ok()) << directory.error().message();
  resolve_templates(*directory, templates);
  return std::move(*directory);
}

}  // namespace toolauth::idp::testing
