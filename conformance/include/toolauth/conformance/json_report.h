#pragma once
// The JSON report: a stable, versioned document (schema "toolauth-conformance-report/1",
// committed as conformance/report.schema.json). Fields are only ever added within a schema
// version; renaming or removing one bumps it.

#include <nlohmann/json.hpp>

#include "toolauth/conformance/run_result.h"

namespace toolauth::conformance {

inline constexpr std::string_view kReportSchema = "toolauth-conformance-report/1";

nlohmann::json json_report(const RunResult& run);

}  // namespace toolauth::conformance
