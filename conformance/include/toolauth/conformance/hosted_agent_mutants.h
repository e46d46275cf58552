#pragma once
// The emulator mutants of the hosted-agent platform (emulator/defects.h) and, for each,
// exactly the hosted-agent scenarios meant to catch it. The suite's self-test runs every one
// through the hosted-agent profile against the sample agent (examples/hosted-agent) and
// asserts that these scenarios, and no others, fail. Together with emulator_mutants() (the
// agent-service ones) they name every emulator defect once.

#include <vector>

#include "toolauth/conformance/emulator_mutants.h"

namespace toolauth::conformance {

const std::vector<EmulatorMutant>& hosted_agent_mutants();

}  // namespace toolauth::conformance
