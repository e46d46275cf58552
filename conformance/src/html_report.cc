#include "toolauth/conformance/html_report.h"

#include <cstdio>

#include "toolauth/core/html_escape.h"

namespace toolauth::conformance {

using core::html_escape;

namespace {

constexpr std::string_view kStyle = R"(
body{font-family:system-ui,sans-serif;margin:2em;max-width:72em;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
.passed{color:#176f2c}.failed{color:#b00020}.skipped{color:#8a6d00}
.banner{background:#b00020;color:#fff;padding:.6em;font-weight:bold}
details{border:1px solid #ddd;margin:.5em 0;padding:.4em .8em}summary{cursor:pointer}
pre{background:#f6f6f6;padding:.6em;overflow:auto;max-height:30em;font-size:.85em}
)";

std::string verdict_label(const Outcome& o) {
  if (o.stale) return "stale (passes, baseline expects failure)";
  if (o.expected_failure) return "failed (expected by baseline)";
  return std::string(to_string(o.verdict));
}

std::string pre(const nlohmann::json& value) {
  return "<pre>" +
         html_escape(value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)) +
         "</pre>";
}

}  // namespace

std::string html_report(const RunResult& run) {
  const auto counts = run.counts();
  std::string defects;
  for (const auto& d : run.defects) defects += (defects.empty() ? "" : ", ") + d;
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<title>toolauth certify: " + html_escape(run.stamp()) + "</title>";
  h += "<style>" + std::string(kStyle) + "</style></head><body>\n";
  h += "<h1>toolauth certify: " + html_escape(run.stamp()) + "</h1>\n";
  if (!run.defects.empty()) {
    h += "<p class=\"banner\">The implementation under test announced deliberate defects: " +
         html_escape(defects) + ". This is a mutant run, not a certification.</p>\n";
  }
  h += "<table>";
  auto row = [&](std::string_view name, const std::string& value) {
    h += "<tr><th>" + html_escape(name) + "</th><td>" + html_escape(value) + "</td></tr>";
  };
  row("suite", run.stamp());
  row("toolauth", run.toolauth_version);
  row("target", run.target.dump());
  row("defects", defects.empty() ? "none" : defects);
  row("started", run.started_at);
  row("scenarios", run.scenario_filter.empty() ? "all" : run.scenario_filter);
  if (run.baseline) row("baseline", *run.baseline);
  row("result", run.ok() ? "PASS" : "FAIL");
  h += "</table>\n";
  if (!run.error.empty()) h += "<p class=\"failed\">" + html_escape(run.error) + "</p>\n";
  h += "<h2>Summary</h2><table><tr><th>passed</th><th>failed</th><th>skipped</th>"
       "<th>expected failures</th><th>stale</th></tr><tr>";
  for (auto n :
       {counts.passed, counts.failed, counts.skipped, counts.expected_failures, counts.stale})
    h += "<td>" + std::to_string(n) + "</td>";
  h += "</tr></table>\n<h2>Scenarios</h2>\n<table><tr><th>scenario</th><th>severity</th>"
       "<th>verdict</th><th>reason</th></tr>\n";
  for (const auto& o : run.outcomes) {
    h += "<tr><td><a href=\"#" + html_escape(o.id) + "\">" + html_escape(o.id) + "</a></td><td>" +
         html_escape(to_string(o.severity)) + "</td><td class=\"" +
         html_escape(to_string(o.verdict)) + "\">" + html_escape(verdict_label(o)) + "</td><td>" +
         html_escape(o.reason) + "</td></tr>\n";
  }
  h += "</table>\n";
  for (const auto& o : run.outcomes) {
    h += "<details id=\"" + html_escape(o.id) + "\"" +
         (o.verdict == Verdict::failed ? " open" : "") + "><summary><span class=\"" +
         html_escape(to_string(o.verdict)) + "\">" + html_escape(verdict_label(o)) + "</span> " +
         html_escape(o.id) + ": " + html_escape(o.scenario.value("title", "")) + "</summary>\n";
    h += "<p>Severity " + html_escape(to_string(o.severity)) + ". References: ";
    std::string refs;
    for (const auto& r : o.scenario.value("spec_refs", nlohmann::json::array()))
      refs += (refs.empty() ? "" : "; ") + r.get<std::string>();
    h += html_escape(refs) + ".</p>\n";
    if (!o.reason.empty()) h += "<p>" + html_escape(o.reason) + "</p>\n";
    h += "<h4>Steps</h4><ol>";
    for (const auto& s : o.steps) h += "<li>" + html_escape(s) + "</li>";
    h += "</ol>\n<h4>Checks</h4><table><tr><th></th><th>check</th><th>expected</th><th>actual"
         "</th></tr>";
    for (const auto& c : o.checks) {
      h += std::string("<tr><td class=\"") + (c.passed ? "passed\">ok" : "failed\">FAIL") +
           "</td><td>" + html_escape(c.name) + "</td><td>" + html_escape(c.expected) + "</td><td>" +
           html_escape(c.actual) + "</td></tr>";
    }
    h += "</table>\n<h4>What the suite sent and got</h4>" + pre(o.observations);
    for (const auto& [journal, entries] : o.evidence.items()) {
      const std::string who = journal == "idp"   ? "What the IdP saw"
                              : journal == "mcp" ? "What the MCP server saw"
                                                 : "Journal " + journal;
      h += "<h4>" + html_escape(who) + "</h4>" + pre(entries);
    }
    h += "</details>\n";
  }
  h += "<p>toolauth " + html_escape(run.toolauth_version) + ", " + html_escape(run.stamp()) +
       "</p>\n</body></html>\n";
  return h;
}

}  // namespace toolauth::conformance
