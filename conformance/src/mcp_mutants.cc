#include "toolauth/conformance/mcp_mutants.h"

namespace toolauth::conformance {

const std::vector<McpMutant>& mcp_mutants() {
  static const std::vector<McpMutant> mutants = {
      {"accept-expired", "bearer", {"mcp-server/token/expired"}},
      {"ignore-audience", "bearer", {"mcp-server/token/wrong-audience"}},
      {"accept-alg-none", "bearer", {"mcp-server/token/alg-none"}},
      {"no-challenge", "bearer", {"mcp-server/challenge/missing-token"}},
      {"error-without-credentials", "bearer", {"mcp-server/challenge/no-error-code"}},
      {"key-prefix-match", "api-key", {"mcp-server/api-key/prefix"}},
  };
  return mutants;
}

}  // namespace toolauth::conformance
