#pragma once
// The mock-mcp mutants (mock-mcp/include/toolauth/mcp/defects.h) and, for each, the mount it
// is certified on and exactly the mcp-server scenarios meant to catch it. The suite's
// self-test runs every one and asserts that these scenarios, and no others, fail.

#include <string>
#include <vector>

namespace toolauth::conformance {

struct McpMutant {
  std::string defect;                  // --defect NAME
  std::string mount;                   // the default world's mount to certify
  std::vector<std::string> caught_by;  // scenario ids that must fail
};

const std::vector<McpMutant>& mcp_mutants();

}  // namespace toolauth::conformance
