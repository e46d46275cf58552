#include "toolauth/conformance/emulator_mutants.h"

namespace toolauth::conformance {

const std::vector<EmulatorMutant>& emulator_mutants() {
  static const std::vector<EmulatorMutant> mutants = {
      {"leak-key-across-connections", {"agent-service/key/not-sent-elsewhere"}},
      {"wrong-key-header", {"agent-service/key/header-sent"}},
      {"key-in-output", {"agent-service/key/absent-from-output"}},
      {"stale-key", {"agent-service/key/rotation"}},
      {"mi-ignore-audience", {"agent-service/managed-identity/audience-and-oid"}},
      {"mi-no-cache", {"agent-service/managed-identity/token-cached"}},
      {"user-token-as-agent", {"agent-service/agent-identity/oid-is-agent"}},
      {"shared-agent-identity", {"agent-service/agent-identity/per-agent"}},
      {"no-pkce", {"agent-service/oauth/first-use-consent"}},
      {"consent-not-per-user", {"agent-service/oauth/per-user"}},
      {"consent-not-per-connection", {"agent-service/oauth/per-connection"}},
      {"consent-not-per-project", {"agent-service/oauth/per-project"}},
      {"skip-state-check", {"agent-service/oauth/state-tampering"}},
      {"reusable-consent-link", {"agent-service/oauth/consent-link-replay"}},
      {"declined-500", {"agent-service/oauth/declined"}},
      {"no-refresh", {"agent-service/oauth/refresh-on-expiry"}},
      {"reuse-refresh-token", {"agent-service/oauth/refresh-rotation"}},
      {"no-single-flight", {"agent-service/oauth/concurrent-single-refresh"}},
      {"retry-loop-on-401", {"agent-service/oauth/mcp-401-one-refresh"}},
      {"token-in-output", {"agent-service/oauth/no-token-in-output"}},
      {"accept-cross-tenant", {"agent-service/oauth/cross-tenant-refused"}},
      {"vault-in-memory", {"agent-service/oauth/survives-restart"}},
      {"obo-wrong-scope", {"agent-service/user-entra/obo-claims"}},
      {"approval-skips-consent", {"agent-service/approvals/with-consent"}},
  };
  return mutants;
}

}  // namespace toolauth::conformance
