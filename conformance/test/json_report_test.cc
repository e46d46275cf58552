#include "toolauth/conformance/json_report.h"

#include <gtest/gtest.h>

#include "agent_service_fixture.h"
#include "toolauth/core/config.h"

namespace toolauth::conformance {
namespace {

// The subset of JSON Schema report.schema.json uses: type (one or several), enum, required,
// properties, items. Returns the first violation's path, or "" when `value` conforms.
std::string violation(const nlohmann::json& schema, const nlohmann::json& value,
                      const std::string& path) {
  auto type_ok = [&](const std::string& type) {
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    if (type == "string") return value.is_string();
    if (type == "integer") return value.is_number_integer();
    if (type == "number") return value.is_number();
    if (type == "boolean") return value.is_boolean();
    if (type == "null") return value.is_null();
    return false;
  };
  if (schema.contains("type")) {
    const auto& t = schema["type"];
    bool ok = false;
    if (t.is_string()) ok = type_ok(t.get<std::string>());
    for (const auto& one : t.is_array() ? t : nlohmann::json::array()) ok = ok || type_ok(one);
    if (!ok) return path + ": not " + t.dump();
  }
  if (schema.contains("enum") &&
      std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end())
    return path + ": " + value.dump() + " not in enum";
  if (value.is_object()) {
    const auto required = schema.value("required", nlohmann::json::array());
    for (const auto& name : required)
      if (!value.contains(name.get<std::string>())) return path + ": missing " + name.dump();
    const auto properties = schema.value("properties", nlohmann::json::object());
    for (const auto& [name, sub] : properties.items()) {
      if (!value.contains(name)) continue;
      if (auto v = violation(sub, value[name], path + "." + name); !v.empty()) return v;
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < value.size(); ++i)
      if (auto v = violation(schema["items"], value[i], path + "[" + std::to_string(i) + "]");
          !v.empty())
        return v;
  }
  return "";
}

RunResult sample_run() {
  RunResult run;
  run.profile = "mcp-server";
  run.profile_version = "1.0.0";
  run.toolauth_version = "0.1.0";
  run.started_at = "2025-01-01T00:00:00.000Z";
  run.target = {{"url", "https://localhost:1/mcp/bearer"}};
  run.defects = {"accept-expired"};
  run.capabilities = {"bearer"};
  Outcome o;
  o.id = "mcp-server/token/expired";
  o.scenario = {{"title", "An expired token is refused"},
                {"capabilities", {"bearer"}},
                {"spec_refs", {"RFC 7519 §4.1.4"}}};
  o.verdict = Verdict::failed;
  o.reason = "status: expected 401, got 200";
  o.steps = {"present a token"};
  o.checks = {{"status", false, "401", "200"}};
  o.evidence = {{"idp", nlohmann::json::array()}};
  run.outcomes = {o};
  return run;
}

TEST(JsonReportTest, ConformsToTheCommittedSchema) {
  auto schema = core::load_json_file(TOOLAUTH_REPORT_SCHEMA);
  ASSERT_TRUE(schema.ok()) << schema.error().message();
  const auto report = json_report(sample_run());
  EXPECT_EQ(violation(*schema, report, "$"), "");
  EXPECT_EQ(report["schema"], kReportSchema);
  EXPECT_EQ(report["suite"], "mcp-server@1.0.0");
  EXPECT_EQ(report["defects"][0], "accept-expired");
  EXPECT_EQ(report["summary"]["failed"], 1);
  EXPECT_EQ(report["ok"], false);
  EXPECT_EQ(report["scenarios"][0]["checks"][0]["expected"], "401");
}

// A real run, not a sample: the agent-service profile against the reference emulator.
TEST(JsonReportTest, AnAgentServiceRunConformsToTheCommittedSchema) {
  auto schema = core::load_json_file(TOOLAUTH_REPORT_SCHEMA);
  ASSERT_TRUE(schema.ok()) << schema.error().message();
  const auto run = testing::run_agent_service_profile("agent-service/key/*").result;
  const auto report = json_report(run);
  EXPECT_EQ(violation(*schema, report, "$"), "");
  EXPECT_EQ(report["suite"], "agent-service@1.1.0");
  EXPECT_EQ(report["summary"]["passed"], 4);
}

TEST(JsonReportTest, TheSchemaCheckerCatchesAViolation) {
  auto schema = core::load_json_file(TOOLAUTH_REPORT_SCHEMA);
  ASSERT_TRUE(schema.ok());
  auto report = json_report(sample_run());
  report["scenarios"][0]["verdict"] = "maybe";
  EXPECT_NE(violation(*schema, report, "$"), "");
  report.erase("suite");
  EXPECT_NE(violation(*schema, report, "$"), "");
}

}  // namespace
}  // namespace toolauth::conformance
