#pragma once
// The console: one progress line per scenario as it ends, then a summary table.
//
//   [ 3/18] PASS  mcp-server/token/expired                       0.02s
//   [ 4/18] FAIL  mcp-server/token/alg-none  status: expected 401, got 200

#include <ostream>

#include "toolauth/conformance/run_result.h"

namespace toolauth::conformance {

void print_progress(std::ostream& out, const Outcome& outcome, std::size_t index,
                    std::size_t total);
void print_summary(std::ostream& out, const RunResult& run);

}  // namespace toolauth::conformance
