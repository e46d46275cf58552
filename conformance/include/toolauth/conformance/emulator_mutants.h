#pragma once
// The emulator mutants (`toolauth emulator --defect NAME`, emulator/include/toolauth/emulator/
// defects.h) and, for each, exactly the agent-service scenarios meant to catch it. The suite's
// self-test runs every one through the agent-service profile and asserts that these
// scenarios, and no others, fail.

#include <string>
#include <vector>

namespace toolauth::conformance {

struct EmulatorMutant {
  std::string defect;                  // --defect NAME
  std::vector<std::string> caught_by;  // scenario ids that must fail
};

const std::vector<EmulatorMutant>& emulator_mutants();

}  // namespace toolauth::conformance
