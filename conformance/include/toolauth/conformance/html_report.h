#pragma once
// The HTML evidence report: one self-contained file (inline CSS, no script, no external
// resource) with the run's stamp, defects and summary, and per scenario its steps, checks,
// the exchanges the suite made, what the IdP and the MCP server journaled meanwhile, and the
// verdict. Every piece of text is HTML-escaped.

#include <string>

#include "toolauth/conformance/run_result.h"

namespace toolauth::conformance {

std::string html_report(const RunResult& run);

}  // namespace toolauth::conformance
