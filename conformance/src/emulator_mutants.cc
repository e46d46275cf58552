#include "toolauth/conformance/emulator_mutants.h"

namespace toolauth::conformance {

const std::vector<EmulatorMutant>& emulator_mutants() {
  static const std::vector<EmulatorMutant> mutants = {
      {"leak-key-across-connections", {"agent-service/key/not-sent-elsewhere"}},
      // mock-mcp's journal redacts header values, so a request to the functions server carrying
      // X-API-Key (its own key under api-key's header name) cannot be told from api-key's key
      // reaching it: not-sent-elsewhere must presume the leak.
      {"wrong-key-header",
       {"agent-service/key/header-sent", "agent-service/key/not-sent-elsewhere"}},
      {"key-in-output", {"agent-service/key/absent-from-output"}},
      {"stale-key", {"agent-service/key/rotation"}},
      {"mi-ignore-audience", {"agent-service/managed-identity/audience-and-oid"}},
      {"mi-no-cache", {"agent-service/managed-identity/token-cached"}},
      // Both agents act as alice: the two agents' identities are one and the same oid.
      {"user-token-as-agent",
       {"agent-service/agent-identity/oid-is-agent", "agent-service/agent-identity/per-agent"}},
      {"shared-agent-identity", {"agent-service/agent-identity/per-agent"}},
      // mock-idp insists on PKCE (as OAuth 2.1 does), so no consent ever completes: every
      // scenario that needs a user's consent fails with "no consent could be completed" (and
      // declined never reaches the consent page); first-use-consent names the cause.
      {"no-pkce",
       {"agent-service/oauth/first-use-consent", "agent-service/oauth/resend-after-consent",
        "agent-service/oauth/per-user", "agent-service/oauth/per-connection",
        "agent-service/oauth/per-project", "agent-service/oauth/consent-link-replay",
        "agent-service/oauth/declined", "agent-service/oauth/no-token-in-output",
        "agent-service/approvals/with-consent", "agent-service/oauth/refresh-on-expiry",
        "agent-service/oauth/revoked-refresh-reconsent", "agent-service/oauth/refresh-rotation",
        "agent-service/oauth/concurrent-single-refresh", "agent-service/oauth/mcp-401-one-refresh",
        "agent-service/oauth/survives-restart"}},
      {"consent-not-per-user", {"agent-service/oauth/per-user"}},
      {"consent-not-per-connection", {"agent-service/oauth/per-connection"}},
      {"consent-not-per-project", {"agent-service/oauth/per-project"}},
      {"skip-state-check", {"agent-service/oauth/state-tampering"}},
      {"reusable-consent-link", {"agent-service/oauth/consent-link-replay"}},
      {"declined-500", {"agent-service/oauth/declined"}},
      // Concurrent calls that need a refresh get a new consent request instead: zero refreshes
      // where exactly one is due.
      {"no-refresh",
       {"agent-service/oauth/refresh-on-expiry", "agent-service/oauth/concurrent-single-refresh"}},
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
