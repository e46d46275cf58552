#include "toolauth/conformance/hosted_agent_mutants.h"

namespace toolauth::conformance {

const std::vector<EmulatorMutant>& hosted_agent_mutants() {
  static const std::vector<EmulatorMutant> mutants = {
      {"forward-authorization", {"hosted-agent/headers/no-caller-credentials"}},
      {"call-id-not-bound-to-user", {"hosted-agent/call-id/reuse-for-another-user-refused"}},
      {"consent-without-user", {"hosted-agent/identity/no-consent-without-user"}},
      {"agent-token-as-user", {"hosted-agent/toolbox/user-token-refused"}},
      {"obo-any-audience", {"hosted-agent/obo/outside-allow-list-refused"}},
  };
  return mutants;
}

}  // namespace toolauth::conformance
