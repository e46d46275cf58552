#include "toolauth/conformance/junit_report.h"

#include <cstdio>

#include "toolauth/core/html_escape.h"

namespace toolauth::conformance {

std::string xml_escape(std::string_view text) {
  // XML 1.0 allows no control characters but tab, newline and carriage return.
  std::string printable(text);
  for (char& c : printable) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') c = '?';
  }
  return core::html_escape(printable);
}

namespace {
std::string seconds(double s) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", s);
  return buffer;
}
}  // namespace

std::string junit_report(const RunResult& run) {
  const auto counts = run.counts();
  const auto failures = counts.failed - counts.expected_failures + counts.stale;
  const auto skipped = counts.skipped + counts.expected_failures;
  std::string defects;
  for (const auto& d : run.defects) defects += (defects.empty() ? "" : ",") + d;
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites name=\"toolauth certify\" tests=\"" + std::to_string(counts.total()) +
         "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
         std::to_string(run.error.empty() ? 0 : 1) + "\" skipped=\"" + std::to_string(skipped) +
         "\" time=\"" + seconds(run.seconds) + "\">\n";
  xml += "  <testsuite name=\"" + xml_escape(run.stamp()) + "\" tests=\"" +
         std::to_string(counts.total()) + "\" failures=\"" + std::to_string(failures) +
         "\" errors=\"" + std::to_string(run.error.empty() ? 0 : 1) + "\" skipped=\"" +
         std::to_string(skipped) + "\" time=\"" + seconds(run.seconds) + "\" timestamp=\"" +
         xml_escape(run.started_at) + "\">\n";
  xml += "    <properties>\n";
  xml += "      <property name=\"suite\" value=\"" + xml_escape(run.stamp()) + "\"/>\n";
  xml += "      <property name=\"toolauth_version\" value=\"" + xml_escape(run.toolauth_version) +
         "\"/>\n";
  xml += "      <property name=\"target\" value=\"" + xml_escape(run.target.value("url", "")) +
         "\"/>\n";
  xml += "      <property name=\"defects\" value=\"" + xml_escape(defects) + "\"/>\n";
  xml += "    </properties>\n";
  if (!run.error.empty()) {
    xml += "    <testcase classname=\"" + xml_escape(run.stamp()) +
           "\" name=\"prepare\"><error message=\"" + xml_escape(run.error) + "\"/></testcase>\n";
  }
  for (const auto& o : run.outcomes) {
    xml += "    <testcase classname=\"" + xml_escape(run.stamp()) + "\" name=\"" +
           xml_escape(o.id) + "\" time=\"" + seconds(o.seconds) + "\">\n";
    if (o.stale) {
      xml +=
          "      <failure message=\"stale baseline: this scenario now passes; remove it from "
          "the baseline\"/>\n";
    } else if (o.expected_failure) {
      xml += "      <skipped message=\"expected failure (baseline): " + xml_escape(o.reason) +
             "\"/>\n";
    } else if (o.verdict == Verdict::failed) {
      xml += "      <failure message=\"" + xml_escape(o.reason) + "\">";
      for (const auto& c : o.checks) {
        xml += xml_escape((c.passed ? "ok   " : "FAIL ") + c.name + ": expected " + c.expected +
                          ", got " + c.actual) +
               "\n";
      }
      xml += "</failure>\n";
    } else if (o.verdict == Verdict::skipped) {
      xml += "      <skipped message=\"" + xml_escape(o.reason) + "\"/>\n";
    }
    xml += "    </testcase>\n";
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace toolauth::conformance
