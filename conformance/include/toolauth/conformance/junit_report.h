#pragma once
// JUnit XML for CI dashboards: one <testsuite> named profile@version, one <testcase> per
// scenario (<failure> with the failed check, <skipped> with the reason), defects and the
// toolauth version as <properties>. An expected failure is reported as skipped with the
// baseline's note, a stale expectation as a failure.

#include <string>

#include "toolauth/conformance/run_result.h"

namespace toolauth::conformance {

std::string xml_escape(std::string_view text);
std::string junit_report(const RunResult& run);

}  // namespace toolauth::conformance
